"""Measure (issue 25): the migration-convention findings on real histories, not a speed run.

Run from the repository root:

    PYTHONPATH=.:src python benchmarks/alembic_conventions_count.py [--superset PATH.whl]

Checks every history under `examples/` and, with `--superset`, Apache Superset's 344 revisions
from its wheel (`pip download --no-deps apache-superset==6.1.0`, read in memory as
`alembic_check_scale.py` does) with every convention on: HM116 (redundant merge parents),
HM118 (`check_offline_reads`) and HM117 with the issue's marker (`^# Part of: (?P<release>\\S+)`,
placeholder `NEXT_RELEASE_VERSION`, required after each history's first base, placeholder
allowed). Prints, per history: revisions, merge revisions, revisions that call `get_bind()`, and
the count of each code, then each HM116/HM118 finding, for reading them by hand.
"""

from __future__ import annotations

import argparse
import collections
import posixpath
from pathlib import Path
from typing import Dict, List, Tuple

from benchmarks.alembic_check_scale import _superset_files
from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.alembic.conventions import ConventionOptions
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history
from monorepo_hygiene.alembic.release import ReleaseMarker

_CODES = ("HM116", "HM117", "HM118")


def _example_histories(root: Path) -> Dict[str, Dict[str, bytes]]:
    """Each example's history, by script directory: its `versions*` directories together
    (billing's `version_locations` adds `versions_v2`)."""
    histories: Dict[str, Dict[str, bytes]] = collections.defaultdict(dict)
    for path in sorted(root.glob("examples/**/versions*/*.py")):
        relative = path.relative_to(root).as_posix()
        histories[posixpath.dirname(posixpath.dirname(relative))][relative] = path.read_bytes()
    return histories


def _measure(name: str, files: Dict[str, bytes]) -> Tuple[str, List[str]]:
    migrations = read_history(files).migrations
    graph = RevisionGraph.from_migrations(migrations)
    options = CheckOptions(
        draw_graph=False,
        conventions=ConventionOptions(
            release_marker=ReleaseMarker.parse(
                r"^# Part of: (?P<release>\S+)", "NEXT_RELEASE_VERSION"
            ),
            required_after=graph.bases[0] if graph.bases else None,
            allow_placeholder=True,
            offline_reads=True,
        ),
    )
    report = check_history(name, files, options)
    counts = collections.Counter(f.code for f in report.findings)
    binds = sum(1 for content in files.values() if b"get_bind()" in content)
    merges = sum(1 for m in migrations if m.is_merge)
    line = (
        f"{name}: {len(migrations)} revisions, {merges} merges, {binds} files call get_bind(); "
        + ", ".join(f"{code} {counts[code]}" for code in _CODES)
    )
    details = [f.render() for f in report.findings if f.code in ("HM116", "HM118")]
    return line, details


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--superset", type=Path, help="apache_superset-6.1.0-py3-none-any.whl")
    arguments = parser.parse_args()
    histories = dict(_example_histories(Path.cwd()))
    if arguments.superset is not None:
        histories["superset/migrations/versions"] = _superset_files(arguments.superset)
    details: List[str] = []
    for name, files in sorted(histories.items()):
        line, found = _measure(name, files)
        print(line)
        details += found
    print()
    print("\n".join(details))


if __name__ == "__main__":
    main()
