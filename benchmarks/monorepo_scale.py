"""Benchmark: the suite against Pants' ruff backend on a 7,000-file monorepo, side by side.

    PYTHONPATH=.:src python benchmarks/monorepo_scale.py [--files N] [--cache-dir DIR] [--keep DIR]

Builds, from wheels on PyPI (downloaded once into `--cache-dir`, outside the repo), a Pants repo
laid out like a real monorepo: the `homeassistant` 2024.3.3 wheel (6,725 `.py` files) under
`src/`, one BUILD file per package subtree (`src/homeassistant/` for the core and one per
`components/<x>/`), a generated `tests/` tree with one BUILD per directory, a few packages with no
BUILD file, and `apache-superset` 6.1.0's 345-revision Alembic history. Then it times real
`./pants` runs, the suite and ruff (selecting the same rules: ANN2xx, TID252) in the same session:

- cold `lint ::` (no pantsd, no local cache, no result cache of the checkers; tools' PEXes come
  from the shared named caches);
- warm no-op `lint ::`, then after appending a comment to one file: warm `lint ::`, and a fresh
  process with `--changed-since=HEAD` (no pantsd, no local cache, no result cache: a CI runner);
- whole-repo `fix ::` of the suite, `check-alembic ::`;
- the peak RSS of the checker processes, and the findings per code: on the checkers' default
  interpreter, and on CPython 3.9 (what Pex picked before the speed work), which must agree.

Two shapes of the same repo (`--shape`):

- `steady` (default): the wheels as published. homeassistant already writes `from .x` inside a
  package, so the repo follows the import rule; the findings are mostly return annotations.
- `first-adoption`: the repo a team has on the day it adopts the suite. Before anything is
  timed, the suite's own `pants fix` under `[hygiene-imports].policy = "absolute"` turns every
  relative import of `src/` absolute (and is committed), so the default policy then asks for
  thousands of them back: ~40% of the files have a fixable HI101.

`--files N` keeps only as many of homeassistant's files (whole components, the core always), to
try the script out in minutes. Each measurement is printed as soon as it is made.

Wall times are noisy on a shared machine; the ratios, measured minutes apart, are what to compare.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from tests.pants_hygiene.pants_e2e import E2ERepo

WHEELS = {
    "homeassistant": ("homeassistant==2024.3.3", "homeassistant-2024.3.3-py3-none-any.whl"),
    "superset": ("apache-superset==6.1.0", "apache_superset-6.1.0-py3-none-any.whl"),
}
BACKENDS = (
    "pants.backend.python",
    "pants.backend.experimental.python.lint.ruff",
    "pants_hygiene.alembic",
    "pants_hygiene.annotations",
    "pants_hygiene.imports",
    "pants_hygiene.build_files",
)
SUITE = ("hygiene-imports", "hygiene-annotations", "hygiene-build-files")
RUFF = ("ruff",)
POLICIES = {
    "src/": "subtree",
    # Each component is a package subtree of its own, with its own BUILD file.
    "src/homeassistant/components/": "subtree",
    "services/": "subtree",
    "tests/": "per-directory",
}
EXTRA_TOML = f"""
[lint]
batch_size = 1024

# The same for `pants fix` (Pants' default is 128 for both): 65 batches per fixer at 128, each a
# process with its own sandbox and facts, cost `fix ::` a fifth of its time.
[fix]
batch_size = 1024

