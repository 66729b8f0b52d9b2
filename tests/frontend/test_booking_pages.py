"""The booking pages through Django's test client, with the clock fixed: a case that has a
booked visit, the rebooking page's deadline and reasons, the error summary's links, options
that clash with the young person's unavailable times, and options spread across days."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from agencies.models import Agency
from screening.booking.services import (
    SessionRequest,
    session_record_attendance,
    visit_book,
    visit_reschedule,
)
from screening.models import Visit
from screening.people.young_people import young_person_update
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Tuesday 23 February 2027, 07:00. The order starts on Monday 22 February, so the visit is
# due five working days on: Monday 1 March 2027 (no bank holiday in between).
NOW = dt.datetime(2027, 2, 23, 7, 0, tzinfo=LONDON)
ORDER_START = dt.date(2027, 2, 22)
CODES = ["speech_language", "health", "education", "social_care"]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db, monkeypatch):
    """One practitioner per agency working weekdays 09:00-17:00, one room (open Monday to
    Friday 08:00-18:00), an admin, and a case whose visit is due on Monday 1 March 2027."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    team = {code: factories.make_working_practitioner(agency=code) for code in CODES}
    room = factories.make_room()
    admin = factories.make_user(role=Role.YOT_ADMIN)
    case = factories.make_case(order_start_date=ORDER_START)
    return {
        "team": team,
        "room": room,
        "admin_user": admin,
        "admin": client_for(admin),
        "case": case,
    }


