"""The data folder, the SQLite database and its -wal/-shm files are readable by their owner only."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from storage.engine import create_engine
from storage.migrate import upgrade_to_head


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Whatever the umask says (here: nothing), our files get our modes."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _settings(data_dir: Path) -> Settings:
    return Settings(bot_token="123456:file-modes-token", data_dir=data_dir)  # type: ignore[arg-type]


@pytest.mark.usefixtures("permissive_umask")
async def test_a_new_data_folder_and_database_are_owner_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    engine = create_engine(settings.resolved_database_url())
    settings.resolved_secret_key()
    try:
        await upgrade_to_head(engine)  # the pooled connection keeps -wal and -shm in place
        folder = tmp_path / "data"
        database = folder / "lessonlink.sqlite3"
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(f.exists() for f in files)
        assert _mode(folder) == "0o700"
        assert {f.name: _mode(f) for f in files} == {f.name: "0o600" for f in files}
        assert _mode(folder / "secret.key") == "0o600"
    finally:
        await engine.dispose()


async def test_an_existing_world_readable_folder_and_database_are_tightened(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    database = folder / "lessonlink.sqlite3"
    key = folder / "secret.key"
    key.write_text("an-older-key-file")
    # An older version left its files world-readable, and the database is open in WAL mode.
    older = sqlite3.connect(database)
    older.execute("PRAGMA journal_mode=WAL")
    older.execute("CREATE TABLE t (x)")
    older.execute("INSERT INTO t VALUES (1)")
    older.commit()
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    for path in [folder, key, *files]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    try:
        settings = _settings(folder)
        engine = create_engine(settings.resolved_database_url())
        assert settings.resolved_secret_key() == b"an-older-key-file"
        await engine.dispose()
        assert _mode(folder) == "0o700"
        assert {f.name: _mode(f) for f in [key, *files]} == {f.name: "0o600" for f in [key, *files]}
    finally:
        older.close()


@pytest.mark.usefixtures("permissive_umask")
async def test_a_database_elsewhere_is_owner_only_too(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade_to_head(engine)
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert _mode(path) == "0o600", path.name
    finally:
        await engine.dispose()
