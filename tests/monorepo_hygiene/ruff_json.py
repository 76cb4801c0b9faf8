"""Real ruff, the oracle of the import and ruff-config tests and of the agreement benchmark."""

from __future__ import annotations

import json
import subprocess
from typing import Any, List, Optional

from ruff.__main__ import find_ruff_bin


def ruff_findings(root: str, target: str) -> Optional[List[Any]]:
    """What `ruff check` reports for `target` under `root`'s own configuration, as its JSON
    findings; None when ruff refuses the configuration (exit 2)."""
    completed = subprocess.run(
        [find_ruff_bin(), "check", "--no-cache", "--output-format", "json", target],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode == 2:
        return None
    findings: List[Any] = json.loads(completed.stdout)
    return findings
