from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from monorepo_hygiene.files import write_atomically


def test_write_atomically_replaces_the_content_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    target.chmod(0o751)
    write_atomically(str(target), b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.py"]


def test_write_atomically_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_bytes(b"old\n")
    (tmp_path / "link.py").symlink_to("real.py")
    write_atomically(str(tmp_path / "link.py"), b"new\n")
    assert (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "real.py").read_bytes() == b"new\n"


def test_write_atomically_refuses_a_read_only_file_and_leaves_no_trace(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    target.chmod(0o444)
    with pytest.raises(PermissionError):
        write_atomically(str(target), b"new\n")
    assert target.read_bytes() == b"old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.py"]


def test_a_failed_write_leaves_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")

    def fail(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomically(str(target), b"new\n")
    assert target.read_bytes() == b"old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.py"]