def book_all(world, start: dt.datetime, *, case=None, **extra) -> Visit:
    sessions, t = [], start
    for code in CODES:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=world["team"][code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    return visit_book(case=case or world["case"], room=world["room"], sessions=sessions, **extra)


# --- 5. a case that has a booked visit ---------------------------------------------------


def test_the_case_page_of_a_booked_case_links_to_its_visit_instead_of_booking(world):
    case = world["case"]
    visit = book_all(world, at(dt.date(2027, 2, 24), 10))
    page = world["admin"].get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/book/" not in page
    assert "Book a visit" not in page
    assert re.search(rf'href="/visits/{visit.pk}/"[^>]*>See the booked visit', page)


def test_the_case_page_without_a_booked_visit_offers_to_book_one(world):
    case = world["case"]
    page = world["admin"].get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/book/"' in page


def test_the_booking_page_of_a_booked_case_says_so_and_links_to_the_visit(world):
    case = world["case"]
    visit = book_all(world, at(dt.date(2027, 2, 24), 10))
    response = world["admin"].get(f"/cases/{case.pk}/book/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This case already has a booked visit" in page
    assert "10am on Wednesday 24 February 2027" in page
    assert f'href="/visits/{visit.pk}/"' in page
    assert "Book this visit" not in page  # no options to choose from


def test_posting_a_booking_for_a_booked_case_books_nothing_and_says_why(world):
    case = world["case"]
    visit = book_all(world, at(dt.date(2027, 2, 24), 10))
    response = world["admin"].post(f"/cases/{case.pk}/book/", {"option": "anything"})
    assert response.status_code == 409
    assert "This case already has a booked visit" in response.content.decode()
    assert list(Visit.objects.filter(case=case)) == [visit]


# --- 9. the case timeline in words ---------------------------------------------------------


def _timeline(world) -> str:
    # Signed in afresh: the clock may have moved past the idle sign-out.
    page = client_for(world["admin_user"]).get(f"/cases/{world['case'].pk}/").content.decode()
    return page.split('<h2 class="govuk-heading-m">Timeline</h2>', 1)[1]


def test_the_timeline_says_who_attended_by_agency_name_in_words(world, monkeypatch):
    visit = book_all(world, at(dt.date(2027, 2, 24), 10))
    # Wednesday 24 February 2027 at 13:00: every session has started.
    later = at(dt.date(2027, 2, 24), 13)
    monkeypatch.setattr(timezone, "now", lambda: later.astimezone(dt.UTC))
    sessions = {s.agency.code: s for s in visit.sessions.select_related("agency")}
    session_record_attendance(session=sessions["health"], attended=True)
    session_record_attendance(
        session=sessions["social_care"], attended=False, reason="Unwell on the day"
    )
    timeline = _timeline(world)
    social_care = escape(Agency.objects.get(code="social_care").name)
    assert "Health: Attended" in timeline
    assert f"{social_care}: Did not attend" in timeline
    assert "social_care" not in timeline and ": attended" not in timeline


def test_a_reschedule_on_the_timeline_says_from_when_to_when(world):
    visit = book_all(world, at(dt.date(2027, 2, 24), 10))
    sessions, t = [], at(dt.date(2027, 2, 25), 13)
    for s in visit.sessions.select_related("agency", "practitioner").order_by("start"):
        sessions.append(SessionRequest(agency=s.agency, practitioner=s.practitioner, start=t))
        t += dt.timedelta(minutes=s.agency.default_duration_minutes + 5)
    visit_reschedule(visit=visit, room=world["room"], sessions=sessions)
    timeline = _timeline(world)
    room = str(world["room"])
    assert (
        f"From Wednesday 24 February 2027 at 10:00 ({room}) "
        f"to Thursday 25 February 2027 at 13:00 ({room})."
    ) in timeline
    assert f"For Wednesday 24 February 2027 at 10:00 ({room})." in timeline  # the booking


# --- 7. rebooking, a passed deadline, and the error summary's links ----------------------

# Tuesday 2 March 2027, 09:00: the day after the case's visit deadline (Monday 1 March).
AFTER_DEADLINE = at(dt.date(2027, 3, 2), 9)


def _missed_health_session(world, monkeypatch):
    """The visit on the deadline day, Monday 1 March 2027 at 10:00; the health session is
    marked 'did not attend' the next morning. A missed session is rebooked within five
    working days of it: by Monday 8 March 2027."""
    visit = book_all(world, at(dt.date(2027, 3, 1), 10))
    monkeypatch.setattr(timezone, "now", lambda: AFTER_DEADLINE.astimezone(dt.UTC))
    missed = visit.sessions.get(agency__code="health")
    session_record_attendance(session=missed, attended=False, reason="Unwell on the day")
    missed.refresh_from_db()
    return missed


def _error_links(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)"', summary)


def test_rebooking_before_its_own_deadline_asks_no_reason_for_being_late(world, monkeypatch):
    missed = _missed_health_session(world, monkeypatch)
    admin = client_for(world["admin_user"])
    response = admin.get(f"/sessions/{missed.pk}/rebook/")
    page = response.content.decode()
    assert response.context["options"], page
    assert "Options after the deadline" not in page
    assert "after the deadline?" not in page
    assert "Rebook by Monday 8 March 2027" in page
    assert "Why is the session rebooked?" in page
    assert "No room is free" not in page


def test_options_after_a_passed_deadline_say_the_deadline_has_passed(world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AFTER_DEADLINE.astimezone(dt.UTC))
    admin = client_for(world["admin_user"])
    response = admin.get(f"/cases/{world['case'].pk}/book/")
    reasons = response.context["found"].reasons
    assert reasons == [
        "The deadline of Monday 1 March 2027 has passed: every option is after it, "
        "so say why when you book one."
    ]
    assert response.context["after_deadline"]


def test_a_missing_late_reason_links_to_the_box_of_the_option_chosen(world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AFTER_DEADLINE.astimezone(dt.UTC))
    admin = client_for(world["admin_user"])
    url = f"/cases/{world['case'].pk}/book/"
    second = admin.get(url).context["after_deadline"][1]
    html = admin.post(url, {"option": second.token, "query": ""}).content.decode()
    assert not Visit.objects.filter(case=world["case"]).exists()
    [link] = _error_links(html)
    assert link == f"{second.key}-late-reason"
    assert f'id="{link}"' in html
    assert f'aria-describedby="{link}-hint {link}-error"' in html


def test_a_missing_rebooking_reason_links_to_the_box_of_the_option_chosen(world, monkeypatch):
    missed = _missed_health_session(world, monkeypatch)
    admin = client_for(world["admin_user"])
    url = f"/sessions/{missed.pk}/rebook/"
    first = admin.get(url).context["options"][0]
    html = admin.post(url, {"option": first.token, "query": "", "reason": " "}).content.decode()
    [link] = _error_links(html)
    assert link == f"{first.key}-reason"
    assert f'id="{link}"' in html


# --- 8. options spread across days, and clashes with the young person's unavailable times -


def _starts(options) -> list[dt.datetime]:
    return [o.start.astimezone(LONDON) for o in options]


def test_the_options_are_spread_three_a_day_two_hours_apart_earliest_first(world):
    """Now Tuesday 23 February 2027 at 07:00; with the page's margin the first start is 09:15.
    A visit of all four agencies takes 2 hours 30 minutes, and everyone works until 17:00."""
    response = world["admin"].get(f"/cases/{world['case'].pk}/book/")
    tuesday, wednesday, thursday, friday = (dt.date(2027, 2, d) for d in (23, 24, 25, 26))
    assert _starts(response.context["options"]) == [
        at(tuesday, 9, 15),
        at(tuesday, 11, 15),
        at(tuesday, 13, 15),
        at(wednesday, 9),
        at(wednesday, 11),
        at(wednesday, 13),
        at(thursday, 9),
        at(thursday, 11),
        at(thursday, 13),
        at(friday, 9),
    ]


def test_asking_for_every_time_from_the_earliest_gives_five_minute_steps(world):
    query = {"agencies": CODES, "order": "fixed", "spread": "no"}
    response = world["admin"].get(f"/cases/{world['case'].pk}/book/", query)
    tuesday = dt.date(2027, 2, 23)
    assert _starts(response.context["options"]) == [
        at(tuesday, 9, 15) + dt.timedelta(minutes=5 * n) for n in range(10)
    ]


def test_an_option_in_school_hours_says_it_clashes_and_when(world):
    young_person_update(
        young_person=world["case"].young_person,
        unavailable=[
            {"weekdays": [0, 1, 2, 3, 4], "start_time": dt.time(9), "end_time": dt.time(14)}
        ],
    )
    response = world["admin"].get(f"/cases/{world['case'].pk}/book/")
    options = response.context["options"]
    outside = [o for o in options if not o.clashes]
    clashing = [o for o in options if o.clashes]
    # Outside the unavailable times first (one a day fits after 14:00 and before 17:00),
    # then the rest, each group earliest first.
    assert options == outside + clashing
    assert [o.start.astimezone(LONDON).time() for o in outside] == [dt.time(14)] * 5
    assert clashing[0].start.astimezone(LONDON) == at(dt.date(2027, 2, 23), 9, 15)
    assert clashing[0].clashes == [(at(dt.date(2027, 2, 23), 9), at(dt.date(2027, 2, 23), 14))]
    page = response.content.decode()
    assert page.count("Clashes with unavailable times") == len(clashing)
    assert (
        "This time clashes with the young person's usual unavailable times: "
        "9am to 2pm on Tuesday 23 February 2027."
    ) in page


def test_a_rebooked_sessions_visit_labels_its_reason_as_why_it_was_rebooked(world, monkeypatch):
    from screening.booking.services import session_rebook

    missed = _missed_health_session(world, monkeypatch)
    # Wednesday 3 March 2027 at 10:00: before the rebooking deadline (Monday 8 March).
    rebooked = session_rebook(
        missed=missed,
        room=world["room"],
        practitioner=world["team"]["health"],
        start=at(dt.date(2027, 3, 3), 10),
        reason="Unwell on the day; the family asked for Wednesday.",
    )
    page = client_for(world["admin_user"]).get(f"/visits/{rebooked.pk}/").content.decode()
    assert "Why rebooked" in page
    assert "Unwell on the day; the family asked for Wednesday." in page
    assert "Why after the deadline" not in page
    timeline = _timeline(world)
    assert "Why rebooked: Unwell on the day" in timeline
    assert "Why after the deadline" not in timeline


def test_rebooking_after_its_deadline_keeps_why_late_apart_from_why_rebooked(world, monkeypatch):
    """Wednesday 10 March 2027 is past the rebooking deadline (Monday 8 March): the form asks
    why the session is rebooked and, apart, why so late; both are kept, each in its place."""
    missed = _missed_health_session(world, monkeypatch)
    monkeypatch.setattr(timezone, "now", lambda: at(dt.date(2027, 3, 10), 9).astimezone(dt.UTC))
    admin = client_for(world["admin_user"])
    url = f"/sessions/{missed.pk}/rebook/"
    response = admin.get(url)
    late = response.context["after_deadline"][0]
    assert "Why is this after the rebooking deadline?" in response.content.decode()
    why = "Missed through illness; the same nurse again."
    refused = admin.post(url, {"option": late.token, "query": "", "reason": why})
    assert [e["key"] for e in refused.context["errors"]] == ["late_reason"]
    assert not Visit.objects.filter(rebook_of=missed).exists()
    posted = {"option": late.token, "query": "", "reason": why, "late_reason": "Away until now."}
    assert admin.post(url, posted).status_code == 302
    rebooked = Visit.objects.get(rebook_of=missed)
    assert (rebooked.rebook_reason, rebooked.late_reason) == (why, "Away until now.")
    page = admin.get(f"/visits/{rebooked.pk}/").content.decode()
    assert f'Why rebooked</dt><dd class="govuk-summary-list__value">{escape(why)}' in page
    assert (
        'Why after the deadline</dt><dd class="govuk-summary-list__value">Away until now.' in page
    )
    timeline = _timeline(world)
    assert f"Why rebooked: {why} Why after the deadline: Away until now." in timeline


def test_the_visit_page_shows_attendance_reasons_only_to_those_with_need_to_know(
    world, monkeypatch
):
    """The health session's 'Unwell on the day' shows on the visit page to the health
    practitioner and the admin, not to the education practitioner of the same visit."""
    missed = _missed_health_session(world, monkeypatch)
    url = f"/visits/{missed.visit_id}/"
    education = client_for(world["team"]["education"].user).get(url).content.decode()
    assert "Did not attend" in education and "Unwell on the day" not in education
    health = client_for(world["team"]["health"].user).get(url).content.decode()
    assert "Unwell on the day" in health
    assert "Unwell on the day" in client_for(world["admin_user"]).get(url).content.decode()


def test_the_booking_page_offers_nothing_before_the_order_starts_unless_asked(world):
    """Now Tuesday 23 February 2027; an order starting on Wednesday 3 March 2027 is offered
    that day from 09:00 first, and the page says why; a first day asked for (Wednesday
    24 February) is searched from instead."""
    case = factories.make_case(order_start_date=dt.date(2027, 3, 3))
    url = f"/cases/{case.pk}/book/"
    response = world["admin"].get(url)
    assert _starts(response.context["options"])[0] == at(dt.date(2027, 3, 3), 9)
    reason = "The order starts on Wednesday 3 March 2027, so options start from then"
    assert reason in response.content.decode()
    query = {"agencies": CODES, "order": "fixed"}
    query.update({"not_before_0": "24", "not_before_1": "2", "not_before_2": "2027"})
    asked = world["admin"].get(url, query)
    assert asked.context["form"].is_valid(), asked.context["form"].errors
    assert _starts(asked.context["options"])[0] == at(dt.date(2027, 2, 24), 9)
    assert reason not in asked.content.decode()


# --- a review visit ---------------------------------------------------------------------


def test_a_review_visit_is_booked_with_the_agencies_asked_before_the_reviews_due_date(
    world, monkeypatch
):
    from screening.models import Review

    # After the case's deadline (Monday 1 March 2027) has passed; the review is due Friday
    # 12 March 2027.
    monkeypatch.setattr(timezone, "now", lambda: AFTER_DEADLINE.astimezone(dt.UTC))
    case = world["case"]
    review = Review.objects.create(case=case, reason="new_information", due_by=dt.date(2027, 3, 12))
    admin = client_for(world["admin_user"])
    url = f"/cases/{case.pk}/reviews/{review.pk}/book/"
    response = admin.get(url + "?agencies=health&agencies=education")
    assert response.status_code == 200
    first = response.context["options"][0]
    assert {s["agency"].code for s in first.sessions} == {"health", "education"}
    posted = admin.post(url, {"option": first.token, "query": ""})
    assert posted.status_code == 302, posted.content.decode()[:500]
    visit = Visit.objects.get(case=case)
    assert visit.review == review and visit.late_reason == ""
    other = Review.objects.create(
        case=factories.make_case(), reason="scheduled", due_by=dt.date(2027, 3, 12)
    )
    assert admin.get(f"/cases/{case.pk}/reviews/{other.pk}/book/").status_code == 404


# --- venues: several at once, a home visit with no room ----------------------------------


def _venues(world):
    from screening.venues.services import room_create, venue_create

    centre = venue_create(
        name="Mill Road youth centre",
        address="12 Mill Road, Townham",
        kind="community",
        text_name="the youth centre on Mill Road",
        travel_minutes=25,
    )
    room_create(venue=centre, name="Hall")
    home = venue_create(
        name="Young person's home",
        address="The address on the case record",
        kind="home",
        text_name="your home",
        travel_minutes=20,
    )
    return centre, home


def test_the_booking_page_searches_the_office_by_default_and_any_venues_ticked(world):
    centre, home = _venues(world)
    office = world["room"].venue
    url = f"/cases/{world['case'].pk}/book/"
    page = world["admin"].get(url)
    html = page.content.decode()
    # GOV.UK checkboxes in a fieldset with a legend; only the office ticked at first.
    assert 'name="venues"' in html and "Where the visit may be" in html
    ticked = set(re.findall(r'name="venues" type="checkbox" value="(\d+)"[^>]*checked', html))
    ticked |= set(re.findall(r'name="venues" value="(\d+)"[^>]*checked', html))
    assert [int(pk) for pk in ticked] == [office.pk]
    assert escape("Mill Road youth centre (community venue, 25 minutes' travel)") in html
    assert escape("Young person's home (home, no room needed, 20 minutes' travel)") in html
    assert {o.venue for o in page.context["options"]} == {office}
    query = {"agencies": CODES, "order": "fixed", "spread": "no"}
    query["venues"] = [str(centre.pk), str(home.pk)]
    asked = world["admin"].get(url, query)
    shown = asked.context["options"]
    assert {o.venue for o in shown} == {centre, home}
    text = asked.content.decode()
    assert escape("Venue: Young person's home, no room needed.") in text
    assert "Each practitioner travels 20 minutes there and back." in text
    # Book the first home option: no room, at the home.
    first_home = next(o for o in shown if o.room is None)
    assert first_home.where == "Young person's home"
    posted = world["admin"].post(url, {"option": first_home.token, "query": ""})
    assert posted.status_code == 302, posted.content.decode()[:500]
    visit = Visit.objects.get(case=world["case"])
    assert visit.room is None and visit.venue == home
    detail = world["admin"].get(f"/visits/{visit.pk}/").content.decode()
    assert escape("Young person's home, The address on the case record") in detail
