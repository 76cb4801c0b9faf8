"""The checkers' default lockfile, as every supported Pants reads it.

    python3 tools/tool_lockfile.py write-metadata

writes `hygiene_tool.lock.metadata` beside the lockfile from the lockfile's own Pants header.
Pants 2.30+ read that sidecar for a lockfile shipped as a resource, and 2.32+ fail without it
(`load_lockfile` reads `<lockfile>.metadata` and no longer catches `FileNotFoundError`); 2.17-2.29
read the header. Run it after `pants generate-lockfiles --resolve=hygiene-tool-lockfile`
(tests/pants_hygiene/compat/lockfile_test.py fails while the two disagree).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict

LOCKFILE = Path("pants-plugins/pants_hygiene/util/hygiene_tool.lock")
BEGIN_HEADER = "// --- BEGIN PANTS LOCKFILE METADATA: DO NOT EDIT OR REMOVE ---"
END_HEADER = "// --- END PANTS LOCKFILE METADATA ---"


def metadata_path(lockfile: Path) -> Path:
    return lockfile.with_name(f"{lockfile.name}.metadata")


def header_metadata(lockfile_text: str) -> Dict[str, Any]:
    """The JSON of a Pex lockfile's Pants header (the `// ` lines between its markers)."""
    lines = lockfile_text.splitlines()
    start, end = lines.index(BEGIN_HEADER), lines.index(END_HEADER)
    metadata: Dict[str, Any] = json.loads("\n".join(line[3:] for line in lines[start + 1 : end]))
    return metadata


def sidecar_text(lockfile_text: str) -> str:
    return json.dumps(header_metadata(lockfile_text), indent=2) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["write-metadata"])
    parser.add_argument("--lockfile", type=Path, default=LOCKFILE)
    args = parser.parse_args()
    metadata_path(args.lockfile).write_text(sidecar_text(args.lockfile.read_text()))


if __name__ == "__main__":
    main()
