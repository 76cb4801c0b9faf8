"""The checkers' result cache: a reused result is the one a fresh check gives, on real code and
on random edits; a broken cache never fails a check; concurrent writers and old rows."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene import result_cache
from monorepo_hygiene.annotations import batch as annotations_batch
from monorepo_hygiene.annotations.options import AnnotationOptions
from monorepo_hygiene.imports import FileFacts, ImportFacts
from monorepo_hygiene.imports import batch as imports_batch
from monorepo_hygiene.result_cache import RETENTION_DAYS, ResultCache
from tests.monorepo_hygiene.annotations.annotations_fixtures import modules
from tests.monorepo_hygiene.python_subprocess import subprocess_env

# --- the cache itself -------------------------------------------------------------------------


def _stored(directory: Path, scope: bytes, path: str, content: bytes, value: Any) -> None:
    cache = ResultCache.open(str(directory), "checker", [scope])
    cache.put(cache.key(path, content), value)
    cache.save()
    assert cache.note is None


def _lookup(directory: Path, scope: bytes, path: str, content: bytes, extra: bytes = b"") -> Any:
    cache = ResultCache.open(str(directory), "checker", [scope])
    value = cache.get(cache.key(path, content, extra))
    cache.save()
    return value


def test_a_result_is_found_only_under_everything_it_was_computed_from(tmp_path: Path) -> None:
    _stored(tmp_path, b"scope", "a.py", b"x = 1\n", {"findings": [1]})
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") == {"findings": [1]}
    assert _lookup(tmp_path, b"other scope", "a.py", b"x = 1\n") is None
    assert _lookup(tmp_path, b"scope", "b.py", b"x = 1\n") is None
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 2\n") is None
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n", extra=b"conftest") is None
    # Lengths are hashed with the parts: moving bytes from the path to the content is a miss.
    _stored(tmp_path, b"scope", "ab", b"c", 1)
    assert _lookup(tmp_path, b"scope", "a", b"bc") is None


def test_another_interpreter_or_checker_code_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stored(tmp_path, b"scope", "a.py", b"x = 1\n", 1)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") is None
    monkeypatch.undo()
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") == 1

    # The checkers' code is the package's files: a copy with one file changed is another code.
    package = tmp_path / "copy" / "monorepo_hygiene"
    shutil.copytree(Path(result_cache.__file__).parent, package)
    copied = str(package / "result_cache.py")
    monkeypatch.setattr(result_cache, "__file__", copied)
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") == 1
    with open(package / "ast_blocks.py", "a") as changed:
        changed.write("\n# changed\n")
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") is None


def test_a_raised_recursion_limit_is_another_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file too deeply nested for the default limit is checked under a raised one.
    _stored(tmp_path, b"scope", "a.py", b"x = 1\n", 1)
    monkeypatch.setattr(sys, "getrecursionlimit", lambda: 100_000)
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") is None


def test_a_corrupt_database_is_started_anew_once(tmp_path: Path) -> None:
    (tmp_path / "checker.sqlite3").write_bytes(b"this is not a database" * 100)
    cache = ResultCache.open(str(tmp_path), "checker", [b"scope"])
    assert cache.enabled and cache.note is None
    cache.put(cache.key("a.py", b"x = 1\n"), 1)
    cache.save()
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") == 1


def test_a_cache_that_cannot_be_opened_is_turned_off_with_a_note(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.write_text("a file, not a directory")
    cache = ResultCache.open(str(directory), "checker", [b"scope"])
    assert not cache.enabled
    assert cache.note and str(directory) in cache.note
    key = cache.key("a.py", b"x = 2\n")
    assert cache.get(key) is None
    cache.put(key, 2)
    cache.save()


def test_a_cache_locked_too_long_is_given_up_without_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(result_cache, "_LOCK_TIMEOUT_SECONDS", 0.2)
    _stored(tmp_path, b"scope", "a.py", b"", 1)
    holder = sqlite3.connect(tmp_path / "checker.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = ResultCache.open(str(tmp_path), "checker", [b"scope"])
        cache.put(cache.key("b.py", b""), 2)
        cache.save()
    finally:
        holder.rollback()
        holder.close()
    assert cache.note == "OperationalError: database is locked"
    assert _lookup(tmp_path, b"scope", "b.py", b"") is None
    assert _lookup(tmp_path, b"scope", "a.py", b"") == 1


def test_rows_unused_for_the_retention_period_are_dropped(tmp_path: Path) -> None:
    _stored(tmp_path, b"scope", "old.py", b"", "old")
    _stored(tmp_path, b"scope", "kept.py", b"", "kept")
    today = int(time.time() // 86400)
    with sqlite3.connect(tmp_path / "checker.sqlite3") as connection:
        connection.execute("UPDATE results SET used = ?", (today - RETENTION_DAYS - 1,))
    # A hit marks its row used today; the next save drops the rest.
    assert _lookup(tmp_path, b"scope", "kept.py", b"") == "kept"
    with sqlite3.connect(tmp_path / "checker.sqlite3") as connection:
        rows = connection.execute("SELECT value FROM results").fetchall()
    assert [value.partition(" ")[2] for (value,) in rows] == ['"kept"']


def _write_many(directory: str, start: int, recursion_limit: int) -> None:
    # The parent's limit, which the cache keys on (a test before may have raised it).
    sys.setrecursionlimit(recursion_limit)
    cache = ResultCache.open(directory, "checker", [b"scope"])
    for number in range(start, start + 500):
        cache.put(cache.key(f"{number}.py", b""), number)
    cache.save()
    assert cache.note is None, cache.note


def test_parallel_processes_all_keep_their_results(tmp_path: Path) -> None:
    processes = [
        multiprocessing.get_context("spawn").Process(
            target=_write_many, args=(str(tmp_path), n, sys.getrecursionlimit())
        )
        for n in (0, 500, 1000, 1500)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    cache = ResultCache.open(str(tmp_path), "checker", [b"scope"])
    assert [cache.get(cache.key(f"{n}.py", b"")) for n in range(2000)] == list(range(2000))
    assert cache.reused == 2000


# --- the checkers with the cache, against the checkers without --------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    versions=st.lists(
        st.tuples(st.sampled_from(["a.py", "b.py", "tests/test_c.py"]), modules(newer=False)),
        min_size=1,
        max_size=6,
    ),
    select=st.sampled_from([{"HA101"}, {"HA101", "HA102"}, {"HA101", "HA102", "HA103"}]),
)
def test_annotation_results_reused_across_random_edits_are_fresh_results(
    versions: List[Tuple[str, str]], select: set, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache_dir = str(tmp_path_factory.mktemp("cache"))
    options = AnnotationOptions(select=frozenset(select))
    files: Dict[str, bytes] = {"a.py": b"def f(): pass\n", "tests/conftest.py": b""}
    for path, source in versions:  # Each step edits one file, conftests included.
        files[path] = source.encode()
        if path == "b.py":
            files["tests/conftest.py"] = source.encode()
        cache = ResultCache.open(cache_dir, "annotations", [annotations_batch.cache_scope(options)])
        cached = annotations_batch.check_files(sorted(files), files.__getitem__, options, cache)
        cache.save()
        fresh = annotations_batch.check_files(sorted(files), files.__getitem__, options)
        assert cached == fresh
        assert cache.note is None


def _stdlib_tree(tmp_path: Path) -> Tuple[List[str], ImportFacts]:
    """Four stdlib packages under `src/`, one BUILD file owning them all."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files: Dict[str, FileFacts] = {}
    for package in ("email", "json", "importlib", "asyncio"):
        for source in sorted((stdlib / package).rglob("*.py")):
            relative = source.relative_to(stdlib)
            target = tmp_path / "src" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            parts = relative.with_suffix("").parts
            is_package = parts[-1] == "__init__"
            module = ".".join(parts[:-1] if is_package else parts)
            files[f"src/{relative.as_posix()}"] = FileFacts(module, is_package, "src")
    owners = {facts.module: "src" for facts in files.values()}
    return sorted(files), ImportFacts(files=files, module_owners=owners)


