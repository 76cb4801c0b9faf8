"""The checkers' default lockfiles, loaded by every checked release's own `load_lockfile`
(tests/pants_hygiene/compat/pants_exec.py runs it on CPython 3.11+, as 2.32's source needs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

from pants_hygiene.tool.subsystem import DEFAULT_LOCKFILE
from tests.pants_hygiene.compat import pants_exec
from tools.pants_api import REFERENCE_TAG, data_tags, load_data, release_version, tag_key
from tools.tool_lockfile import (
    LOCKFILES,
    header_metadata,
    lockfile_read_by,
    metadata_path,
    sidecar_text,
)

TAGS = data_tags(load_data())
# The first release that reads a resource lockfile's `.metadata` sidecar.
READS_SIDECAR = (2, 30)


def run_release(tag: str, url: str, extra_path: List[str]) -> Dict[str, Any]:
    loaded: Dict[str, Any] = pants_exec.run("lockfile", tag, url, extra_path=extra_path)
    return loaded


@pytest.mark.parametrize("lockfile", sorted(LOCKFILES), ids=str)
def test_the_sidecar_holds_the_header(lockfile: Path) -> None:
    """2.30+ read the sidecar, older releases the header: both must say the same."""
    text = lockfile.read_text()
    assert metadata_path(lockfile).read_text() == sidecar_text(text), (
        "run `python3 tools/tool_lockfile.py write-metadata` after regenerating the lockfile"
    )
    assert json.loads(metadata_path(lockfile).read_text()) == header_metadata(text)


def test_the_tool_reads_the_lockfile_of_the_running_release() -> None:
    assert DEFAULT_LOCKFILE == lockfile_read_by(release_version(REFERENCE_TAG)).name


@pytest.mark.parametrize("tag", TAGS)
def test_every_release_loads_its_default_lockfile(tag: str) -> None:
    lockfile = lockfile_read_by(release_version(tag))
    loaded = run_release(tag, f"resource://pants_hygiene.tool/{lockfile.name}", [])
    assert loaded.get("error") is None, loaded.get("traceback")
    assert loaded["metadata"] == "PythonLockfileMetadataV3"
    reads_sidecar = tag_key(tag)[:2] >= READS_SIDECAR
    assert (metadata_path(lockfile).name in loaded["digests_made_of"]) == reads_sidecar


def test_without_the_sidecar_2_32_fails_where_2_31_loads(tmp_path: Path) -> None:
    """The break this guards against, reproduced by the releases' own code: a resource lockfile
    without `.metadata` loads on 2.31 and raises on 2.32."""
    package = tmp_path / "lock_without_sidecar"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copy(lockfile_read_by((2, 32)), package / "hygiene_tool.lock")
    url = "resource://lock_without_sidecar/hygiene_tool.lock"
    assert run_release("release_2.31.0", url, [str(tmp_path)]).get("error") is None
    failed = run_release("release_2.32.0", url, [str(tmp_path)])
    assert failed["error"].startswith("FileNotFoundError"), failed
