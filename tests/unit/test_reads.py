"""Which errors of a read on the replica mean "the replica is away, retry" (503)."""

from __future__ import annotations

import pytest
from sqlalchemy import exc

from app.api.reads import replica_away


class DriverError(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def wrapped(orig: BaseException) -> exc.DBAPIError:
    return exc.DBAPIError("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        wrapped(DriverError("terminating connection due to administrator command", "57P01")),
        # A standby cancels a read that holds back the replay of the primary's changes.
        wrapped(DriverError("canceling statement due to conflict with recovery", "40001")),
        wrapped(DriverError("database is being dropped on the primary", "57P04")),
    ],
)
def test_away_or_cancelled_by_replay(error: BaseException) -> None:
    assert replica_away(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(DriverError('relation "nowhere" does not exist', "42P01")),
        ValueError("a bug"),
    ],
)
def test_faults_are_not_the_replica_being_away(error: BaseException) -> None:
    assert not replica_away(error)
