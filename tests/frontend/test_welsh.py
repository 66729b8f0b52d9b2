"""The pages in Welsh: each role's pages, with the language cookie set to Welsh, show no
English from the catalogue; the switcher changes the language and keeps the page.

How English left behind is found: every English msgid of locale/cy (its literal parts,
between placeholders) that the Welsh translation changes and that is at least two words
long is looked for in each page's visible text (tags, scripts and styles removed, entities
decoded). A string rendered untranslated, because it is not marked or its Welsh is
missing, shows up as its msgid; data (names, references, the agencies' names) is not in
the catalogue, so it never counts. The pages are every navigation item of each role plus
the pages of the access table (tests/frontend/test_pages.py) that the role may open."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from accounts.models import Role
from tests import factories
from tests.config.test_translations import PO, read_po
from tests.frontend.test_pages import ACCESS, ROLES, browser_for, world  # noqa: F401

pytestmark = pytest.mark.django_db

WELSH = {"django_language": "cy"}
EXTRA = ["/", "/visits/", "/schedule/", "/schedule/day/", "/tasks/", "/reports/timeliness/",
         "/planner/", "/plan-actions/", "/oversight/", "/alerts/", "/audit-log/",
         "/login-changes/", "/retention/", "/bring-forward/", "/my/calendar/",
         "/account/"]  # fmt: skip
# Pages of one case, visit or session that the access table does not list.
EXTRA_OF_THE_WORLD = ["/cases/{case}/messages/", "/sessions/{session}/findings/"]
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


@pytest.fixture(autouse=True)
def english_again_afterwards():
    """LocaleMiddleware leaves the last request's language active in the thread: put English
    back, so later tests (the data map, audit wording) are not run in Welsh."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english_phrases() -> set[str]:
    phrases = set()
    for entry in read_po(PO):
        if entry["strs"] and entry["strs"][0] == entry["id"]:
            continue
        for part in _PLACEHOLDER.split(entry["id"]):
            part = " ".join(part.split()).strip(" .,:;()\u2013")
            if len(part.split()) >= 2 and len(part) >= 8:
                phrases.add(part)
    return phrases


