"""Shared fixtures.

PostgreSQL: tests marked `postgres` run against the server on 127.0.0.1:5432 (trust auth,
database `test`), each test in a fresh schema that is dropped afterwards. Without a server
they skip with the reason, except in CI (`CI` set to any true value: `true`, `1`, `yes`),
where they fail: CI must prove the PostgreSQL store works.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping

import pytest

# The table helpers in tests/builders.py assert; show their comparisons as pytest does.
pytest.register_assert_rewrite("tests.builders")

PG_DSN = os.environ.get("CASECHECK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _connect():
    import psycopg

    return psycopg.connect(PG_DSN, connect_timeout=3, autocommit=True)


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the tests run in CI: `CI` set to any true value (`true`, `1`, `yes`, `on`),
    as CI services and people set it."""
    return environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on", "y", "t")


@pytest.fixture
def postgres_url():
    try:
        conn = _connect()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server here"
        reason = f"PostgreSQL not reachable at {PG_DSN}: {type(exc).__name__}: {str(exc).strip()[:200]}"
        if in_ci():
            pytest.fail(reason + " (required in CI)")
        pytest.skip(reason)
    schema = f"casecheck_test_{uuid.uuid4().hex[:10]}"
    try:
        yield f"{PG_DSN}?schema={schema}"
    finally:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def file_store_url(request, tmp_path):
    """A fresh store that another process (or the command line) can open: SQLite file or
    PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "casecheck.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A fresh store of each kind: in-memory, SQLite file, PostgreSQL schema."""
    if request.param == "memory":
        return "memory:"
    if request.param == "sqlite":
        return str(tmp_path / "casecheck.db")
    return request.getfixturevalue("postgres_url")
