"""Home and school visits need no room from our list: the search takes such a venue as a
place always free (practitioners still travel there and back), the booking books it
without a room by the same rule, and texts call it by its name for texts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from schedule.models import Event

from accounts.models import Role
from agencies.models import Agency
from screening.booking.options import place_id, visit_options
from screening.booking.services import (
    SessionRequest,
    visit_book,
    visit_cancel,
    visit_reschedule,
)
from screening.booking.week import day_sheet
from screening.errors import SlotTaken
from screening.messaging.templates import placeholder_values
from screening.models import FreedSlot, Visit
from screening.scheduling.expand import from_minutes
from screening.venues.services import room_create, venue_create
from tests.calendar_support import CODES, LONDON, book, sessions_from, world  # noqa: F401
from tests.factories import make_case, make_user, make_working_practitioner
from tests.frontend.test_pages import browser_for

# The world's clock: Monday 1 March 2027 08:00; everyone works weekdays 09:00-17:00; with
# two hours' notice the earliest start is 10:00 that Monday.
LATE = "The family asked for this date."


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def home(world):  # noqa: F811
    return venue_create(
        name="Young person's home",
        address="The address on the case record",
        kind="home",
        text_name="your home",
        travel_minutes=20,
    )


def test_a_home_is_searched_as_a_place_always_free_after_the_journey(world, home):  # noqa: F811
    # The office's only room is closed all Tuesday: the home needs none.
    Event.objects.create(calendar=world.room.calendar, title="Closed", start=at(2, 0), end=at(3, 0))
    found = visit_options(
        case=world.case, venues=[home], count=1, not_before=at(2, 0), spread=False
    )
    first = found.options[0]
    assert first.room == place_id(home)
    assert found.place(first) == (None, home)
    # Set out at 09:00 for 20 minutes: the first session at 09:20.
    assert from_minutes(first.start) == at(2, 9, 20)
    # Monday: set out at 09:40, the first session at 10:00 (two hours' notice).
    monday = visit_options(case=world.case, venues=[home], count=1)
    assert from_minutes(monday.options[0].start) == at(1, 10)
    # Without venues= the search stays with the rooms, as before.
    rooms_only = visit_options(case=world.case, count=3)
    assert all(o.room > 0 for o in rooms_only.options)


def test_a_home_visit_is_booked_without_a_room_and_keeps_the_journey(world, home):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        visit_book(
            case=world.case,
            venue=home,
            sessions=sessions_from(world, at(2, 9, 10)),
            late_reason=LATE,
        )
    assert "not working" in str(refused.value)
    visit = visit_book(
        case=world.case, venue=home, sessions=sessions_from(world, at(2, 9, 20)), late_reason=LATE
    )
    visit.refresh_from_db()
    assert visit.room is None and visit.venue == home
    assert visit.place == "Young person's home"
    # Texts call it by its name for texts, never an address.
    values = placeholder_values(
        person=world.case.young_person, start=visit.start, visit=visit, language="en"
    )
    assert values["place"] == "your home"
    # The way back holds each practitioner 20 minutes after their session and buffer.
    first = visit.sessions.order_by("start").first()
    with pytest.raises(SlotTaken):
        book(world, first.blocked_until + dt.timedelta(minutes=15))


def test_two_home_visits_at_the_same_time_need_no_room_between_them(world, home):  # noqa: F811
    visit_book(
        case=world.case, venue=home, sessions=sessions_from(world, at(2, 10)), late_reason=LATE
    )
    others = {code: make_working_practitioner(agency=code) for code in CODES}
    second = visit_book(
        case=make_case(order_start_date=dt.date(2027, 3, 1)),
        venue=home,
        sessions=sessions_from(world, at(2, 10), people=others),
        late_reason=LATE,
    )
    assert second.room is None


def test_a_visit_needs_a_room_at_a_venue_with_rooms(world, home):  # noqa: F811
    with pytest.raises(ValidationError) as no_place:
        visit_book(case=world.case, sessions=sessions_from(world, at(2, 10)), late_reason=LATE)
    assert "room" in no_place.value.message_dict
    with pytest.raises(ValidationError) as office:
        visit_book(
            case=world.case,
            venue=world.room.venue,
            sessions=sessions_from(world, at(2, 10)),
            late_reason=LATE,
        )
    assert "needs a room" in office.value.message_dict["room"][0]
    with pytest.raises(ValidationError) as elsewhere:
        visit_book(
            case=world.case,
            room=world.room,
            venue=home,
            sessions=sessions_from(world, at(2, 10)),
            late_reason=LATE,
        )
    assert "room" in elsewhere.value.message_dict
    assert not Visit.objects.exists()


def test_a_home_visit_moves_to_the_office_and_back(world, home):  # noqa: F811
    visit = visit_book(
        case=world.case, venue=home, sessions=sessions_from(world, at(2, 10)), late_reason=LATE
    )
    moved = visit_reschedule(
        visit=visit, room=world.room, sessions=sessions_from(world, at(3, 10)), late_reason=LATE
    )
    assert (moved.room, moved.venue) == (world.room, world.room.venue)
    back = visit_reschedule(
        visit=moved, venue=home, sessions=sessions_from(world, at(4, 10)), late_reason=LATE
    )
    assert back.room is None and back.venue == home
    history = [h.snapshot["venue"] for h in back.history.order_by("at", "id")]
    assert history == [home.pk, world.room.venue_id, home.pk]
    # Each move and the cancellation free the time where the visit was: at home no room,
    # but its venue (the practitioners' time is offered to bring forward).
    visit_cancel(visit=back, reason="The family moved away.")
    freed = FreedSlot.objects.filter(visit=back).order_by("freed_at", "id")
    assert [(s.cause, s.venue, s.room) for s in freed] == [
        ("rescheduled", home, None),
        ("rescheduled", world.room.venue, world.room),
        ("cancelled", home, None),
    ]


def test_an_option_at_home_books_back_through_the_same_rule(world, home):  # noqa: F811
    found = visit_options(case=world.case, venues=[home, world.room.venue], count=4, spread=False)
    assert {found.place(o)[1] for o in found.options} == {home, world.room.venue}
    option = next(o for o in found.options if o.room < 0)
    agencies = {a.code: a for a in Agency.objects.all()}
    visit = visit_book(
        case=world.case,
        venue=home,
        sessions=[
            SessionRequest(
                agency=agencies[s.agency],
                practitioner=found.practitioners[s.practitioner],
                start=from_minutes(s.start),
                end=from_minutes(s.end),
            )
            for s in option.sessions
        ],
    )
    assert visit.room is None


@pytest.mark.parametrize(
    "text_name, problem",
    [("", "prints its address"), ("your home, 4 Elm Row", "prints its address")],
)
def test_a_home_venue_needs_a_name_for_texts_without_its_address(world, text_name, problem):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        venue_create(name="Home", address="4 Elm Row, Townham", kind="home", text_name=text_name)
    assert problem in " ".join(refused.value.message_dict["text_name"])


def test_why_no_option_names_the_journey_when_it_is_the_cause(world):  # noqa: F811
    # Four hours each way leaves no working day (09:00-17:00) long enough for any session.
    far = venue_create(
        name="Far youth centre",
        address="1 Far Lane, Distant",
        kind="community",
        text_name="the youth centre on Far Lane",
        travel_minutes=240,
    )
    room_create(venue=far, name="Hall")
    found = visit_options(case=world.case, venues=[far], count=1)
    assert found.options == [] and found.after_deadline == []
    assert found.reasons and all(
        r.startswith("With 4 hours' travel to the youth centre on Far Lane, no ")
        for r in found.reasons
    )


def test_a_home_visit_keeps_the_journey_clear_of_the_practitioners_own_busy_times(world, home):  # noqa: F811
    # Tuesday 2 March 2027: the first practitioner's own calendar is busy 08:45-09:05. A
    # session at 09:20 needs them from 09:00 (20 minutes' travel): refused, although the
    # busy time ends before the session; at 09:25 they set out at 09:05 and it books.
    from screening.models import CalendarImport
    from screening.scheduling.expand import to_minutes

    first = world.people[CODES[0]]
    CalendarImport.objects.create(
        practitioner=first, busy=[[to_minutes(at(2, 8, 45)), to_minutes(at(2, 9, 5))]]
    )
    with pytest.raises(ValidationError) as refused:
        visit_book(
            case=world.case,
            venue=home,
            sessions=sessions_from(world, at(2, 9, 20)),
            late_reason=LATE,
        )
    assert "own calendar shows them busy" in str(refused.value)
    found = visit_options(
        case=world.case, venues=[home], count=1, not_before=at(2, 0), spread=False
    )
    assert from_minutes(found.options[0].start) == at(2, 9, 25)
    visit = visit_book(
        case=world.case, venue=home, sessions=sessions_from(world, at(2, 9, 25)), late_reason=LATE
    )
    assert visit.room is None


def test_the_re_check_meets_busy_times_at_both_ends_of_the_journey_and_no_further(world, home):  # noqa: F811
    """Wednesday 3 March 2027: the health practitioner's own calendar is busy 10:00-10:40
    and 12:05-12:30. A 45-minute home session with 20 minutes' travel needs them from 20
    minutes before to 20 minutes after: at 10:55 they would set out at 10:35 (refused), at
    11:05 be back at 12:10 (refused), at 11:00 they set out at 10:40 and are back at 12:05,
    touching both (booked). The search offers the same: 11:00, then 12:50 (set out when the
    second busy time ends). A busy time the evening before, outside any journey, changes
    nothing."""
    from screening.models import CalendarImport
    from screening.scheduling.expand import to_minutes

    health = Agency.objects.get(code="health")
    assert health.default_duration_minutes == 45
    person = world.people["health"]
    busy = [(at(2, 19), at(2, 23)), (at(3, 10), at(3, 10, 40)), (at(3, 12, 5), at(3, 12, 30))]
    CalendarImport.objects.create(
        practitioner=person, busy=[[to_minutes(s), to_minutes(e)] for s, e in busy]
    )

    def session(start):
        return [SessionRequest(agency=health, practitioner=person, start=start)]

    for start, clash in ((at(3, 10, 55), "10:35"), (at(3, 11, 5), "12:05")):
        with pytest.raises(ValidationError) as refused:
            visit_book(case=world.case, venue=home, sessions=session(start), late_reason=LATE)
        assert f"own calendar shows them busy at {clash}" in str(refused.value), start
    found = visit_options(
        case=world.case,
        agencies=[health],
        venues=[home],
        count=2,
        not_before=at(3, 0),
        spread=False,
    )
    assert [from_minutes(o.start) for o in found.options] == [at(3, 11), at(3, 12, 50)]
    visit = visit_book(case=world.case, venue=home, sessions=session(at(3, 11)), late_reason=LATE)
    assert (visit.start, visit.end) == (at(3, 11), at(3, 11, 45))


def test_a_home_visit_is_on_its_venues_day_sheet_with_the_journey(world, home):  # noqa: F811
    """Booked at home on Tuesday 2 March from 10:00: sessions 10:00-10:30, 10:35-11:20,
    11:25-11:55 and 12:00-12:30; 20 minutes each way, so they set out about 09:40 and are
    back about 12:50. The office's day sheet does not list it; the schedule links the
    home's day sheet."""
    visit = visit_book(
        case=world.case, venue=home, sessions=sessions_from(world, at(2, 10)), late_reason=LATE
    )
    [row] = day_sheet(venue=home, day=dt.date(2027, 3, 2))
    assert (row.visit_id, row.room, row.travel_minutes) == (visit.pk, "", 20)
    assert (row.sets_out, row.end, row.back) == (at(2, 9, 40), at(2, 12, 30), at(2, 12, 50))
    assert len(row.sessions) == 4
    assert day_sheet(venue=world.room.venue, day=dt.date(2027, 3, 2)) == []
    page = browser_for(make_user(role=Role.YOT_ADMIN))
    html = page.get(
        f"/venues/{home.pk}/day-sheet/", {"date_0": 2, "date_1": 3, "date_2": 2027}
    ).content.decode()
    assert "Day sheet for home and school visits" in html
    assert "No room: a home or school visit" in html
    assert "travel each way: set out about 09:40, back about 12:50" in html
    assert world.case.reference in html
    day = page.get("/schedule/day/", {"week_of_0": 2, "week_of_1": 3, "week_of_2": 2027})
    assert f"/venues/{home.pk}/day-sheet/" in day.content.decode()
