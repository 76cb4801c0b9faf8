"""Real servers the tests use: started by `.ci/run`, optional on a developer's machine."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest
import sqlalchemy


def required_service(variable: str, start_command: str) -> str:
    """The address in `variable`; without it the test skips, or fails under CI, which must run
    every test."""
    value = os.environ.get(variable)
    if not value:
        reason = f"{variable} is not set; start a server with `{start_command}`"
        if os.environ.get("CI"):
            pytest.fail(reason + " (required when CI is set)")
        pytest.skip(reason)
    return value


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new database on the server `HYGIENE_TEST_POSTGRES_URL` names, dropped afterwards."""
    url = required_service("HYGIENE_TEST_POSTGRES_URL", 'eval "$(tools/start-postgres.sh)"')
    server = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sqlalchemy.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
