"""The embedded master key file: made on first use, readable by its owner only, and the same key
for processes that start at once (the API and the worker)."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.events.keyring import load_or_create_master_key


def test_made_once_and_shared(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_or_create_master_key(path), range(32)))
    assert len(set(keys)) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["master.key"]  # no drafts left behind
