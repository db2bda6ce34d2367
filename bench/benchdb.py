"""A throwaway database for one benchmark run: a SQLite file in a temporary folder, or a new
PostgreSQL database next to the one `postgres` names (dropped again by the clean-up)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable


def prepare_database(postgres: str | None) -> tuple[str, Callable[[], None]]:
    """Point Django (DATABASE_URL, QUALITYGOV_VAR_DIR) at a fresh database before `django.setup()`;
    return the engine's description for the report and a clean-up callable."""
    tmp = tempfile.TemporaryDirectory(prefix="qg-bench-")
    os.environ["QUALITYGOV_VAR_DIR"] = tmp.name
    if not postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
        return "SQLite (file, WAL)", tmp.cleanup
    import psycopg

    name = f"qg_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{postgres.rsplit('/', 1)[0]}/{name}"

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        tmp.cleanup()

    return "PostgreSQL", cleanup
