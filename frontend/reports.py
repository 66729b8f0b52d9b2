"""The timeliness report page, its accessible charts and its CSV download. The numbers come
from screening.reports; this module only lays them out."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agencies.local_time import month_words_here
from frontend.access import page
from frontend.forms import PeriodForm
from frontend.templatetags.govuk import short_day
from screening.reports.timeliness import Rate, Timeliness, default_period, timeliness_for

# Chart geometry, in SVG user units.
LABEL_WIDTH = 170
BAR_WIDTH = 300
TEXT_WIDTH = 190
ROW_HEIGHT = 34
BAR_HEIGHT = 22


@dataclass
class Bar:
    label: str
    rate: Rate
    y: int
    on_time_width: int
    late_width: int

    @property
    def text(self) -> str:
        return describe(self.rate)

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


@dataclass
class Chart:
    id: str
    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 10

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH + 8

    @property
    def description(self) -> str:
        return "; ".join(f"{b.label}: {b.text}" for b in self.bars) + "."


def describe(rate: Rate) -> str:
    if not rate.counted:
        return _("nothing counted")
    return _("%(percent)s%% on time (%(on_time)s of %(counted)s)") % {
        "percent": rate.percent,
        "on_time": rate.on_time,
        "counted": rate.counted,
    }


def chart(id_: str, title: str, rows: list[tuple[str, Rate]]) -> Chart:
    """A horizontal bar per row: on time solid, late hatched, and the figures in words."""
    bars = []
    for i, (label, rate) in enumerate(rows):
        on = round(BAR_WIDTH * rate.on_time / rate.counted) if rate.counted else 0
        late = BAR_WIDTH - on if rate.counted else 0
        bars.append(Bar(label, rate, i * ROW_HEIGHT + 5, on, late))
    return Chart(id_, title, bars)


def month_label(month) -> str:
    return month_words_here(month)


def _charts(report: Timeliness) -> list[dict[str, object]]:
    sections = []
    for stage in report.stages:
        rows = [(month_label(m), r) for m, r in stage.by_month]
        sections.append(
            {
                "stage": stage,
                "chart": chart(
                    f"chart-{stage.key}",
                    _("%(stage)s: on time by month of the due date") % {"stage": stage.label},
                    rows,
                ),
                "rows": rows,
            }
        )
    return sections


REASON_ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td></tr>'
)


def reason_rows(report: Timeliness) -> SafeString:
    """The rows of the table of every reason, escaped. A long period lists hundreds of
    reasons; building them here takes a fraction of a template loop's time, and escaping
    with the standard library's `html.escape` (which Django's `escape` wraps) a fraction
    of `format_html`'s, whose per-value checks cost more than the rows themselves. The
    kinds (translated) and dates repeat from row to row, so each is worded once (a kind is
    one of a few lazy translations, known by identity: hashing one would translate it)."""
    kinds: dict[int, str] = {}
    days: dict[object, str] = {}
    rows = []
    for r in report.reasons:
        kind = kinds.get(id(r.kind))
        if kind is None:
            kind = kinds[id(r.kind)] = escape(str(r.kind))
        day = days.get(r.on)
        if day is None:
            day = days[r.on] = escape(short_day(r.on))
        rows.append(REASON_ROW.format(escape(r.case_reference), kind, day, escape(str(r.text))))
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped just here


def _period(request: HttpRequest) -> tuple[PeriodForm, object, object]:
    today = timezone.localdate()
    first, last = default_period(today)
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET, today=today)
        if form.is_valid():
            first, last = form.cleaned_data["first_month"], form.cleaned_data["last_month"]
    else:
        form = PeriodForm(initial={"start": f"{first:%Y-%m}", "end": f"{last:%Y-%m}"}, today=today)
    return form, first, last


@page("timeliness_report", "read")
def timeliness(request: HttpRequest) -> HttpResponse:
    form, first, last = _period(request)
    report = timeliness_for(user=request.user, first_month=first, last_month=last)
    return render(
        request,
        "frontend/timeliness.html",
        {
            "form": form,
            "report": report,
            "sections": _charts(report),
            "agency_chart": chart(
                "chart-agencies",
                _("Agency findings: on time by agency"),
                report.findings_by_agency,
            ),
            "reason_rows": reason_rows(report),
            "csv_query": f"start={first:%Y-%m}&end={last:%Y-%m}",
            "error_title": form.errors,
        },
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible_start(text: str) -> str:
    """The text as a spreadsheet may read it: full-width and compatibility forms folded
    (NFKC turns "\uff1d" into "="), then leading spaces, control and format characters
    dropped, since spreadsheets skip them before looking for a formula."""
    folded = unicodedata.normalize("NFKC", text)
    index = 0
    while index < len(folded) and (
        folded[index].isspace() or unicodedata.category(folded[index]) in {"Cc", "Cf", "Zs"}
    ):
        index += 1
    return folded[index:]


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula, even behind
    spaces, line breaks, control characters or full-width forms, gets a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or _visible_start(text).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_rows(report: Timeliness) -> list[list[object]]:
    rows: list[list[object]] = [
        ["section", "stage", "month or agency", "on time", "late", "counted", "per cent on time"]
    ]

    def rate_row(section: str, stage: str, what: str, rate: Rate) -> list[object]:
        percent = "" if rate.percent is None else rate.percent
        return [section, stage, what, rate.on_time, rate.late, rate.counted, percent]

    for stage in report.stages:
        rows.append(rate_row("total", stage.label, "whole period", stage.total))
        for month, rate in stage.by_month:
            rows.append(rate_row("by month", stage.label, f"{month:%Y-%m}", rate))
    for agency, rate in report.findings_by_agency:
        rows.append(rate_row("by agency", "Agency findings", agency, rate))
    rows += plan_delivery_rows(report)
    if report.reviews is not None:
        label = report.reviews.label
        rows.append(rate_row("total", label, "whole period", report.reviews.total))
        for month, rate in report.reviews.by_month:
            rows.append(rate_row("by month", label, f"{month:%Y-%m}", rate))
        for reason, rate in report.reviews_by_reason:
            rows.append(rate_row("by reason", label, reason, rate))
    rows.append([])
    rows.append(["reason for lateness", "case", "kind", "date"])
    for reason in report.reasons:
        rows.append([reason.text, reason.case_reference, reason.kind, f"{reason.on:%Y-%m-%d}"])
    return rows


PLAN_HEADER = ["plan actions", "month due", "done on time", "done late", "not done"]
PLAN_HEADER += ["open overdue", "counted", "per cent on time"]


def plan_delivery_rows(report: Timeliness) -> list[list[object]]:
    """The plan actions' outcomes by month of the due date, then the whole period."""
    delivery = report.plan_actions
    if delivery is None:
        return []
    rows: list[list[object]] = [[], PLAN_HEADER]
    months = [(f"{m:%Y-%m}", d) for m, d in delivery.by_month]
    for month, d in [*months, ("whole period", delivery.total)]:
        percent = "" if d.percent is None else d.percent
        outcomes = [d.done_on_time, d.done_late, d.not_done, d.open_overdue, d.counted]
        rows.append(["plan actions", month, *outcomes, percent])
    rows.append(["plan actions", "not yet due", delivery.not_yet_due])
    return rows


@page("timeliness_report", "read")
def timeliness_csv(request: HttpRequest) -> HttpResponse:
    form, first, last = _period(request)
    if form.is_bound and not form.is_valid():
        messages = "; ".join(str(m) for errors in form.errors.values() for m in errors)
        return HttpResponse(messages, status=400, content_type="text/plain; charset=utf-8")
    report = timeliness_for(user=request.user, first_month=first, last_month=last)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="timeliness-{first:%Y-%m}-to-{last:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    # The download is data for spreadsheets: written in English whatever the page's language,
    # as its column names are (docs/decisions/0021).
    with translation.override(settings.LANGUAGE_CODE):
        for row in csv_rows(report):
            writer.writerow([safe_cell(cell) for cell in row])
    return response