def visible_text(page: str) -> str:
    """The page's text, without scripts and styles, and without the parts that say they are
    English (lang="en": an administrator's wording with no Welsh, WCAG 3.1.2)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def welsh_client(user) -> Client:
    client = browser_for(user)
    client.cookies.load(WELSH)
    return client


def english_left(text: str, phrases: set[str]) -> list[str]:
    return sorted(p for p in phrases if p in text)


def test_every_page_of_every_role_renders_in_welsh(world):  # noqa: F811
    phrases = english_phrases()
    found, walked = {}, []
    for index, role in enumerate(ROLES):
        user = world["users"][role]
        client = welsh_client(user)
        home = client.get("/", follow=True)
        nav = re.findall(r'class="govuk-service-navigation__link" href="(/[^"]*)"', home.text)
        paths = [
            path.format(
                person=world["case"].young_person_id,
                case=world["case"].pk,
                visit=world["visit"].pk,
                session=world["health_session"].pk,
                practitioner=world["team"]["health"].pk,
            )
            for path, expected in [*ACCESS, *((p, [200] * 5) for p in EXTRA_OF_THE_WORLD)]
            if expected[index] == 200
        ]
        for path in dict.fromkeys([*nav, *paths, *EXTRA]):
            if path.startswith("/admin/"):
                continue  # Django's admin has its own Welsh, from Django
            response = client.get(path)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            walked.append((role, path))
            assert '<html lang="cy"' in response.text, path
            left = english_left(visible_text(response.text), phrases)
            if left:
                found[f"{role} {path}"] = left
    assert len(walked) > 40
    extra = {path for _, path in walked if path.endswith(("/messages/", "/findings/"))}
    assert len(extra) == 2, extra  # the case's texts page and the session's findings form
    assert {role for role, path in walked if path == "/account/"} == set(ROLES)  # every role
    assert found == {}, f"English left on Welsh pages: {found}"


def test_the_sign_in_page_and_page_not_found_render_in_welsh(world):  # noqa: F811
    phrases = english_phrases()
    client = Client()
    client.cookies.load(WELSH)
    page = client.get("/sign-in/")
    assert "Mewngofnodi" in page.text
    assert english_left(visible_text(page.text), phrases) == []


def test_the_switcher_changes_the_language_and_keeps_the_page(world):  # noqa: F811
    client = browser_for(world["users"][Role.YOT_ADMIN])
    page = client.get("/cases/")
    assert '<html lang="en-GB"' in page.text
    assert 'name="next" value="/cases/"' in page.text
    assert 'name="language" value="cy"' in page.text and "Cymraeg" in page.text
    switched = client.post("/i18n/setlang/", {"language": "cy", "next": "/cases/"})
    assert switched.status_code == 302 and switched["Location"] == "/cases/"
    assert switched.cookies["django_language"].value == "cy"
    welsh = client.get("/cases/")
    assert '<html lang="cy"' in welsh.text
    assert "Allgofnodi" in welsh.text and "Sign out" not in welsh.text
    assert 'name="language" value="en-gb"' in welsh.text
    back = client.post("/i18n/setlang/", {"language": "en-gb", "next": "/cases/"})
    assert back["Location"] == "/cases/"
    assert "Sign out" in client.get("/cases/").text


def test_the_chosen_language_outlasts_signing_out_and_in(world):  # noqa: F811
    user = world["users"][Role.CASE_MANAGER]
    client = browser_for(user)
    client.post("/i18n/setlang/", {"language": "cy", "next": "/"})
    client.post("/sign-out/")
    client.force_login(user)
    assert '<html lang="cy"' in client.get("/cases/").text


def test_govuk_components_carry_their_welsh_labels(world):  # noqa: F811
    page = welsh_client(world["users"][Role.YOT_ADMIN]).get("/cases/").text
    assert "Neidio i'r prif gynnwys" in html.unescape(page)  # skip link
    assert 'aria-label="Gwybodaeth am y gwasanaeth"' in page  # service navigation
    assert "Dewislen" in page  # header menu toggle
    assert "Dolenni cymorth" in page  # footer
    errors = welsh_client(world["users"][Role.YOT_ADMIN]).post("/young-people/new/", {})
    assert "Mae problem" in errors.text  # error summary title


def test_the_api_answers_in_english_whatever_the_caller_asks():
    client = Client(HTTP_ACCEPT_LANGUAGE="cy")
    client.cookies.load(WELSH)
    assert client.get("/api/v1/cases/")["Content-Language"] == "en-gb"
    assert client.get("/sign-in/")["Content-Language"] == "cy"


def test_a_service_error_is_welsh_on_a_page_and_english_in_the_api(world):  # noqa: F811
    """The same refusal from the service (a landline for texts, screening/phone.py): in
    Welsh on the page of a visitor who chose Cymraeg, in English from the API asked in
    Welsh (EnglishApiMiddleware)."""
    admin = world["users"][Role.YOT_ADMIN]
    person = {"given_name": "Amara", "family_name": "Quill", "mobile": "020 7946 0000"}
    page = welsh_client(admin).post(
        "/young-people/new/",
        {**person, "date_of_birth_0": "3", "date_of_birth_1": "4", "date_of_birth_2": "2011",
         "language": "en"},
    )  # fmt: skip
    text = html.unescape(page.text)
    assert "llinell dir yw hon ac ni all dderbyn negeseuon testun" in text
    assert "this is a landline" not in text
    api = Client(HTTP_ACCEPT_LANGUAGE="cy")
    api.cookies.load(WELSH)
    api.force_login(admin)
    answer = api.post(
        "/api/v1/young-people/",
        {**person, "date_of_birth": "2011-04-03"},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert answer["Content-Language"] == "en-gb"
    (message,) = answer.json()["errors"]["mobile"]
    assert message.endswith("this is a landline and cannot receive texts")
    assert "llinell dir" not in answer.text


def test_a_slot_taken_meanwhile_is_said_in_welsh_on_the_booking_page(world):  # noqa: F811
    """The refusal names what was taken in the page's language (the API's answer for the
    same refusal stays English: tests/frontend/test_welsh_words.py)."""
    client = welsh_client(world["users"][Role.YOT_ADMIN])
    case = factories.make_case(order_start_date=timezone.localdate())
    rival = factories.make_case(order_start_date=timezone.localdate())
    option = client.get(f"/cases/{case.pk}/book/").context["options"][0]
    assert client.post(f"/cases/{rival.pk}/book/", {"option": option.token}).status_code == 302
    response = client.post(f"/cases/{case.pk}/book/", {"option": option.token})
    assert response.status_code == 409
    text = visible_text(response.text)
    assert "gan rywun arall yn y cyfamser" in text
    assert "meanwhile" not in text and " at " not in text
    assert english_left(text, english_phrases()) == []


def test_admin_tasks_opened_by_the_service_read_in_welsh_on_the_work_tray(world):  # noqa: F811
    """A task's text is stored in English (the API's words); the work tray words it again in
    Welsh from its stored wording (screening/worktray/words.py). A task stored before there
    was a wording shows its text."""
    from screening.messaging.replies import inbound_record
    from screening.models import AdminTask
    from screening.worktray.services import admin_task_create
    from screening.worktray.words import moment, said

    inbound_record(provider_id="SM-welsh-1", from_number="+447700900123", body="hello there")
    task = AdminTask.objects.get(inbound__provider_id="SM-welsh-1")
    assert task.text.endswith("replied: 'hello there'")
    # Wednesday 24 February 2027, 10:00 UTC = 10:00 GMT.
    admin_task_create(
        kind=AdminTask.Kind.CALL_REQUESTED,
        wording=said(
            "The young person asked, through the text's link, for a call about the visit on "
            "%(when)s. Phone them.",
            when=moment(dt.datetime(2027, 2, 24, 10, tzinfo=dt.UTC), "day_at_time"),
        ),
    )
    called = AdminTask.objects.get(kind=AdminTask.Kind.CALL_REQUESTED)
    assert called.text.endswith("the visit on Wednesday 24 February at 10:00. Phone them.")
    AdminTask.objects.create(kind=AdminTask.Kind.REPLY, text="Stored before wordings existed")
    page = welsh_client(world["users"][Role.YOT_ADMIN]).get("/tasks/")
    text = visible_text(page.text)
    assert "replied: 'hello there'" not in text and "replied:" not in text
    assert "Atebodd" in text and "'hello there'" in text  # the reply's words kept as written
    assert "am yr ymweliad ar Dydd Mercher 24 Chwefror am 10:00. Ffoniwch nhw." in text
    assert "Ateb i'w ddarllen" in text  # the kind's label
    assert "Stored before wordings existed" in text
    assert english_left(text, english_phrases()) == []


def test_a_task_wording_that_no_longer_fits_shows_the_stored_text():
    from screening.models import AdminTask
    from screening.worktray.words import task_words

    task = AdminTask(text="As stored", wording={"msgid": "%(who)s replied: %(reply)s", "parts": {}})
    with translation.override("cy"):
        assert task_words(task) == "As stored"


def test_the_idle_warning_countdown_words_come_from_the_page_in_welsh(world):  # noqa: F811
    """idle-warning.js writes its countdown from the dialog's data-say-* words (its English
    is only a fallback); on a Welsh page those are Welsh."""
    page = welsh_client(world["users"][Role.CASE_MANAGER]).get("/cases/").text
    dialog = re.search(r'<dialog id="app-idle-warning".*?>', page, flags=re.S)[0]
    assert 'data-say-minutes="{n} munud"' in dialog
    assert 'data-say-second="1 eiliad"' in html.unescape(dialog)
    assert 'data-say-less="llai na munud"' in dialog
    values = " ".join(re.findall(r'data-say-[a-z]+="([^"]*)"', dialog))
    assert "minute" not in values and "second" not in values and "signed out" not in values


def test_findings_questions_are_welsh_when_given_and_say_they_are_english_otherwise():
    """A findings form's questions are data an administrator writes: a question (or choice)
    with a Welsh wording (`label_cy`, `hint_cy`) shows it on a Welsh page; one without
    shows its English marked lang="en" (WCAG 3.1.2); the service's words round the answer
    (the hint's "A number from 0 to 60.") are Welsh."""
    from agencies.models import FindingsForm

    _, sessions = factories.make_screened_case()
    session = sessions["education"]
    form = FindingsForm.objects.filter(agency=session.agency).order_by("-version").first()
    questions = [dict(q) for q in form.questions]
    first = next(q for q in questions if q["type"] == "choice")
    first["label_cy"] = "Pa ddarpariaeth addysg sydd ganddo?"
    first["choices"] = [
        {**choice, "label_cy": f"Dewis {n}"} if n == 0 else choice
        for n, choice in enumerate(first["choices"])
    ]
    FindingsForm.objects.filter(pk=form.pk).update(questions=questions)
    client = Client()
    client.force_login(session.practitioner.user)
    client.cookies.load(WELSH)
    page = client.get(f"/sessions/{session.pk}/findings/").text
    assert "Pa ddarpariaeth addysg sydd ganddo?" in page
    assert f'lang="en">{html.escape(first["label"])}</legend>' not in page
    assert "Dewis 0" in page
    english = next(q for q in questions if q["type"] == "number")
    assert f'lang="en">{html.escape(english["label"])}</label>' in page
    assert f'<span lang="en">{html.escape(first["choices"][1]["label"])}</span>' in page
    assert "Rhif o 0 i 60." in page and "A number from" not in page
    assert "Yn ofynnol pan mai'r ateb i" in html.unescape(page)
    text = visible_text(page)
    assert english_left(text, english_phrases()) == []


def test_a_text_s_body_carries_its_own_language_on_the_case_s_texts_page(world):  # noqa: F811
    from screening.models import Message

    case = world["visit"].case
    Message.objects.create(
        young_person=case.young_person,
        visit=world["visit"],
        visit_version=world["visit"].version,
        purpose="reminder",
        to="+447700900123",
        body="Nodyn atgoffa: eich ymweliad yfory.",
        language="cy",
        send_at=timezone.now(),
        next_attempt_at=timezone.now(),
        last_error="provider error 30003",
    )
    page = welsh_client(world["users"][Role.YOT_ADMIN]).get(f"/cases/{case.pk}/messages/")
    assert page.status_code == 200
    assert 'lang="cy">Nodyn atgoffa: eich ymweliad yfory.</td>' in page.text
    assert 'lang="en">provider error 30003</span>' in page.text


def test_a_findings_form_s_title_is_welsh_when_given_and_said_to_be_english_otherwise():
    """The default forms carry a Welsh title (agencies 0006, title_cy); a form published
    without one shows its English title marked lang="en"."""
    from agencies.models import FindingsForm
    from screening.assessment.findings import form_publish

    _, sessions = factories.make_screened_case()
    session = sessions["health"]
    client = Client()
    client.force_login(session.practitioner.user)
    client.cookies.load(WELSH)
    page = client.get(f"/sessions/{session.pk}/findings/").text
    assert "Sgrinio iechyd" in page and "Health screening" not in page
    current = FindingsForm.objects.filter(agency=session.agency).order_by("-version").first()
    form_publish(agency=session.agency, title="Health check", questions=current.questions)
    page = client.get(f"/sessions/{session.pk}/findings/").text
    assert '<span lang="en">Health check</span>' in page


def test_the_account_page_in_welsh_names_each_language_in_its_own(world):  # noqa: F811
    page = welsh_client(world["users"][Role.PRACTITIONER]).get("/account/")
    text = visible_text(page.text)
    assert "Eich cyfrif" in text and "Cadw'r iaith" in text
    assert '<span lang="en">English</span>' in page.text
    assert '<span lang="cy">Cymraeg</span>' in page.text
    assert english_left(text, english_phrases()) == []


def test_a_draft_s_default_section_titles_read_in_welsh(world):  # noqa: F811
    """A draft's sections keep their English title (stored), and its missing agencies
    their English reason; the draft page words both in Welsh
    (screening/assessment/draft_words.py)."""
    case, sessions = factories.make_screened_case()
    factories.submit_findings(sessions["health"])
    client = welsh_client(case.case_manager)
    page = client.get(f"/cases/{case.pk}/assessment-draft/")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Anghenion cyfathrebu" in text and "Ffordd o fyw" in text
    assert "Communication needs" not in text and "Lifestyle" not in text
    # The agencies still missing, their reasons worded again from the English.
    assert "Not yet submitted" not in text and "Overdue:" not in text
    assert "Heb ei gyflwyno eto" in text or "Yn hwyr: roedd y canfyddiadau" in text


def test_form_words_built_in_code_are_welsh_too(world):  # noqa: F811
    """Words the forms compose (a date field's errors naming it, the filters' "any"
    choice, the names' errors) are Welsh on a Welsh page, English otherwise."""
    admin = world["users"][Role.YOT_ADMIN]
    cases = welsh_client(admin).get("/cases/").text
    assert "Unrhyw statws" in cases and "Unrhyw asiantaeth" in cases
    assert "Any status" not in cases
    errors = html.unescape(welsh_client(admin).post("/young-people/new/", {}).text)
    assert "Rhowch y dyddiad geni" in errors and "Rhowch enw cyntaf y person ifanc" in errors
    assert "Enter the date of birth" not in errors
    english = browser_for(admin).post("/young-people/new/", {}).text
    assert "Enter the date of birth" in english
    assert "Enter the young person&#x27;s first name" in english