def _run(checker: str, cwd: Path, *args: str) -> Dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "monorepo_hygiene", checker, *args],
        cwd=cwd,
        env=subprocess_env(),
        capture_output=True,
        check=True,
    )
    return json.loads(completed.stdout)


def _tree_bytes(root: Path) -> Dict[str, bytes]:
    """Every Python file under `root`, the fixes written to `root/fixes/` included."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.py")}


@pytest.mark.parametrize("checker", ["imports", "annotations"])
def test_on_the_stdlib_reused_results_and_fixes_are_those_of_a_fresh_check(
    tmp_path: Path, checker: str
) -> None:
    original = tmp_path / "original"
    paths, facts = _stdlib_tree(original)
    (original / "facts.json").write_text(json.dumps(facts.to_json()))
    cache_dir = str(tmp_path / "cache")
    args = (
        ["--write-fixes=fixes", "--facts=facts.json"]
        if checker == "imports"
        else ["--select=HA101,HA102,HA103"]
    )
    # Each edit adds a finding of both checkers.
    edits = {
        "src/asyncio/base_futures.py": "\nfrom asyncio import events\ndef added(x): pass\n",
        "src/json/tool.py": "\nfrom json import decoder\ndef added(x): pass\n",
    }

    def run(name: str, edit: bool, *cache: str) -> Tuple[Dict[str, Any], Dict[str, bytes]]:
        tree = tmp_path / name
        shutil.copytree(original, tree)
        for path, added in edits.items() if edit else ():
            with open(tree / path, "a") as source:
                source.write(added)
        output = _run(checker, tree, *args, *cache, *paths)
        return output, _tree_bytes(tree)

    fresh, fresh_tree = run("fresh", False)
    cold, cold_tree = run("cold", False, f"--cache-dir={cache_dir}")
    warm, warm_tree = run("warm", False, f"--cache-dir={cache_dir}")
    assert fresh["findings"] and any(item["fixable"] for item in fresh["findings"])
    assert bool(fresh["fixed"]) == (checker == "imports")  # Only imports writes its fixes.
    assert (cold["reused"], warm["reused"]) == (0, len(paths))
    for output, tree in ((cold, cold_tree), (warm, warm_tree)):
        assert output["findings"] == fresh["findings"]
        assert output["fixed"] == fresh["fixed"]
        assert tree == fresh_tree

    fresh_edit, fresh_edit_tree = run("fresh-edit", True)
    warm_edit, warm_edit_tree = run("warm-edit", True, f"--cache-dir={cache_dir}")
    assert warm_edit["reused"] == len(paths) - len(edits)
    assert warm_edit["findings"] == fresh_edit["findings"] != fresh["findings"]
    assert warm_edit["fixed"] == fresh_edit["fixed"]
    assert warm_edit_tree == fresh_edit_tree


def test_a_new_owner_changes_every_imports_result(tmp_path: Path) -> None:
    facts = ImportFacts(
        files={"src/a/x.py": FileFacts("a.x", False, "src/a")},
        module_owners={"a.x": "src/a", "a.y": "src/a"},
    )
    contents = {"src/a/x.py": b"from a.y import z\n"}
    moved = ImportFacts(files=facts.files, module_owners={"a.x": "src/a", "a.y": "src/a/y"})
    for current in (facts, moved, facts):
        cache = ResultCache.open(str(tmp_path), "imports", [imports_batch.cache_scope(current)])
        cached = imports_batch.check_files(contents, current, cache=cache)
        cache.save()
        assert cached == imports_batch.check_files(contents, current)
    assert [f.code for f in imports_batch.check_files(contents, moved).findings] == []
    assert cache.reused == 1  # The first facts' result, found again.


def test_an_imports_result_is_reused_only_while_the_package_inits_it_read_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pkg/__init__.py` is not in the batch: the checker reads it from disk, as in the sandbox.
    monkeypatch.chdir(tmp_path)
    init = tmp_path / "src/pkg/__init__.py"
    init.parent.mkdir(parents=True)
    facts = ImportFacts(
        files={"src/pkg/app.py": FileFacts("pkg.app", False, "src")},
        module_owners={"pkg": "src", "pkg.app": "src", "pkg.logging": "src"},
        package_inits={"pkg": "src/pkg/__init__.py"},
    )
    contents = {"src/pkg/app.py": b"import pkg.logging as lg\n"}
    fixable = []
    for init_content in ("", "import logging\n", "import logging\n", "x = 1\n"):
        init.write_text(init_content)
        cache = ResultCache.open(str(tmp_path), "imports", [imports_batch.cache_scope(facts)])
        cached = imports_batch.check_files(contents, facts, cache=cache)
        cache.save()
        assert cached == imports_batch.check_files(contents, facts)
        fixable.append((cache.reused, [f.fixable for f in cached.findings]))
    assert fixable == [(0, [True]), (0, [False]), (1, [False]), (0, [True])]


@pytest.mark.parametrize("checker", ["imports", "annotations"])
def test_fixing_refuses_a_cache(tmp_path: Path, checker: str) -> None:
    (tmp_path / "facts.json").write_text(json.dumps({"files": {}, "module_owners": {}}))
    completed = subprocess.run(
        [sys.executable, "-m", "monorepo_hygiene", checker, "--fix", "--cache-dir=cache"]
        + (["--facts=facts.json"] if checker == "imports" else [])
        + ["a.py"],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "--cache-dir serves checking" in completed.stderr
    assert not (tmp_path / "cache").exists()


def test_a_damaged_row_is_a_miss_that_the_fresh_result_replaces(tmp_path: Path) -> None:
    options = AnnotationOptions()
    files = {"a.py": b"def f(): pass\n"}
    scope = [annotations_batch.cache_scope(options)]

    def check() -> Tuple[annotations_batch.BatchResult, ResultCache]:
        cache = ResultCache.open(str(tmp_path), "annotations", scope)
        result = annotations_batch.check_files(sorted(files), files.__getitem__, options, cache)
        cache.save()
        return result, cache

    fresh, _ = check()
    with sqlite3.connect(tmp_path / "annotations.sqlite3") as connection:
        connection.execute("UPDATE results SET value = 'not json'")
    damaged, cache = check()
    assert (damaged, cache.reused, cache.note) == (fresh, 0, None)
    repaired, cache = check()
    assert (repaired, cache.reused) == (fresh, 1)


def test_a_row_damaged_into_other_valid_json_is_a_miss(tmp_path: Path) -> None:
    _stored(tmp_path, b"scope", "a.py", b"x = 1\n", {"findings": [1]})
    with sqlite3.connect(tmp_path / "checker.sqlite3") as connection:
        (stored,) = connection.execute("SELECT value FROM results").fetchone()
        # One digit flipped: still JSON, no longer the result stored.
        connection.execute("UPDATE results SET value = ?", (stored.replace("[1]", "[7]"),))
    assert _lookup(tmp_path, b"scope", "a.py", b"x = 1\n") is None
