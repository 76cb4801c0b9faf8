"""Benchmark (issue 23): the import rule next to the repo's own ruff, on a repo shaped like the
issue's — one BUILD file over a deep package, ruff's TID252 selected with its default
`ban-relative-imports = "parents"`.

    PYTHONPATH=.:src python benchmarks/imports_ruff_agreement.py [--wheel WHEEL]

Lays the homeassistant 2024.3.3 wheel (6,725 files, ~1,000 component packages) out as
`src/homeassistant/`, owned by one BUILD file (`python_sources(sources=["**/*.py"])`), with a
`ruff.toml` selecting TID252. Then, for the policy taken literally (`relative-within-build`, any
depth: what the issue ran) and for the policy the suite now derives from that ruff.toml
(`relative-within-build-no-parents`), on a fresh copy each: HI101 and all findings of the check,
files the fix rewrites, and real ruff's TID252 count before and after the fix. The check and fix
are the core's (`check_files`), as the checker process runs them; ruff is the one in this
interpreter's environment. Every rewritten file is also checked to bind the same objects: each
import statement, resolved as Python resolves it, binds the same (module, name) pairs before and
after (the property tests' `bindings`).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from monorepo_hygiene.imports import (
    RELATIVE_WITHIN_BUILD,
    FileFacts,
    ImportFacts,
    check_files,
)
from monorepo_hygiene.imports.ruff_policy import resolve_policy, ruff_import_rule
from monorepo_hygiene.ruff_config import CONFIG_FILE_NAMES, read_ruff_config
from tests.monorepo_hygiene.imports.imports_trees import bindings, import_nodes
from tests.monorepo_hygiene.ruff_json import ruff_findings

RUFF_TOML = '[lint]\nextend-select = ["TID252"]\n'
OWNER = "src/homeassistant"
# Where `benchmarks/monorepo_scale.py` downloads it.
WHEEL = Path.home() / ".cache/hygiene-benchmarks/homeassistant-2024.3.3-py3-none-any.whl"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, default=WHEEL, help="the homeassistant wheel")
    args = parser.parse_args(argv)
    wheel: Path = args.wheel
    if not wheel.exists():
        parser.error(
            f"no {wheel}: `pip download --no-deps --only-binary=:all: --python-version=3.11 "
            f"--dest {wheel.parent} homeassistant==2024.3.3` (or run monorepo_scale.py once)"
        )
    with tempfile.TemporaryDirectory() as scratch:
        pristine = Path(scratch, "pristine")
        _lay_out(wheel, pristine)
        rows = [
            _run(pristine, Path(scratch, "literal"), follow_ruff=False),
            _run(pristine, Path(scratch, "ruff"), follow_ruff=True),
        ]
    _print_table(rows)
    return 0


def _lay_out(wheel: Path, root: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("homeassistant/") and name.endswith(".py"):
                archive.extract(name, root / "src")
    (root / OWNER / "BUILD").write_text('python_sources(sources=["**/*.py"])\n')
    (root / "ruff.toml").write_text(RUFF_TOML)


def _facts(root: Path, follow_ruff: bool) -> ImportFacts:
    config = read_ruff_config(
        {
            name: (root / name).read_bytes() if (root / name).exists() else None
            for name in CONFIG_FILE_NAMES
        }
    )
    files: Dict[str, FileFacts] = {}
    for path in sorted(root.glob("src/homeassistant/**/*.py")):
        relative = path.relative_to(root).as_posix()
        parts = relative[len("src/") : -len(".py")].split("/")
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        policy = RELATIVE_WITHIN_BUILD
        if follow_ruff:
            policy = resolve_policy(policy, None, ruff_import_rule(config, relative))[0]
        files[relative] = FileFacts(module, is_package, OWNER, policy)
    return ImportFacts(files, {facts.module: OWNER for facts in files.values()})


def _run(pristine: Path, root: Path, follow_ruff: bool) -> Dict[str, object]:
    shutil.copytree(pristine, root)
    facts = _facts(root, follow_ruff)
    contents = {path: (root / path).read_bytes() for path in facts.files}
    tid252_before = _tid252(root)
    checked = check_files(contents, facts)
    codes = Counter(finding.code for finding in checked.findings)
    fixed = check_files(contents, facts, fix=True)
    for path, content in fixed.fixed.items():
        (root / path).write_bytes(content)
    lines = _changed_import_lines(contents, fixed.fixed)
    same = sum(
        _binds_the_same(facts.files[path], contents[path], content)
        for path, content in fixed.fixed.items()
    )
    return {
        "policy": next(iter(facts.files.values())).policy,
        "files": len(contents),
        "HI101": codes["HI101"],
        "findings": sum(codes.values()),
        "by_code": dict(sorted(codes.items())),
        "rewritten": len(fixed.fixed),
        "same_bindings": same,
        "lines": lines,
        "tid252_before": tid252_before,
        "tid252_after": _tid252(root),
        "left": len(fixed.findings),
    }


def _binds_the_same(facts: FileFacts, before: bytes, after: bytes) -> bool:
    package = facts.module if facts.is_package else facts.module.rpartition(".")[0]
    old, new = import_nodes(before.decode()), import_nodes(after.decode())
    return len(old) == len(new) and all(
        bindings(a, package) == bindings(b, package) for a, b in zip(old, new)
    )


def _changed_import_lines(before: Dict[str, bytes], after: Dict[str, bytes]) -> Dict[str, int]:
    """Import lines the fix wrote, by form: parent-relative, one-dot relative, absolute."""
    forms: Counter[str] = Counter()
    for path, content in after.items():
        old = set(before[path].decode("utf-8", "replace").splitlines())
        for line in content.decode("utf-8", "replace").splitlines():
            stripped = line.strip()
            if line in old or not stripped.startswith(("from ", "import ")):
                continue
            head = stripped.split()[1]
            form = "absolute" if head[0] != "." else "from .." if head[1:2] == "." else "from ."
            forms[form] += 1
    return dict(forms)


def _tid252(root: Path) -> int:
    findings = ruff_findings(str(root), "src")
    if findings is None:
        raise SystemExit("ruff refused the configuration")
    return sum(1 for item in findings if item["code"] == "TID252")


def _print_table(rows: List[Dict[str, object]]) -> None:
    print(
        f"homeassistant 2024.3.3 as one BUILD file ({rows[0]['files']:,} files), "
        f"ruff.toml: {RUFF_TOML.strip()!r} (ban-relative-imports: ruff's default, parents)\n"
    )
    print(
        "| policy | HI101 | all findings | files rewritten (binding the same objects) "
        "| import lines written | TID252 before | TID252 after fix | findings left |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| `{row['policy']}` | {row['HI101']:,} | {row['findings']:,} {row['by_code']} | "
            f"{row['rewritten']:,} ({row['same_bindings']:,}) | {row['lines']} | "
            f"{row['tid252_before']:,} | {row['tid252_after']:,} | {row['left']:,} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
