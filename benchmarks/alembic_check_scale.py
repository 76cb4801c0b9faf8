"""Benchmark: check-alembic's core at scale, with the graph drawing on (issue 11's budget:
<= 0.1 s of core time per 500 revisions).

Run from the repository root:

    PYTHONPATH=.:src python benchmarks/alembic_check_scale.py [--superset PATH.whl] [--repeat 5]

Times `check_history` (parse, graph, findings, and the text and Mermaid drawings of a forked
history) on file contents already in memory, as the Pants goal hands them over, in CPU seconds
of this process (`time.process_time`), so a busy machine skews it less than wall time. Corpora:
- a synthetic 500-revision history (`alembic_read.write_project`: side branches merged back,
  realistic upgrade/downgrade bodies), plus one extra migration forking 300 revisions back, so
  the history has two heads and the drawing runs;
- with `--superset`, Apache Superset's real history from its wheel
  (`pip download --no-deps apache-superset==6.1.0`): as released, and with the same extra fork.
  Alembic's own `ScriptDirectory.get_heads()` on the extracted files is the oracle for the heads
  (Superset's migrations import `superset`, so without Superset installed alembic can't load
  them at all: the benchmark says so).
Prints best and median per corpus, normalised to 500 revisions, with `check_syntax` off (the
default: metadata blocks only) and on (every file compiled whole), and the ratio to a bare
`ast.parse` of the same files, CPython's floor for reading them whole, which a busy machine
skews far less than the absolute times. The budget applies to the default.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from benchmarks.alembic_read import write_project
from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.alembic.report import HistoryReport
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history

_SUPERSET_VERSIONS = "superset/migrations/versions/"
_BUDGET_PER_500 = 0.1


def _fork(files: Dict[str, bytes], versions: str, back: int) -> Dict[str, bytes]:
    """`files` plus one migration revising the revision `back` steps below the head."""
    graph = RevisionGraph.from_migrations(read_history(files).migrations)
    order = graph.topological_order()
    parent = order[max(0, len(order) - 1 - back)]
    extra = f'"""forked"""\nrevision = "f0f0f0f0f0f0"\ndown_revision = "{parent}"\n'
    return {**files, f"{versions}/f0f0f0f0f0f0_forked.py": extra.encode()}


def _superset_files(wheel: Path) -> Dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith(_SUPERSET_VERSIONS)
            and "/" not in name[len(_SUPERSET_VERSIONS) :]
            and name.endswith(".py")
        }


def _alembic_heads(files: Dict[str, bytes], versions: str) -> Tuple[str, ...]:
    """The oracle: alembic imports the same files from a script directory on disk."""
    from alembic.script import ScriptDirectory

    sys.dont_write_bytecode = True
    with tempfile.TemporaryDirectory() as tmp:
        script_dir = Path(tmp) / "migrations"
        (script_dir / "versions").mkdir(parents=True)
        for path, content in files.items():
            (script_dir / "versions" / path[len(versions) + 1 :]).write_bytes(content)
        return tuple(sorted(ScriptDirectory(str(script_dir)).get_heads()))


def _cpu_times(run: Callable[[], object], repeat: int) -> List[float]:
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        timings.append(time.process_time() - start)
    return timings


def _measure(
    label: str, versions: str, files: Dict[str, bytes], repeat: int, oracle: bool
) -> HistoryReport:
    report = check_history(versions, files, CheckOptions(mermaid=True))
    if oracle:
        try:
            assert report.heads == _alembic_heads(files, versions), report.heads
        except ImportError as e:
            # Alembic imports each migration, and Superset's import Superset itself.
            print(f"{label}: alembic can't load it without its application installed ({e})")
    print(
        f"{label}: {report.revision_count} revisions, heads {', '.join(report.heads)}, "
        f"{len(report.findings)} findings, drawing {len(report.drawing)} lines"
    )
    texts = [content.decode("utf-8", "surrogateescape") for content in files.values()]
    floor = min(
        _cpu_times(lambda: [compile(t, "m", "exec", ast.PyCF_ONLY_AST) for t in texts], repeat)
    )
    print(f"  bare ast.parse of every file: {floor:.3f} s")
    for check_syntax in (False, True):
        options = CheckOptions(check_syntax=check_syntax, draw_graph=True, mermaid=True)
        timings = _cpu_times(lambda o=options: check_history(versions, files, o), repeat)
        per_500 = min(timings) * 500 / report.revision_count
        verdict = (
            f"{'within' if per_500 <= _BUDGET_PER_500 else 'OVER'} the {_BUDGET_PER_500} s budget"
            if check_syntax == CheckOptions().check_syntax
            else "not the default"
        )
        print(
            f"  check_syntax={str(check_syntax):<5}  best {min(timings):.3f} s  "
            f"median {statistics.median(timings):.3f} s  -> {per_500:.3f} s per 500 revisions "
            f"({verdict}), {min(timings) / floor:.2f}x bare parse"
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--superset", type=Path, help="apache_superset-6.1.0-py3-none-any.whl")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, CPU time of this process")

    with tempfile.TemporaryDirectory() as tmp:
        write_project(Path(tmp), 500)
        versions = "migrations/versions"
        synthetic = {
            f"{versions}/{path.name}": path.read_bytes()
            for path in (Path(tmp) / versions).glob("*.py")
        }
    _measure(
        "synthetic, forked 300 back", versions, _fork(synthetic, versions, 300), args.repeat, True
    )

    if args.superset is not None:
        superset = _superset_files(args.superset)
        versions = _SUPERSET_VERSIONS.rstrip("/")
        report = _measure("superset 6.1.0", versions, superset, args.repeat, True)
        print("  " + report.summary_line())
        forked = _measure(
            "superset 6.1.0, forked 40 back", versions, _fork(superset, versions, 40), 1, True
        )
        print("\n".join("  " + line for line in forked.drawing))


if __name__ == "__main__":
    main()
