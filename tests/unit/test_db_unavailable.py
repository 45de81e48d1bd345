"""Which errors mean "the database is away" (503) and which are faults (500)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import exc

from app.db import is_unavailable


class DriverError(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def wrapped(orig: BaseException, kind: type[exc.DBAPIError] = exc.DBAPIError) -> exc.DBAPIError:
    return kind("SELECT 1", {}, orig)


def no_such_table() -> sqlite3.OperationalError:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("SELECT * FROM nowhere")
    except sqlite3.OperationalError as error:
        return error
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError(),
        exc.TimeoutError("QueuePool limit reached"),
        OSError(113, "No route to host"),
        wrapped(DriverError("canceling statement due to statement timeout", "57014")),
        wrapped(DriverError("terminating connection due to administrator command", "57P01")),
        wrapped(DriverError("connection does not exist", "08003")),
        exc.DBAPIError("SELECT 1", {}, Exception("closed"), connection_invalidated=True),
    ],
    ids=repr,
)
def test_the_database_is_away(error: BaseException) -> None:
    assert is_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(DriverError("duplicate key", "23505"), exc.IntegrityError),
        wrapped(DriverError("syntax error", "42601"), exc.ProgrammingError),
        wrapped(no_such_table(), exc.OperationalError),  # a fault, not a busy database
        PermissionError(13, "Permission denied"),
        ValueError("a bug"),
    ],
    ids=repr,
)
def test_a_fault_is_not_the_database_being_away(error: BaseException) -> None:
    assert not is_unavailable(error)


def test_sqlite_busy_is_the_database_being_away() -> None:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorname = "SQLITE_BUSY"
    assert is_unavailable(wrapped(error, exc.OperationalError))
