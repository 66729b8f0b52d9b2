"""The timeliness page and its CSV run as many queries for a busy YOT as for a quiet one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests import factories
from tests.screening.reports.test_timeliness_reference import NOW, ORDER_STARTS, start_yot

pytestmark = pytest.mark.django_db

PAGES = [
    "/reports/timeliness/?start=2027-02&end=2027-11",
    "/reports/timeliness.csv?start=2027-02&end=2027-11",
]


def test_timeliness_page_and_csv_queries_do_not_grow_with_the_cases(monkeypatch):
    clock, builder = start_yot(monkeypatch, 8)
    browser = Client()
    browser.force_login(factories.make_user(role=Role.YOT_MANAGER))

    def queries(path: str) -> tuple[int, int]:
        clock.moment = NOW
        browser.get(path)  # the session and per-process caches warm
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(path)
        assert response.status_code == 200
        return len(captured), len(response.content)

    for order_start in ORDER_STARTS[:4]:
        builder.case(order_start)
    few = {path: queries(path) for path in PAGES}
    for order_start in ORDER_STARTS[4:] + ORDER_STARTS * 2:
        builder.case(order_start)
    many = {path: queries(path) for path in PAGES}
    for path in PAGES:
        assert many[path][1] > few[path][1], path  # more rows shown
        assert many[path][0] == few[path][0], path
