"""People and agencies are named on the pages as people read them: a case manager with no
first or last name recorded by their username (not "None yet"), an agency by its name
(not its code)."""

from html import escape

import pytest

from accounts.models import Role
from agencies.models import Agency
from tests.factories import make_case, make_screened_case, make_user, submit_findings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["detail", "list"])
def test_a_case_manager_without_a_name_is_shown_by_their_username(client, page):
    manager = make_user(role=Role.CASE_MANAGER, username="jlewis")
    assert manager.get_full_name() == ""
    case = make_case(case_manager=manager)
    unassigned = make_case()
    client.force_login(make_user(role=Role.YOT_ADMIN))
    if page == "detail":
        assert "jlewis" in client.get(f"/cases/{case.pk}/").content.decode()
        assert "None yet" in client.get(f"/cases/{unassigned.pk}/").content.decode()
    else:
        listed = client.get("/cases/").content.decode()
        assert "jlewis" in listed and "None yet" in listed


def test_the_print_page_names_the_agency_of_each_flag_and_restricted_summary(client):
    case, sessions = make_screened_case()
    submit_findings(
        sessions["social_care"],
        accommodation_suitable="no",
        restricted="yes",
        restricted_summary="Ask the allocated social worker first.",
    )
    submit_findings(sessions["health"], self_harm="current")
    client.force_login(make_user(role=Role.YOT_MANAGER))
    page = client.get(f"/cases/{case.pk}/assessment-draft/print/").content.decode()
    social_care = escape(Agency.objects.get(code="social_care").name)
    assert f"({social_care}, version 1)" in page
    assert f"{social_care}: Ask the allocated social worker first." in page
    assert "(social_care," not in page and "(health," not in page


def test_the_alert_banner_names_the_case_once(client):
    case, sessions = make_screened_case()
    submit_findings(sessions["health"], self_harm="current")
    client.force_login(case.case_manager)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    banner = page[page.index('id="alerts-title"') : page.index("See your alerts")]
    assert "Current self-harm" in banner
    assert banner.count(case.reference) == 1
