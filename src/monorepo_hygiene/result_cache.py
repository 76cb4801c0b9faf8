"""Each file's check results from earlier runs, reused while nothing they depend on has changed.

A checker runs over a batch of files, and Pants re-runs the whole batch when any one of its files
changes (its cache key is the batch's input). With this cache, as with ruff's and mypy's, the
process still reads every file but checks only those whose results it hasn't seen: after a
one-line edit, one file of a 1,700-file batch. In Pants it lives in a named cache
(`append_only_caches`), so it outlives sandboxes and pantsd.

A result is found by a key that hashes everything it is computed from: the checker's code (every
source file of this package), the interpreter (its `ast` decides what parses) and its recursion
limit (what is too deeply nested to check), libcst's version, the checker's options and facts
(`scope`), the file's path, its own extra inputs (`extra`: its ownership facts, the conftests
above it) and its bytes. Nothing else goes in, so a hit is the result a fresh check would give;
the tests check that against a cold run on real code. Each row holds a checksum of its key and
value: a row whose bytes were damaged is a miss, even when they still read as JSON.

Storage is one SQLite database per checker: atomic transactions (no half-written entry), safe
for the parallel processes of one `pants lint`, compact. Results unused for `RETENTION_DAYS` are
dropped. The cache never fails a check: a database that can't be opened, read or written (locked
too long, read-only, no `sqlite3` module) turns it off for the run, and `note` says why; one that
isn't a database (corrupt) is started anew once, so the next runs have a cache again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

# Results unused this many days are dropped: a moved file, or scope changes (a new module
# changes every import result's key) leave rows nobody asks for again.
RETENTION_DAYS = 14
# How long a process waits for another one's write transaction before giving up on the cache.
_LOCK_TIMEOUT_SECONDS = 30.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results ("
    " key BLOB PRIMARY KEY, value TEXT NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS results_used ON results (used)",
)


def _today() -> int:
    return int(time.time() // 86400)


def _code_identity() -> bytes:
    """What the checkers' results depend on besides their inputs: this package's code, the
    interpreter, and libcst (it parses newer syntax and writes fixes)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(sys.version.encode() + b"\0")
    # A process with a raised limit checks files a default one reports as too deeply nested.
    digest.update(str(sys.getrecursionlimit()).encode() + b"\0")
    # Imported here: only a check with a cache needs it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        digest.update(version("libcst").encode())
    except PackageNotFoundError:
        digest.update(b"no libcst")
    return digest.digest()