[hygiene-build-files]
policies = {{ {", ".join(f'"{prefix}" = "{policy}"' for prefix, policy in POLICIES.items())} }}
"""
RUFF_TOML = """\
# The same rules as the suite's: return annotations, and no relative imports from parents.
select = ["ANN201", "ANN202", "ANN204", "ANN205", "ANN206", "TID252"]
target-version = "py311"
"""
# Components left without a BUILD file, as in a repo where someone forgot one.
UNOWNED_COMPONENTS = ("acer_projector", "bbox", "daikin")
# How many components get a generated tests/ directory, and which of those lack a BUILD file.
TESTED_COMPONENTS = 300
UNOWNED_TEST_DIRS = 4
# The file the one-line edit goes to: in the core, so it is there however many files are kept.
EDITED_FILE = "src/homeassistant/core.py"
# The checkers' result cache (`[hygiene-tool].result_cache`), in Pants' default named caches
# directory: cold runs and CI runners start without it.
RESULT_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "pants"
    / "named_caches"
    / "hygiene_results"
)
# What the checkers' findings are compared with: the interpreter Pex picked before the speed work.
BEFORE_INTERPRETER = "3.9"
# A finding's whole line (`path:line:col: CODE message`): counted as a multiset, so two findings
# at one place (`BUILD:1:1`) are two.
FINDING_RE = re.compile(r"^\S+?:\d+:\d+: [A-Z]+\d+\b.*$", re.MULTILINE)
SHAPES = ("steady", "first-adoption")
TESTS_INIT = '"""Tests for the {name} integration."""\n'
TESTS_CONFTEST = '''\
"""Fixtures for the {name} tests."""
import pytest


def make_config(domain):
    return {{"domain": domain}}


@pytest.fixture
def config():
    return make_config("{name}")
'''
TESTS_MODULE = '''\
"""Tests for {name}."""
import pytest

import homeassistant.components.{name}

from .conftest import make_config


def test_module_loads() -> None:
    assert homeassistant.components.{name}.__name__.endswith("{name}")


def test_config(config):
    assert config == make_config("{name}")


@pytest.mark.parametrize("domain", ["{name}", "other"])
async def test_domains(domain: str):
    assert make_config(domain)["domain"] == domain
'''


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path.home() / ".cache" / "hygiene-benchmarks",
        help="where the wheels are downloaded (once)",
    )
    parser.add_argument("--keep", type=Path, help="build the repo here and keep it")
    parser.add_argument("--label", default="", help="a name for this run in the table")
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="steady",
        help="the repo as published, or with its imports made absolute first (see above)",
    )
    parser.add_argument(
        "--files",
        type=int,
        help="keep about this many of homeassistant's files (default: all, 6,725)",
    )
    args = parser.parse_args(argv)
    wheels = {name: _download(args.cache_dir, *spec) for name, spec in WHEELS.items()}
    if args.keep:
        if args.keep.exists():
            shutil.rmtree(args.keep)
        args.keep.mkdir(parents=True)
        _benchmark(args.keep, wheels, args.label, args.files, args.shape)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            _benchmark(Path(scratch), wheels, args.label, args.files, args.shape)
    return 0


def _download(cache_dir: Path, requirement: str, filename: str) -> Path:
    wheel = cache_dir / filename
    if not wheel.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        # The wheels need CPython 3.11+; ask for that whatever interpreter runs this script.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version=3.11",
                "--dest",
                str(cache_dir),
                requirement,
            ],
            check=True,
        )
    return wheel


def _build_repo(
    root: Path, wheels: Dict[str, Path], max_files: Optional[int]
) -> Tuple[E2ERepo, int]:
    repo = E2ERepo.create(
        root,
        {"ruff.toml": RUFF_TOML},
        backends=BACKENDS,
        source_roots=("/src", "/services/superset", "/"),
        extra_toml=EXTRA_TOML,
    )
    with zipfile.ZipFile(wheels["homeassistant"]) as archive:
        for member in _homeassistant_files(archive.namelist(), max_files):
            archive.extract(member, root / "src")
    package = root / "src" / "homeassistant"
    files = {
        "src/homeassistant/BUILD": 'python_sources(sources=["**/*.py", "!components/**"])\n',
        "src/homeassistant/components/BUILD": "python_sources()\n",
    }
    components = sorted(p.name for p in (package / "components").iterdir() if p.is_dir())
    for name in components:
        if name not in UNOWNED_COMPONENTS:
            files[f"src/homeassistant/components/{name}/BUILD"] = (
                'python_sources(sources=["**/*.py"])\n'
            )
    for index, name in enumerate(components[:TESTED_COMPONENTS]):
        directory = f"tests/components/{name}"
        files[f"{directory}/__init__.py"] = TESTS_INIT.format(name=name)
        files[f"{directory}/conftest.py"] = TESTS_CONFTEST.format(name=name)
        files[f"{directory}/test_init.py"] = TESTS_MODULE.format(name=name)
        if index >= UNOWNED_TEST_DIRS:
            files[f"{directory}/BUILD"] = 'python_tests()\n\npython_test_utils(name="test_utils")\n'
    files["tests/components/__init__.py"] = ""
    files["tests/components/BUILD"] = "python_sources()\n"
    # Superset's history, as a service with its own alembic.ini and migrations package.
    with zipfile.ZipFile(wheels["superset"]) as archive:
        for member in archive.namelist():
            if member.startswith("superset/migrations/"):
                target = (
                    root
                    / "services"
                    / "superset"
                    / "migrations"
                    / member[len("superset/migrations/") :]
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
    files["services/superset/alembic.ini"] = "[alembic]\nscript_location = migrations\n"
    files["services/superset/migrations/BUILD"] = (
        'python_sources(sources=["**/*.py"])\n\nresources(name="templates", sources=["*.mako"])\n'
    )
    repo.write(files)
    repo.commit_all("corpus")
    count = sum(1 for _ in root.glob("src/**/*.py")) + sum(1 for _ in root.glob("tests/**/*.py"))
    count += sum(1 for _ in root.glob("services/**/*.py"))
    return repo, count


def _homeassistant_files(names: Sequence[str], max_files: Optional[int]) -> List[str]:
    """The wheel's `.py` files: all, or the core and whole components (in name order) up to
    about `max_files`."""
    files = sorted(n for n in names if n.startswith("homeassistant/") and n.endswith(".py"))
    if max_files is None:
        return files
    by_component: Dict[str, List[str]] = {}
    for name in files:
        parts = name.split("/")
        is_component = parts[1] == "components" and len(parts) > 3
        by_component.setdefault(parts[2] if is_component else "", []).append(name)
    kept = by_component.pop("")
    for component in sorted(by_component):
        if len(kept) >= max_files:
            break
        kept.extend(by_component[component])
    return kept


class _PeakRss:
    """Samples /proc while a run lasts: the largest VmHWM of the suite's and ruff's processes."""

    def __init__(self) -> None:
        self.peaks: Dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "_PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                # Another job's tests of the suite (pytest, mypy) are not the checkers.
                if b"monorepo_hygiene" in cmdline and not any(
                    other in cmdline for other in (b"pytest", b"mypy")
                ):
                    tool = "suite"
                elif b"bin/ruff" in cmdline:
                    tool = "ruff"
                else:
                    continue
                match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
                if match:
                    self.peaks[tool] = max(self.peaks.get(tool, 0), int(match.group(1)))
            self._stop.wait(0.1)


@dataclass
class _Row:
    label: str
    suite: Optional[float] = None
    ruff: Optional[float] = None
    note: str = ""
    # The highest 1-minute load average seen as the row's runs ended.
    load: float = 0.0


@dataclass
class _Report:
    rows: List[_Row] = field(default_factory=list)
    peaks: Dict[str, int] = field(default_factory=dict)


def _pants(
    repo: E2ERepo, *args: str, ok: Tuple[int, ...] = (0, 1)
) -> Tuple[float, str, float]:
    started = time.perf_counter()
    run = repo.pants(*args)
    seconds = time.perf_counter() - started
    # Exit code 1 is also what a crash of Pants itself (e.g. pantsd not starting) gives.
    crashed = ("Traceback (most recent call last)", "Exception encountered")
    if run.exit_code not in ok or any(sign in run.stderr for sign in crashed):
        raise SystemExit(f"`./pants {' '.join(args)}` failed ({run.exit_code}):\n{run.stderr}")
    # The machine's load as the run ends: on a shared machine, read the times with it.
    load = os.getloadavg()[0]
    print(f"    {seconds:6.1f} s  (load {load:4.1f})  ./pants {' '.join(args)}", flush=True)
    return seconds, run.stdout + run.stderr, load


def _only(goal: str, tools: Sequence[str]) -> str:
    return f"--{goal}-only=[{', '.join(repr(tool) for tool in tools)}]"


def _forget_results() -> None:
    shutil.rmtree(RESULT_CACHE, ignore_errors=True)


def _side_by_side(
    repo: E2ERepo,
    report: _Report,
    label: str,
    *args: str,
    goal: str = "lint",
    note: str = "",
    repeat: int = 1,
    before_each: Callable[[], None] = lambda: None,
) -> None:
    """Ruff's run, then the suite's, `repeat` times alternated; each side's median time."""
    row = _Row(label, note=note)
    times: Dict[str, List[float]] = {"ruff": [], "suite": []}
    with _PeakRss() as rss:
        for _ in range(repeat):
            for side, tools in (("ruff", RUFF), ("suite", SUITE)):
                before_each()
                seconds, _, load = _pants(repo, *args[:-2], _only(goal, tools), *args[-2:])
                times[side].append(seconds)
                row.load = max(row.load, load)
    row.ruff, row.suite = statistics.median(times["ruff"]), statistics.median(times["suite"])
    for tool, peak in rss.peaks.items():
        report.peaks[tool] = max(report.peaks.get(tool, 0), peak)
    report.rows.append(row)
    print(f"  {label}: suite {row.suite:.1f} s, ruff {row.ruff:.1f} s", flush=True)


