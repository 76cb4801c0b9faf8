from __future__ import annotations

import os
import textwrap
import warnings
from pathlib import Path
from typing import Optional, Tuple

import alembic.config
import pytest

from monorepo_hygiene.alembic.config import AlembicConfig, parse_alembic_ini
from monorepo_hygiene.alembic.errors import AlembicConfigError

INI = "services/shop/alembic.ini"


def _parse(text: str, ini_path: str = INI, section: str = "alembic") -> AlembicConfig:
    return parse_alembic_ini(ini_path, textwrap.dedent(text), section=section)


def _error(text: str, ini_path: str = INI) -> Tuple[Optional[int], str]:
    with pytest.raises(AlembicConfigError) as info:
        _parse(text, ini_path)
    assert info.value.path == ini_path
    return info.value.line, info.value.reason


def test_here_interpolation_is_the_ini_directory() -> None:
    config = _parse(
        """\
        [alembic]
        script_location = %(here)s/migrations
        sqlalchemy.url = driver://user:pass@localhost/dbname
        """
    )
    assert (config.script_location, config.script_location_line) == ("services/shop/migrations", 2)
    assert config.script_dir_candidates(["src"]) == ("services/shop/migrations",)
    assert config.versions_dirs("services/shop/migrations") == (
        "services/shop/migrations/versions",
    )
    assert config.migration_globs("services/shop/migrations") == (
        "services/shop/migrations/versions/*.py",
    )


def test_relative_path_is_relative_to_the_ini() -> None:
    assert _parse("[alembic]\nscript_location = migrations\n").script_location == (
        "services/shop/migrations"
    )


def test_ini_at_the_repository_root() -> None:
    config = _parse("[alembic]\nscript_location = %(here)s/alembic\n", ini_path="alembic.ini")
    assert config.script_location == "alembic"
    assert _parse("[alembic]\nscript_location = .\n", ini_path="alembic.ini").script_location == "."
    assert config.versions_dirs(".") == ("versions",)


def test_package_resource_form_gives_one_candidate_per_source_root() -> None:
    config = _parse("[alembic]\nscript_location = acme.shop.models:alembic\n")
    assert config.script_location == "acme.shop.models:alembic"
    assert config.script_dir_candidates(["src/python", "lib", "", "."]) == (
        "src/python/acme/shop/models/alembic",
        "lib/acme/shop/models/alembic",
        "acme/shop/models/alembic",
    )


def test_other_section_name() -> None:
    text = "[alembic]\nscript_location = a\n\n[billing]\nscript_location = %(here)s/billing\n"
    assert _parse(text, section="billing").script_location == "services/shop/billing"


@pytest.mark.parametrize(
    "separator_lines, value, expected",
    [
        # No separator option: alembic's legacy split on spaces and commas.
        ("", "%(here)s/a %(here)s/b,%(here)s/c, d", ("a", "b", "c", "d")),
        ("path_separator = space\n", "a  b", ("a", "b")),
        ("path_separator = :\n", "a:b", ("a", "b")),
        ("path_separator = ;\n", "a; b ;", ("a", "b")),
        ("path_separator = os\n", f"a{os.pathsep}b", ("a", "b")),
        ("path_separator = newline\n", "\n    a b\n    c", ("a b", "c")),
        # The deprecated name still works; `path_separator` wins when both are set.
        ("version_path_separator = ;\n", "a;b", ("a", "b")),
        ("path_separator = ;\nversion_path_separator = space\n", "a;b c", ("a", "b c")),
    ],
)
def test_version_locations_split(
    separator_lines: str, value: str, expected: Tuple[str, ...]
) -> None:
    text = f"[alembic]\nscript_location = m\n{separator_lines}version_locations = {value}\n"
    config = parse_alembic_ini(INI, text)
    assert config.version_locations == tuple(f"services/shop/{e}" for e in expected)
    assert config.versions_dirs("services/shop/m") == config.version_locations


