"""The timeliness page's table of reasons is built as one escaped string."""

import datetime as dt

from frontend.reports import reason_rows
from screening.reports.timeliness import Reason, Timeliness


def test_reason_rows_escape_every_cell():
    report = Timeliness(
        first_month=dt.date(2027, 3, 1),
        last_month=dt.date(2027, 3, 1),
        months=[dt.date(2027, 3, 1)],
        stages=[],
        findings_by_agency=[],
        reasons=[
            Reason(
                "YJ-2027-0001",
                "Visit after the deadline",
                '<b>Mum & "Dad"</b> away',
                dt.date(2027, 3, 4),
            )
        ],
    )
    cell = '<td class="govuk-table__cell">'
    assert str(reason_rows(report)) == (
        f'<tr class="govuk-table__row">{cell}YJ-2027-0001</td>{cell}Visit after the deadline</td>'
        f"{cell}4 Mar 2027</td>{cell}&lt;b&gt;Mum &amp; &quot;Dad&quot;&lt;/b&gt; away</td></tr>"
    )