def _benchmark(
    root: Path, wheels: Dict[str, Path], label: str, max_files: Optional[int], shape: str
) -> None:
    repo, count = _build_repo(root, wheels, max_files)
    print(f"repo: {root}, {count} Python files", flush=True)
    cold = ("--no-pantsd", "--no-local-cache")
    report = _Report()
    # Build both tools' PEXes into the named caches first, so "cold" measures the lint itself
    # the same way for both (a CI runner with warm pip/pex caches but no Pants cache).
    _pants(repo, "--no-pantsd", "lint", "src/homeassistant/const.py")
    if shape == "first-adoption":
        _make_imports_absolute(repo)

    _side_by_side(
        repo, report, "cold `lint ::`", *cold, "lint", "::", before_each=_forget_results
    )
    _pants(repo, "--pantsd", "lint", "::")  # warms pantsd and the local cache
    _side_by_side(repo, report, "warm no-op `lint ::`", "--pantsd", "lint", "::")
    with open(root / EDITED_FILE, "a") as edited:
        edited.write("# one-line edit\n")
    # Each edit is a new one (another line appended), so no run finds the last one's results.
    _side_by_side(
        repo,
        report,
        "one-line edit, warm `lint ::`",
        "--pantsd",
        "lint",
        "::",
        note="median of 3, alternated",
        repeat=3,
        before_each=lambda: _append_line(root / EDITED_FILE),
    )
    # A fresh process is the noisiest row, and the one closest to its limit: the median of three.
    _side_by_side(
        repo,
        report,
        "one-line edit, CI: `--changed-since=HEAD lint`",
        *cold,
        "--changed-since=HEAD",
        "lint",
        note="median of 3, alternated",
        repeat=3,
        before_each=_forget_results,
    )
    after = {side: _findings(repo, "--pantsd", tools=tools) for side, tools in SIDES}
    for side, found in after.items():
        print(f"  findings ({side}): {_per_code(found)}", flush=True)
    repo.git("checkout", "--", ".")

    fix_seconds, _, fix_load = _pants(repo, "--no-pantsd", _only("fix", SUITE), "fix", "::")
    changed = len(repo.git("diff", "--name-only").split())
    created = len(repo.git("ls-files", "--others", "--exclude-standard").split())
    report.rows.append(
        _Row(
            "whole-repo `fix ::` (fresh process)",
            suite=fix_seconds,
            note=f"{changed} files changed, {created} BUILD files created",
            load=fix_load,
        )
    )
    print(f"  fix: {fix_seconds:.1f} s, {changed} changed, {created} created", flush=True)
    repo.git("checkout", "--", ".")
    repo.git("clean", "-fdq", "--", "src", "tests", "services")
    alembic_seconds, alembic_out, alembic_load = _pants(
        repo, "--no-pantsd", "check-alembic", "::"
    )
    report.rows.append(
        _Row(
            "`check-alembic ::` (fresh process)",
            suite=alembic_seconds,
            note=_summary_line(alembic_out),
            load=alembic_load,
        )
    )
    print(f"  check-alembic: {alembic_seconds:.1f} s", flush=True)
    _pants(repo, "--pantsd", "kill-pantsd", ok=(0, 1))
    _print_report(report, after, count, label, shape)

    # Last, as it lints the whole repo again: the suite's findings on the interpreter the
    # checkers ran on before the speed work. Findings must not depend on the interpreter.
    before = _findings(
        repo,
        "--no-pantsd",
        f"--hygiene-tool-interpreter-version={BEFORE_INTERPRETER}",
        tools=SUITE,
    )
    print(f"findings (suite on CPython {BEFORE_INTERPRETER}): {_per_code(before)}")
    differ = sorted(((before - after["suite"]) + (after["suite"] - before)).elements())
    print(
        f"same findings on CPython {BEFORE_INTERPRETER} and the default: {not differ}"
        + "".join(f"\n  differs: {finding}" for finding in differ[:20]),
        flush=True,
    )


