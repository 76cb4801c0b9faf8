"""Discovery of Alembic histories from real files in a temp repo: the OS lists what the core
names, as Pants' globs do in the adapter (`pants_hygiene/util/alembic_setups.py`)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

from monorepo_hygiene.alembic.discovery import (
    AlembicHistory,
    DiscoveryOptions,
    discovery_globs,
    is_config_candidate,
    locate_histories,
    needs_source_roots,
    read_configs,
    script_dir_candidates,
    symlink_loops,
)
from monorepo_hygiene.alembic.errors import AlembicConfigError

INI = "[alembic]\nscript_location = %(here)s/migrations\n"


def _write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _list(root: Path, globs: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(files, dirs) the globs match, repo-relative."""
    files, dirs = set(), set()
    for pattern in globs:
        for match in root.glob(pattern):
            relative = match.relative_to(root).as_posix()
            (dirs if match.is_dir() else files).add(relative)
    return sorted(files), sorted(dirs)


def _discover(
    root: Path,
    paths: Sequence[str],
    options: DiscoveryOptions = DiscoveryOptions(),
    source_roots: Sequence[str] = (),
) -> Tuple[Tuple[AlembicHistory, ...], Tuple[AlembicConfigError, ...]]:
    files, dirs = _list(root, discovery_globs(paths, options))
    texts = {path: (root / path).read_text() for path in files if is_config_candidate(path, options)}
    configs, config_errors = read_configs(texts, options)
    roots = tuple(source_roots) if needs_source_roots(configs) else ()
    nonempty = {
        candidate
        for candidate in script_dir_candidates(configs, roots)
        if (root / candidate).is_dir() and any((root / candidate).iterdir())
    }
    histories, location_errors = locate_histories(configs, roots, nonempty, files, dirs)
    return histories, (*config_errors, *location_errors)


def _summary(histories: Sequence[AlembicHistory]) -> List[Tuple[str, Tuple[str, ...]]]:
    return [(history.script_dir, history.found_by) for history in histories]


def test_each_way_finds_its_history_and_one_found_twice_is_kept_once(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "svc/alembic.ini": INI,
            "svc/pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/migrations"\n',
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1.py": "",
            "reports/db/env.py": "",
            "reports/db/script.py.mako": "",
            "reports/db/versions/r1.py": "",
        },
    )
    histories, errors = _discover(tmp_path, ["svc/migrations/versions/a1.py", "reports/db/env.py"])
    assert errors == ()
    assert _summary(histories) == [
        ("reports/db", ("reports/db/env.py (no config)",)),
        ("svc/migrations", ("svc/alembic.ini [alembic]", "svc/pyproject.toml [tool.alembic]")),
    ]
    assert histories[1].config_paths == ("svc/alembic.ini", "svc/pyproject.toml")
    assert histories[1].contains("svc/alembic.ini")
    assert histories[1].contains("svc/migrations/versions/a1.py")
    assert not histories[1].contains("svc/app.py")


def test_only_the_files_directories_and_those_above_are_looked_at(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a/alembic.ini": INI,
            "a/migrations/env.py": "",
            "a/migrations/versions/a1.py": "",
            "b/db/env.py": "",
            "b/db/versions/b1.py": "",
        },
    )
    histories, _ = _discover(tmp_path, ["b/db/env.py"])
    assert [history.script_dir for history in histories] == ["b/db"]
    assert "a/alembic.ini" not in _list(tmp_path, discovery_globs(["b/db/env.py"], DiscoveryOptions()))[0]


def test_configured_names_and_section_decide_what_is_a_config(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "svc/db.cfg": "[migrations]\nscript_location = %(here)s/schema\n",
            "svc/schema/env.py": "",
            "svc/other.ini": "[alembic]\nscript_location = %(here)s/elsewhere\n",
            "svc/setup.ini": "[tool]\nx = 1\n",
        },
    )
    options = DiscoveryOptions(config_files=("db.cfg",), config_section="migrations")
    histories, errors = _discover(tmp_path, ["svc/schema/env.py"], options)
    # `other.ini` has no `[migrations]` section, so it isn't a config under these options.
    assert _summary(histories) == [("svc/schema", ("svc/db.cfg [migrations]",))]
    assert errors == ()