class ResultCache:
    """The results of one checker under one scope. Build it with `open`; `get` and `put` JSON
    values by file; `save` writes the new ones. With no directory it caches nothing."""

    def __init__(self, connection: Any, scope: bytes, directory: Optional[str] = None) -> None:
        self._connection = connection  # A sqlite3.Connection, or None when off.
        self.directory = directory  # Where it was asked to be; None: no cache was asked for.
        self._scope = scope
        self._new: List[Tuple[bytes, str]] = []
        self._hits: List[bytes] = []
        self.reused = 0  # Files whose results came from the cache.
        self.note: Optional[str] = None  # Why the cache was turned off (the error), if it was.

    @classmethod
    def off(cls) -> ResultCache:
        return cls(None, b"")

    @classmethod
    def open(cls, directory: Optional[str], checker: str, scope: Iterable[bytes]) -> ResultCache:
        """The cache of `checker` in `directory` (created if need be), or one that caches
        nothing if `directory` is None or the database can't be used."""
        if directory is None:
            return cls.off()
        digest = hashlib.sha256(checker.encode() + b"\0")
        try:
            digest.update(_code_identity())
            for part in scope:
                digest.update(hashlib.sha256(part).digest())
            import sqlite3  # Optional in a CPython build; without it there's no cache.

            os.makedirs(directory, exist_ok=True)
            database = os.path.join(directory, f"{checker}.sqlite3")
            try:
                connection = _connect(database)
            except sqlite3.DatabaseError:
                if not _is_foreign_file(database):
                    raise
                # Not a database at all: started anew once, or every later run would check
                # afresh and warn. Only then: a database another process is creating is empty
                # or starts with SQLite's header, and must not be removed under it.
                for stale in (database, f"{database}-wal", f"{database}-shm"):
                    if os.path.exists(stale):
                        os.remove(stale)
                connection = _connect(database)
        # No `sqlite3` module, an unreadable directory, sqlite3.Error (read-only, locked, ...).
        except Exception as e:  # noqa: BLE001
            cache = cls(None, b"", directory)
            cache.note = f"`{directory}`: {type(e).__name__}: {e}"
            return cache
        return cls(connection, digest.digest(), directory)

    @property
    def enabled(self) -> bool:
        return self._connection is not None

    def key(self, path: str, content: bytes, extra: bytes = b"") -> bytes:
        """Where the results of `path` with `content` (and its `extra` inputs) are stored."""
        if self._connection is None:
            return b""  # Nothing is looked up: spare hashing the file.
        digest = hashlib.sha256(self._scope)
        for part in (path.encode("utf-8", "surrogateescape"), extra, content):
            digest.update(len(part).to_bytes(8, "big") + part)
        return digest.digest()

    def get(self, key: bytes, decode: Callable[[Any], Any] = lambda value: value) -> Optional[Any]:
        """The value stored under `key`, as `decode` reads it from its JSON, or None: no row, or
        a damaged one (not JSON, or not what `decode` reads: it raises KeyError, TypeError or
        ValueError), which is a miss that the fresh result then replaces."""
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT value, used FROM results WHERE key = ?", (key,)
            ).fetchone()
        except Exception as e:  # noqa: BLE001 - sqlite3.Error: corrupt, locked too long, ...
            self._turn_off(e)
            return None
        if row is None:
            return None
        checksum, _, stored = row[0].partition(" ")
        if checksum != _checksum(key, stored):
            return None  # Damaged bytes, however well they read.
        try:
            value = decode(json.loads(stored))
        except (KeyError, TypeError, ValueError):
            return None
        self.reused += 1
        if row[1] != _today():
            self._hits.append(key)
        return value

    def put(self, key: bytes, value: Any) -> None:
        if self._connection is not None:
            stored = json.dumps(value, separators=(",", ":"))
            self._new.append((key, f"{_checksum(key, stored)} {stored}"))

    def save(self) -> None:
        """Write the new results (and when the reused ones were last used) in one transaction,
        drop the stale ones, and close. Never raises."""
        if self._connection is None:
            return
        today = _today()
        try:
            with self._connection:  # BEGIN ... COMMIT, or ROLLBACK on an error.
                self._connection.execute("BEGIN IMMEDIATE")
                self._connection.executemany(
                    "INSERT OR REPLACE INTO results (key, value, used) VALUES (?, ?, ?)",
                    [(key, value, today) for key, value in self._new],
                )
                self._connection.executemany(
                    "UPDATE results SET used = ? WHERE key = ?",
                    [(today, key) for key in self._hits],
                )
                self._connection.execute(
                    "DELETE FROM results WHERE used < ?", (today - RETENTION_DAYS,)
                )
        except Exception as e:  # noqa: BLE001 - sqlite3.Error: locked too long, disk full, ...
            self._turn_off(e)
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _turn_off(self, error: Exception) -> None:
        self.note = f"{type(error).__name__}: {error}"
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _connect(database: str) -> Any:
    import sqlite3

    connection = sqlite3.connect(
        database,
        timeout=_LOCK_TIMEOUT_SECONDS,
        isolation_level=None,  # Transactions are explicit (`save`).
    )
    try:
        # WAL lets one process read while another writes; where it can't be had (some network
        # filesystems) the default journal is still correct, only slower.
        connection.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            connection.execute(statement)
    except BaseException:
        connection.close()
        raise
    return connection


_SQLITE_HEADER = b"SQLite format 3\0"


def _is_foreign_file(database: str) -> bool:
    """A non-empty file that doesn't start with SQLite's header: no database, nor one being
    made."""
    with open(database, "rb") as file:
        start = file.read(len(_SQLITE_HEADER))
    return bool(start) and start != _SQLITE_HEADER


def _checksum(key: bytes, stored: str) -> str:
    """What a row's value starts with: its key's and its own bytes' hash, so damage is seen."""
    return hashlib.sha256(key + stored.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def cache_stats(cache: ResultCache) -> Dict[str, Any]:
    """What a checker's JSON output says about the cache it was asked to use, if any."""
    if cache.directory is None:
        return {}
    return {"reused": cache.reused, **({"cache_note": cache.note} if cache.note else {})}


def add_cache_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="reuse (and keep) each unchanged file's results in this directory when checking",
    )


def open_for_arguments(
    parser: argparse.ArgumentParser, args: argparse.Namespace, checker: str, scope: bytes
) -> ResultCache:
    """The cache `--cache-dir` names (`add_cache_dir_argument`) for a checker's CLI."""
    if args.fix and args.cache_dir:
        parser.error("--cache-dir serves checking: --fix always starts from the files as they are")
    return ResultCache.open(args.cache_dir, checker, [scope])