def _make_imports_absolute(repo: E2ERepo) -> None:
    """The first-adoption shape: the suite's own fix, under the `absolute` policy, turns `src/`'s
    relative imports absolute; committed, so it is the repo the timed runs start from."""
    _, output, _ = _pants(
        repo,
        "--no-pantsd",
        "--hygiene-imports-policy=absolute",
        _only("fix", ("hygiene-imports",)),
        "fix",
        "src::",
    )
    changed = len(repo.git("diff", "--name-only").split())
    if not changed:
        raise SystemExit(f"the fix to absolute imports changed nothing:\n{output}")
    repo.commit_all("imports made absolute")
    print(f"  first adoption: {changed} files made to import absolutely", flush=True)


def _append_line(path: Path) -> None:
    with open(path, "a") as edited:
        edited.write("# one more line\n")


SIDES = (("suite", SUITE), ("ruff", RUFF))
# The goals of issue 26, by shape and row: what is measured, its limit, the unit printed.
_Goal = Tuple[Callable[[_Row], float], float, str]


def _ratio(row: _Row) -> float:
    return (row.suite or 0) / (row.ruff or 1)


def _seconds(row: _Row) -> float:
    return row.suite or 0


GOALS: Dict[str, Dict[str, _Goal]] = {
    shape: {
        "cold `lint ::`": (_ratio, cold_limit, "x ruff"),
        "one-line edit, warm `lint ::`": (_seconds, 5.0, " s"),
        "one-line edit, CI: `--changed-since=HEAD lint`": (_ratio, 1.0, "x ruff"),
        **({"whole-repo `fix ::` (fresh process)": (_seconds, 60.0, " s")} if fix_goal else {}),
    }
    for shape, cold_limit, fix_goal in (("steady", 1.2, False), ("first-adoption", 1.5, True))
}


