"""What the core's file checkers say and write on a corpus, to compare two versions of the core
byte for byte (a refactor must leave both unchanged).

    python benchmarks/checker_corpus_diff.py capture --src SRC --corpus DIR --out OUT.json
    python benchmarks/checker_corpus_diff.py compare BEFORE.json AFTER.json

`capture` copies the corpus (a directory holding one top-level package) to a temporary
directory and runs, with the core at SRC, each checker's command line as a user would: the
import checker (facts as `imports_bench.load_corpus` lays the corpus out: one owner per
top-level package) as a check, a check writing its fixes (`--write-fixes`), a check through a
result cache twice (a miss, then hits) and a fix in place; the annotation checker with every
rule as a check, a cached check twice, a check writing its fixes and a fix in place. It records
every run's findings (as lines, and with `--write-fixes` the `after_fixes` too), its `fixed`
list, and the SHA-256 of every file the fixes left (and of every fix written to the
`--write-fixes` directory). `compare` says whether two captures are identical, run by
run, findings compared as multisets of whole lines.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any, Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from imports_bench import load_corpus  # noqa: E402 - the path above finds it.

_ANNOTATION_RULES = "HA101,HA102,HA103"


def capture(src: str, corpus: str) -> Dict[str, Any]:
    runs: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        package = os.path.basename(os.path.normpath(corpus))
        work = os.path.join(scratch, "tree")

        def fresh_copy() -> None:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(corpus, os.path.join(work, package), ignore=_no_bytecode)

        fresh_copy()
        relative = sorted(os.path.relpath(path, work) for path in _python_files(work))
        facts = _facts_at(work)
        facts_path = os.path.join(scratch, "facts.json")
        with open(facts_path, "w") as facts_file:
            json.dump(facts, facts_file)
        imported = [path for path in relative if path in facts["files"]]
        cache = os.path.join(scratch, "cache")

        def run(name: str, checker: str, *argv: str, paths: List[str]) -> None:
            out = _run(src, work, checker, [*argv, *paths])
            runs[name] = out

        imports_args = ("--facts", facts_path)
        run("imports check", "imports", *imports_args, paths=imported)
        fixes_dir = os.path.join(scratch, "fixes")
        run(
            "imports write-fixes",
            "imports",
            f"--write-fixes={fixes_dir}",
            *imports_args,
            paths=imported,
        )
        runs["imports write-fixes"]["written"] = _digests(fixes_dir)
        run(
            "imports cached miss",
            "imports",
            f"--cache-dir={cache}/i",
            *imports_args,
            paths=imported,
        )
        run(
            "imports cached hit", "imports", f"--cache-dir={cache}/i", *imports_args, paths=imported
        )
        run("imports fix", "imports", "--fix", *imports_args, paths=imported)
        runs["imports fix"]["tree"] = _digests(work)

        fresh_copy()
        select = f"--select={_ANNOTATION_RULES}"
        run("annotations check", "annotations", select, paths=relative)
        run(
            "annotations cached miss",
            "annotations",
            select,
            f"--cache-dir={cache}/a",
            paths=relative,
        )
        run(
            "annotations cached hit",
            "annotations",
            select,
            f"--cache-dir={cache}/a",
            paths=relative,
        )
        annotation_fixes = os.path.join(scratch, "annotation-fixes")
        run(
            "annotations write-fixes",
            "annotations",
            f"--write-fixes={annotation_fixes}",
            select,
            paths=relative,
        )
        runs["annotations write-fixes"]["written"] = _digests(annotation_fixes)
        run("annotations fix", "annotations", "--fix", select, paths=relative)
        runs["annotations fix"]["tree"] = _digests(work)
    return runs


def _facts_at(work: str) -> Dict[str, Any]:
    cwd = os.getcwd()
    os.chdir(work)
    try:
        # The corpus's parent is the source root: its package is `package`, owned by one BUILD.
        facts = load_corpus(".", per_directory=False).to_json()
    finally:
        os.chdir(cwd)
    facts["files"] = {os.path.relpath(path): data for path, data in facts["files"].items()}
    return facts


def _run(src: str, cwd: str, checker: str, argv: List[str]) -> Dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.path.abspath(src), "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", f"monorepo_hygiene.{checker}", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{checker} {argv[:3]} failed:\n{completed.stderr.decode()}")
    payload = json.loads(completed.stdout)
    return {
        "findings": sorted(_line(item) for item in payload["findings"]),
        "fixed": payload["fixed"],
        "reused": payload.get("reused", 0),
        # A check writing its fixes: the findings those leave, which a fixer reports.
        "after_fixes": sorted(_line(item) for item in payload.get("after_fixes", [])),
    }


def _line(item: Dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


def _python_files(root: str) -> List[str]:
    found = []
    for directory, subdirectories, filenames in os.walk(root):
        subdirectories.sort()
        found.extend(os.path.join(directory, name) for name in filenames if name.endswith(".py"))
    return found


def _digests(root: str) -> Dict[str, str]:
    digests = {}
    for directory, _, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                digests[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return dict(sorted(digests.items()))


def _no_bytecode(directory: str, names: List[str]) -> List[str]:
    return [name for name in names if name == "__pycache__"]


def compare(before: Dict[str, Any], after: Dict[str, Any]) -> bool:
    same = True
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            print(f"{name}: only in {'after' if old is None else 'before'}")
            same = False
            continue
        findings_same = collections.Counter(old["findings"]) == collections.Counter(new["findings"])
        others_same = {k: v for k, v in old.items() if k != "findings"} == {
            k: v for k, v in new.items() if k != "findings"
        }
        files = len(old.get("tree", old.get("written", {})))
        print(
            f"{name}: {len(new['findings'])} findings, {len(new['fixed'])} fixed, "
            f"{new['reused']} reused"
            + (f", {files} files hashed" if files else "")
            + f": {'identical' if findings_same and others_same else 'DIFFERENT'}"
        )
        same = same and findings_same and others_same
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    capture_parser = commands.add_parser("capture")
    capture_parser.add_argument("--src", required=True)
    capture_parser.add_argument("--corpus", required=True)
    capture_parser.add_argument("--out", required=True)
    compare_parser = commands.add_parser("compare")
    compare_parser.add_argument("before")
    compare_parser.add_argument("after")
    args = parser.parse_args()
    if args.command == "capture":
        with open(args.out, "w") as out:
            json.dump(capture(args.src, args.corpus), out, indent=1, sort_keys=True)
        return 0
    with open(args.before) as before, open(args.after) as after:
        return 0 if compare(json.load(before), json.load(after)) else 1


if __name__ == "__main__":
    sys.exit(main())