def test_version_locations_in_package_form_and_recursive_globs() -> None:
    config = _parse(
        """\
        [alembic]
        script_location = %(here)s/migrations
        path_separator = os
        version_locations = %(here)s/migrations/versions
        recursive_version_locations = true
        """
    )
    assert config.version_locations_line == 4
    assert config.recursive_version_locations
    assert config.migration_globs("services/shop/migrations") == (
        "services/shop/migrations/versions/**/*.py",
    )
    packaged = _parse("[alembic]\nscript_location = m\nversion_locations = acme.billing:versions\n")
    assert packaged.versions_dirs("services/shop/m", ["src"]) == ("src/acme/billing/versions",)


@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("[alembic]\nsqlalchemy.url = x\n", 1, "`[alembic]` has no `script_location`"),
        ("[loggers]\nkeys = root\n", None, "no `[alembic]` section"),
        ("script_location = a\n", 1, "File contains no section headers."),
        (
            "[alembic]\nscript_location = a\nscript_location = b\n",
            3,
            (
                "While reading from 'services/shop/alembic.ini' [line  3]: option 'script_location' "
                "in section 'alembic' already exists"
            ),
        ),
        (
            "[alembic]\nscript_location = %(root)s/m\n",
            2,
            (
                "Bad value substitution: option 'script_location' in section 'alembic' contains an "
                "interpolation key 'root' which is not a valid option name. Raw value: '%(root)s/m'"
            ),
        ),
        (
            "[alembic]\nscript_location = m\npath_separator = ,\nversion_locations = a,b\n",
            3,
            "`path_separator` is `,`; expected one of `space`, `newline`, `os`, `:`, `;`",
        ),
        (
            "[alembic]\nscript_location = /srv/shop/migrations\n",
            2,
            "`/srv/shop/migrations` is outside the repository; use a path relative to `%(here)s`",
        ),
        (
            "[alembic]\nscript_location = %(here)s/../../../m\n",
            2,
            "`%(here)s/../../../m` is outside the repository; use a path relative to `%(here)s`",
        ),
    ],
)
def test_config_errors(text: str, line: Optional[int], reason: str) -> None:
    assert _error(text) == (line, reason)


def test_config_error_message() -> None:
    error = AlembicConfigError(INI, 3, "broken")
    assert str(error) == f"{INI}:3: broken"
    assert str(AlembicConfigError(INI, None, "broken")) == f"{INI}: broken"


@pytest.mark.parametrize(
    "separator_lines, value",
    [
        ("", "%(here)s/a %(here)s/b,%(here)s/c, d"),
        ("path_separator = space\n", "a  b"),
        ("path_separator = ;\n", "a; b ;"),
        ("path_separator = os\n", f"a{os.pathsep}%(here)s/b"),
        ("path_separator = newline\n", "\n    a b\n    c"),
        ("version_path_separator = ;\n", "a;b"),
    ],
)
def test_version_locations_split_like_alembic(
    tmp_path: Path, separator_lines: str, value: str
) -> None:
    text = (
        f"[alembic]\nscript_location = %(here)s/m\n{separator_lines}version_locations = {value}\n"
    )
    ini = tmp_path / "alembic.ini"
    ini.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # alembic deprecates the legacy split
        alembic_locations = alembic.config.Config(str(ini)).get_version_locations_list()
    assert alembic_locations is not None
    here = tmp_path.as_posix() + "/"
    expected = tuple(e.removeprefix(here) for e in alembic_locations)
    assert parse_alembic_ini("alembic.ini", text).version_locations == expected


def test_file_template_is_read_like_alembic_reads_it() -> None:
    text = """\
        [alembic]
        script_location = migrations
        file_template = %%(year)d_%%(rev)s_%%(slug)s
        """
    assert _parse(text).file_template == "%(year)d_%(rev)s_%(slug)s"
    config = alembic.config.Config()
    config.file_config.read_string(textwrap.dedent(text))
    assert config.get_main_option("file_template") == _parse(text).file_template
    assert _parse("[alembic]\nscript_location = m\n").file_template == "%(rev)s_%(slug)s"