def _findings(repo: E2ERepo, *args: str, tools: Sequence[str]) -> "Counter[str]":
    """Every finding's whole line, with its count, from the linters alone (a fixer's check-mode
    report would repeat some)."""
    _, output, _ = _pants(
        repo, *args, "--lint-skip-fixers", _only("lint", tools), "lint", "::"
    )
    return Counter(match.group(0) for match in FINDING_RE.finditer(output))


def _per_code(findings: "Counter[str]") -> str:
    per_code: Counter[str] = Counter()
    for line, count in findings.items():
        per_code[line.split(": ", 1)[1].split(" ", 1)[0]] += count
    listed = ", ".join(f"{code} {n}" for code, n in sorted(per_code.items()))
    return f"{sum(findings.values())}: {listed}"


def _summary_line(output: str) -> str:
    """check-alembic's summary of the history (Pants' own warnings may follow it)."""
    return next((line for line in reversed(output.splitlines()) if " revisions, " in line), "")


def _print_report(
    report: _Report, findings: Dict[str, "Counter[str]"], files: int, label: str, shape: str
) -> None:
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    print(f"\n{label or 'this checkout'} ({shape}): {files} Python files, {when}\n")
    print("| what | suite | ruff backend | ratio | load | |")
    print("|---|---|---|---|---|---|")
    for row in report.rows:
        suite = f"{row.suite:.1f} s" if row.suite is not None else ""
        ruff = f"{row.ruff:.1f} s" if row.ruff is not None else ""
        ratio = f"{row.suite / row.ruff:.2f}x" if row.suite and row.ruff else ""
        print(f"| {row.label} | {suite} | {ruff} | {ratio} | {row.load:.1f} | {row.note} |")
    peaks = ", ".join(f"{tool} {kb / 1024:.0f} MiB" for tool, kb in sorted(report.peaks.items()))
    print(f"\npeak RSS of one checker process: {peaks}")
    rows = {row.label: row for row in report.rows}
    for goal, (measure, limit, unit) in GOALS[shape].items():
        value = measure(rows[goal])
        verdict = "met" if value <= limit else "NOT met"
        print(f"goal: {goal} {value:.2f}{unit} (<= {limit}{unit}): {verdict}")
    for side, found in findings.items():
        print(f"findings ({side}): {_per_code(found)}")
    print(flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