def test_a_location_naming_no_directory_is_an_error_of_its_config(tmp_path: Path) -> None:
    _write(tmp_path, {"svc/alembic.ini": INI, "svc/app.py": ""})
    histories, errors = _discover(tmp_path, ["svc/app.py"])
    assert histories == ()
    assert [(error.path, error.line) for error in errors] == [("svc/alembic.ini", 2)]
    assert "names no directory (looked in svc/migrations)" in errors[0].reason


def test_a_package_location_is_found_through_the_source_roots(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "alembic.ini": "[alembic]\nscript_location = shop:migrations\n",
            "src/python/shop/migrations/env.py": "",
            "src/python/shop/migrations/versions/s1.py": "",
        },
    )
    histories, errors = _discover(
        tmp_path, ["src/python/shop/migrations/env.py"], source_roots=["src/python", "lib"]
    )
    assert errors == ()
    assert [history.versions_dirs for history in histories] == [
        ("src/python/shop/migrations/versions",)
    ]


def test_pyproject_errors_are_reported_only_when_they_concern_alembic(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "one/pyproject.toml": "[tool.black\n",
            "two/pyproject.toml": "[tool.alembic]\nscript_location = \n",
            "one/x.py": "",
            "two/x.py": "",
        },
    )
    _, errors = _discover(tmp_path, ["one/x.py", "two/x.py"])
    assert [error.path for error in errors] == ["two/pyproject.toml"]


def test_symlink_loops_are_found_with_the_os(tmp_path: Path) -> None:
    _write(tmp_path, {"db/versions/a1.py": "", "db/versions/deep/b1.py": ""})
    os.symlink("loop", tmp_path / "db/versions/deep/loop")
    os.symlink("a1.py", tmp_path / "db/versions/ok.py")
    assert symlink_loops(str(tmp_path), "db/versions", recursive=False) == ()
    assert symlink_loops(str(tmp_path), "db/versions", recursive=True) == (
        "db/versions/deep/loop",
    )


def _alembic_loaded_paths(root: Path, recursive: bool) -> List[str]:
    """The files real alembic loads as migrations of the script directory `root/migrations`."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(root / "migrations"))
    config.set_main_option("recursive_version_locations", str(recursive).lower())
    scripts = ScriptDirectory.from_config(config)
    return sorted(
        Path(script.path).relative_to(root).as_posix() for script in scripts.walk_revisions()
    )


@pytest.mark.parametrize("recursive", [False, True])
def test_the_files_alembic_loads_by_path_are_env_py_and_its_migrations(
    tmp_path: Path, recursive: bool
) -> None:
    # Oracle: real alembic's ScriptDirectory. A `shared/` package beside `versions/` is imported
    # by the migrations as a module (`from migrations.shared import util`), never by path.
    revision = "revision = {rev!r}\ndown_revision = {down!r}\n"
    _write(
        tmp_path,
        {
            "migrations/env.py": "",
            "migrations/script.py.mako": "",
            "migrations/versions/__init__.py": "",
            "migrations/versions/0001_a.py": revision.format(rev="a1", down=None),
            "migrations/versions/nested/0002_b.py": revision.format(rev="b2", down="a1"),
            "migrations/shared/__init__.py": "",
            "migrations/shared/util.py": "from . import helpers\n",
            "migrations/shared/helpers.py": "",
        },
    )
    history = AlembicHistory(
        script_dir="migrations",
        versions_dirs=("migrations/versions",),
        migration_paths=(),
        recursive=recursive,
    )
    python_files = sorted(
        path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.py")
    )

    loaded = [path for path in python_files if history.loads_by_path(path)]

    assert loaded == sorted(["migrations/env.py", *_alembic_loaded_paths(tmp_path, recursive)])
    assert ("migrations/versions/nested/0002_b.py" in loaded) is recursive
