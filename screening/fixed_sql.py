"""Running fixed SQL statements, and the values they take and give (the statements
themselves live with their context: the booking path's in screening/booking/queries.py).

Building a query through the ORM costs about a millisecond of Python when it has a dozen
conditions (the filter tree, joins and compilation are rebuilt on every call), and a
booking made a dozen such reads: most of its CPU (ADR 0009). These reads are written once
as SQL instead, plain enough for SQLite and PostgreSQL alike, with every value passed as a
parameter. Parameters are adapted and results converted by the connection's own rules, so
they compare and come back exactly as the ORM's would; an IN list is one `Many` parameter.
The table and column names of every fixed statement under screening/ are read from the
statements and checked against the models by tests/screening/booking/test_fixed_sql.py,
so a rename cannot leave a statement behind.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime


class Many(tuple):
    """The values of an IN list, given as one parameter: `IN (%s)` with Many(ids) becomes
    `IN (%s, %s, %s)` with each value a parameter of its own."""


def fetch(statement: str, params: Sequence[Any]) -> list[tuple]:
    """Run a fixed statement; each `%s` takes the parameter in its place, a Many one
    placeholder per value. Only placeholders are ever added to the statement's text."""
    pieces = statement.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError(f"{len(pieces) - 1} placeholders for {len(params)} parameters")
    text, flat = [pieces[0]], []
    for param, piece in zip(params, pieces[1:], strict=True):
        if isinstance(param, Many):
            if not param:
                raise ValueError("an IN list needs at least one value")
            text.append(", ".join(["%s"] * len(param)))
            flat.extend(param)
        else:
            text.append("%s")
            flat.append(param)
        text.append(piece)
    with connection.cursor() as cursor:
        cursor.execute("".join(text), flat)
        return cursor.fetchall()


def for_database(*, sqlite: str, postgresql: str) -> str:
    """Of a statement written once per database, the one for the connection's."""
    return {"sqlite": sqlite, "postgresql": postgresql}[connection.vendor]


def at(moment: dt.datetime) -> Any:
    """A datetime parameter, as the ORM stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(moment)


def moment(value: Any) -> dt.datetime | None:
    """A datetime column, as the ORM returns it: aware, in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def flag(value: Any) -> bool | None:
    """A boolean column (SQLite may give 0 or 1)."""
    return None if value is None else bool(value)


def json_value(value: Any) -> Any:
    """A JSON column: text on SQLite, and on PostgreSQL as Django's backend loads it."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value
