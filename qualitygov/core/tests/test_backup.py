"""Finding the PostgreSQL client tools for backup and restore, and a clear error when they are missing."""

from __future__ import annotations

import pytest

from qualitygov.core import backup


@pytest.fixture
def no_tools(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("QUALITYGOV_PG_BIN", raising=False)
    monkeypatch.setattr(backup, "PG_INSTALL_ROOT", tmp_path / "postgresql")
    return tmp_path


def _tool(folder, name="pg_dump"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_missing_tools_are_a_clear_error(no_tools):
    with pytest.raises(backup.BackupError) as excinfo:
        backup.pg_binary("pg_dump")
    assert str(excinfo.value) == ("pg_dump was not found: install the PostgreSQL client tools or set "
                                  "QUALITYGOV_PG_BIN to the folder that holds them")


def test_the_newest_installed_version_is_used(no_tools):
    _tool(no_tools / "postgresql" / "9" / "bin")
    newest = _tool(no_tools / "postgresql" / "15" / "bin")
    assert backup.pg_binary("pg_dump") == newest


def test_qualitygov_pg_bin_wins(no_tools, monkeypatch):
    _tool(no_tools / "postgresql" / "15" / "bin")
    chosen = _tool(no_tools / "pg16")
    monkeypatch.setenv("QUALITYGOV_PG_BIN", str(no_tools / "pg16"))
    assert backup.pg_binary("pg_dump") == chosen
