"""The fixed SQL on the booking path names tables and columns as the models do, and the
statement helper expands IN lists into placeholders only."""

import datetime as dt
import re

import pytest
from django.apps import apps

from screening import fixed_sql as sql
from screening.booking import availability
from screening.booking import services as visits
from screening.messaging import dispatch, planning, templates

# Every table a fixed statement reads, with the columns it names there.
READ = {
    "schedule_event": {
        "id", "calendar_id", "start", "end", "end_recurring_period", "rule_id",
    },
    "schedule_rule": {"id", "frequency", "params"},
    "schedule_occurrence": {"event_id", "original_start", "cancelled", "start", "end"},
    "screening_session": {
        "practitioner_id", "start", "blocked_until", "cancelled", "visit_id", "agency_id",
    },
    "screening_visit": {"id", "case_id", "status"},
    "screening_calendarimport": {"practitioner_id", "busy"},
    "screening_openinghours": {"venue_id", "weekday", "opens", "closes"},
    "screening_message": {"to", "status"},
    "screening_numberstatus": {"number", "opted_out_at", "invalid_at"},
    "screening_messagetemplate": {"id", "purpose", "language", "easy_read", "body"},
}  # fmt: skip


def test_the_tables_and_columns_named_are_the_models_own():
    tables = {m._meta.db_table: m for m in apps.get_models()}
    for table, columns in READ.items():
        assert table in tables, f"no model stores {table}"
        own = {f.column for f in tables[table]._meta.concrete_fields}
        assert columns <= own, f"{table} has no column {sorted(columns - own)}"


def test_every_table_in_a_fixed_statement_is_listed():
    import inspect

    modules = (availability, dispatch, planning, templates, visits)
    text = "\n".join(inspect.getsource(m) for m in modules)
    named = set(re.findall(r"(?:FROM|JOIN)\s+(schedule_\w+|screening_\w+)", text))
    assert named and named <= set(READ), sorted(named - set(READ))


def test_an_in_list_becomes_one_placeholder_per_value(db):
    rows = sql.fetch("SELECT %s, %s WHERE 1 IN (%s) AND %s = %s", [7, "a", sql.Many([3, 1]), 1, 1])
    assert rows == [(7, "a")]


def test_a_statement_and_its_parameters_must_agree(db):
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        sql.fetch("SELECT %s, %s", [1])
    with pytest.raises(ValueError, match="an IN list needs at least one value"):
        sql.fetch("SELECT 1 WHERE 1 IN (%s)", [sql.Many([])])


@pytest.mark.parametrize("microsecond", [0, 123456])
def test_datetimes_compare_and_come_back_as_the_orm_stores_them(db, microsecond):
    from screening.models import NumberStatus

    moment = dt.datetime(2031, 3, 30, 0, 59, 30, microsecond, tzinfo=dt.UTC)
    NumberStatus.objects.create(number="+447700900001", opted_out_at=moment)
    found = sql.fetch(
        "SELECT number, opted_out_at FROM screening_numberstatus "
        "WHERE opted_out_at = %s AND opted_out_at < %s",
        [sql.at(moment), sql.at(moment + dt.timedelta(microseconds=1))],
    )
    assert [(n, sql.moment(at)) for n, at in found] == [("+447700900001", moment)]


def test_values_come_back_as_python_values():
    assert sql.moment(None) is None
    assert sql.moment("2031-03-30 00:59:30") == dt.datetime(2031, 3, 30, 0, 59, 30, tzinfo=dt.UTC)
    assert sql.flag(0) is False and sql.flag(1) is True and sql.flag(None) is None
    assert sql.json_value("[[1, 2]]") == [[1, 2]] and sql.json_value([[1, 2]]) == [[1, 2]]
