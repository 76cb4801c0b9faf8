"""The file checkers share results through a real REAPI remote cache (BuildGrid, started by
`tools/start-reapi.sh`): `pants lint` in one clone writes to it; in a second clone with an empty
local store, every remote-cacheable process, the checkers included, is a remote cache hit."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path
from typing import Dict, List

import pytest

from tests.pants_hygiene.pants_e2e import E2ERepo, PantsRun

BACKENDS = ("pants.backend.python", "pants_hygiene.annotations", "pants_hygiene.imports")


@pytest.fixture
def reapi_address() -> str:
    address = os.environ.get("HYGIENE_TEST_REAPI_ADDRESS")
    if not address:
        reason = (
            "HYGIENE_TEST_REAPI_ADDRESS is not set; start a server with "
            '`eval "$(tools/start-reapi.sh)"`'
        )
        if os.environ.get("CI"):
            pytest.fail(reason + " (required when CI is set)")
        pytest.skip(reason)
    return address


def _lint(repo: E2ERepo, address: str, store: Path) -> PantsRun:
    return repo.pants(
        "--no-pantsd",
        f"--local-store-dir={store}",
        "--remote-cache-read",
        "--remote-cache-write",
        # BuildGrid (Python) on a loaded 2-core CI machine may take longer than Pants' default
        # 1.5 s to answer an action-cache call, which Pants counts as a write error: this test
        # is about what gets cached, not about the server's speed.
        "--remote-cache-rpc-timeout-millis=30000",
        f"--remote-store-address={address}",
        "--remote-instance-name=main",
        "--stats-log",
        "lint",
        "::",
    )


def _counters(run: PantsRun) -> Dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^  (\w+): (\d+)$", run.stderr, re.M)}


def _findings(run: PantsRun) -> List[str]:
    return sorted({line for line in run.stderr.splitlines() if re.search(r": H[AI]1\d\d ", line)})


def test_a_second_clone_gets_every_checker_result_from_the_remote_cache(
    tmp_path: Path, reapi_address: str
) -> None:
    # Source unique to this run, so the checkers' results can't be in the cache already (the
    # server may have served earlier runs; pytest reuses tmp_path names across sessions).
    token = uuid.uuid4().hex
    (tmp_path / "first").mkdir()
    first = E2ERepo.create(
        tmp_path / "first",
        {
            "src/app/BUILD": "python_sources()\n",
            "src/app/__init__.py": "",
            "src/app/util.py": "X = 1\n",
            "src/app/jobs.py": f"from app import util\n\n\ndef main():\n    print(util.X, {token!r})\n",
        },
        backends=BACKENDS,
    )
    writing = _lint(first, reapi_address, tmp_path / "store-first")
    assert writing.exit_code == 1, writing.stderr
    written = _counters(writing)
    assert written["remote_cache_write_errors"] == 0
    # The two checker processes, new to the server thanks to the token (the PEX-building
    # processes may be cached already by an earlier run against the same server).
    assert written["remote_cache_write_successes"] >= 2

    subprocess.run(["git", "clone", "-q", str(first.root), str(tmp_path / "second")], check=True)
    reading = _lint(E2ERepo(tmp_path / "second"), reapi_address, tmp_path / "store-second")
    read = _counters(reading)
    assert read["remote_cache_requests"] >= 2
    assert read["remote_cache_requests_cached"] == read["remote_cache_requests"]
    assert read["remote_cache_requests_uncached"] == 0
    assert read["remote_cache_read_errors"] == 0
    # No process ran locally instead: the remote cache answered before local execution finished.
    assert read["remote_cache_speculation_local_completed_first"] == 0
    assert (
        _findings(reading)
        == _findings(writing)
        == [
            "src/app/jobs.py:1:1: HI101 Use a relative import for `app.util`, owned by the same "
            "BUILD file (`src/app/BUILD`) (policy `relative-within-build`: relative at any depth) "
            "[*]",
            "src/app/jobs.py:4:1: HA101 Missing return annotation for function `main` [*]",
        ]
    )
    assert reading.exit_code == 1
