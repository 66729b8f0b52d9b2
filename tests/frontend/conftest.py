"""Browser tests: Playwright's sync API driving Debian's Chromium against live_server, with
axe-core (from node_modules) run on every page a journey visits."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from agencies.services import working_pattern_create
from screening.booking.services import SessionRequest, visit_book
from screening.people.workdays import is_working_day
from tests import factories

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    """Run the browser journeys last. They need a transactional database for live_server,
    and the flush after each one would leave later tests without the data that migrations
    create (the default agencies)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def default_agencies(transactional_db):
    """The four agencies the data migration creates, put back after an earlier flush."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("agencies.migrations.0002_default_agencies")
    if not Agency.objects.exists():
        migration.add_agencies(apps, None)


@pytest.fixture
def default_forms_and_layout(default_agencies):
    """The default findings forms and draft layout that migrations create, put back after
    an earlier browser test's flush."""
    import importlib

    from django.apps import apps

    forms = importlib.import_module("agencies.migrations.0004_default_findings_forms")
    layout = importlib.import_module("screening.migrations.0006_default_assessment_layout")
    forms.add_forms(apps, None)
    layout.add_layout(apps, None)


@pytest.fixture
def default_retention_rules(transactional_db):
    """The retention schedule's default rules the data migration creates, put back after an
    earlier browser test's flush."""
    import importlib

    from django.apps import apps

    importlib.import_module("screening.migrations.0022_retention").add_default_rules(apps, None)


@pytest.fixture
def default_text_wordings(transactional_db):
    """The texts' default wordings, as the migrations leave them (the reply link in the
    confirmation and reminders), put back after an earlier browser test's flush."""
    import importlib

    from django.apps import apps

    from screening.models import MessageTemplate

    if MessageTemplate.objects.exists():
        return
    importlib.import_module("screening.migrations.0009_default_message_templates").add_templates(
        apps, None
    )
    wording = importlib.import_module(
        "screening.migrations.0016_text_wording_and_invite_withdrawal"
    )
    wording.add_welsh_easy_read(apps, None)
    importlib.import_module("screening.migrations.0023_reply_links").add_links(apps, None)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium")
    if not AXE.exists():
        pytest.fail("axe-core is missing from node_modules: run scripts/bootstrap")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def web(browser, live_server, settings):
    """A fresh browser page against the live server (plain HTTP, so cookies are not
    marked Secure here)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    # axe goes in as an init script, which the pages' Content-Security-Policy does not
    # govern (an injected <script> tag would be refused like any other inline script).
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Anything the Content-Security-Policy refused is a console error naming the policy.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused:\n" + "\n".join(refused)


def check_axe(page, name: str) -> None:
    """Run axe-core on the page as it is; fail on any WCAG 2.2 A/AA violation. Also save a
    full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"axe found problems on {name} ({page.url}):\n" + json.dumps(
        violations, indent=2
    )
    assert result["passes"], "axe ran no checks at all"


def sign_in(page, username: str, password: str = factories.PASSWORD) -> None:
    page.goto("/sign-in/")
    check_axe(page, "sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    go(page.get_by_role("button", name="Sign in"))
    assert "/sign-in/" not in page.url, page.content()[:2000]


def go(locator) -> None:
    """Click a link or button that loads a new page, and wait for that page."""
    with locator.page.expect_navigation():
        locator.click()


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture
def yot(default_agencies):
    """A small YOT: one room, one practitioner per agency working every day, an admin, and
    a young person with a new case."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    room = factories.make_room(
        venue=factories.make_venue(
            name="Greenbank Youth Hub",
            opening_hours=[
                {"weekday": d, "opens": dt.time(7, 0), "closes": dt.time(20, 0)} for d in range(7)
            ],
        ),
        name="Interview room 1",
    )
    team = {}
    for code, name in [
        ("speech_language", "Wanjiru Mwangi"),
        ("health", "Ngozi Achebe"),
        ("education", "Lucia Castellano"),
        ("social_care", "Kwame Osei"),
    ]:
        practitioner = factories.make_practitioner(agency=code, name=name)
        working_pattern_create(
            practitioner=practitioner,
            weekdays=list(range(7)),
            start_time=dt.time(7, 0),
            end_time=dt.time(19, 30),
            valid_from=today - dt.timedelta(days=30),
        )
        team[code] = practitioner
    admin = factories.make_user(role=Role.YOT_ADMIN, first_name="Tola", last_name="Adeyemi")
    person = factories.make_young_person(given_name="Jayden", family_name="Marlowe")
    case = factories.make_case(young_person=person, order_start_date=today)
    return {"room": room, "team": team, "admin": admin, "case": case, "zone": zone}


def book_past_visit(yot) -> object:
    """A visit earlier on the last working day, recorded as it happened."""
    day = timezone.localdate() - dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=yot["zone"])
    person = factories.make_young_person(given_name="Keira", family_name="Ashdown")
    case = factories.make_case(young_person=person, order_start_date=day - dt.timedelta(days=1))
    sessions, t = [], start
    for code in ["speech_language", "health", "education", "social_care"]:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=yot["team"][code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    return visit_book(
        case=case,
        room=yot["room"],
        sessions=sessions,
        booked_by=yot["admin"],
        record_past=True,
        late_reason="Recorded after the event",
    )
