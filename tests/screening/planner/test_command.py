"""manage.py simulate: bad input gets a clear error before any worker starts; CSV rows."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from screening.planner.results import as_csv


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "60"], "--weeks: simulate from 1 to 52 weeks."),
        (["--start", "2027-06-08"], "--start: give a Monday."),
        ([], "No cases started in the last 12 weeks: give --orders-per-week and --mix."),
        (["--orders-per-week", "3", "--mix", "bail=1"], "--mix: unknown order type 'bail'"),
        (["--add-pattern", "12:1:9-10"], "--add-pattern '12:1:9-10': write PRACTITIONER_ID"),
    ],
)
def test_simulate_names_the_problem(args, message):
    with pytest.raises(CommandError, match="^" + message.replace("(", r"\(").replace("+", r"\+")):
        call_command("simulate", *args)


def test_csv_has_a_row_per_run_and_figure():
    rate = {"on_time": 3, "late": 1, "not_yet_due": 2, "percent": 75}
    result = {"name": "baseline one_visit", "model": "one_visit", "visit": rate,
              "findings": rate, "assessment": {"all": rate, "other": rate}}  # fmt: skip
    lines = as_csv([result]).splitlines()
    assert lines[0] == "run,figure,on_time,late,not_yet_due,percent"
    assert lines[1:] == [
        "baseline one_visit,visit,3,1,2,75",
        "baseline one_visit,findings,3,1,2,75",
        "baseline one_visit,assessment:all,3,1,2,75",
        "baseline one_visit,assessment:other,3,1,2,75",
    ]
