"""Texts carrying the reply link stay within two parts, English and Welsh, at the longest
values they may meet; the token goes in only as a text is sent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from screening.integrations.sms.fake import FakeGateway
from screening.messaging.dispatch import messages_dispatch_due
from screening.messaging.reply_links import token_for
from screening.messaging.text import (
    MASK,
    check_template,
    fit_parts,
    local_date_words,
    local_time_words,
    sms_length,
)
from screening.models import Message, MessageTemplate
from screening.wording import PLACE_LIMIT
from tests.messaging import LONDON, book, make_team, texting_person

pytestmark = pytest.mark.django_db

WITH_LINK = ["confirmation", "rescheduled", "day_before", "morning"]
WELSH_LETTERS = "ŵŷâêîôûŴŶÂÊÎÔÛäëïöüáéíóú"
# A realistic public address of 41 characters (longer than most councils' own).
BASE = "https://appointments.example-trust.gov.uk"


def _wordings():
    rows = MessageTemplate.objects.filter(purpose__in=WITH_LINK).order_by("pk")
    intros = {
        (t.language, t.easy_read): t.body
        for t in MessageTemplate.objects.filter(purpose="introduction")
    }
    return [(t, intros[(t.language, t.easy_read)]) for t in rows]


def test_every_default_text_with_a_link_carries_it():
    wordings = _wordings()
    assert {(t.language, t.easy_read) for t, _ in wordings} == {
        ("en", False),
        ("en", True),
        ("cy", False),
        ("cy", True),
    }
    assert len(wordings) == 16
    assert all("{link}" in t.body for t, _ in wordings)


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    service=st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20
    ),
    place=st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ,'-"
        + WELSH_LETTERS,
        min_size=1,
        max_size=PLACE_LIMIT,
    ),
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31)),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    name=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-'ëï", max_size=20),
)
def test_texts_with_the_link_fit_two_parts_at_the_longest_values(service, place, day, minute, name):
    """Whatever the service name (up to 20 characters, README), the place (up to
    PLACE_LIMIT, Welsh accents included), the date, the time and a first name (no default
    wording names the young person; one an administrator writes may)."""
    start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=LONDON)
    link = f"{BASE}/r/{MASK}"
    for template, intro in _wordings():
        values = {
            "service": service,
            "first_name": name,
            "date": local_date_words(start, template.language),
            "time": local_time_words(start, template.language),
            "place": place,
            "link": link,
        }
        for body in (template.body, f"{intro} {template.body}"):
            text = fit_parts(body.format(**values))
            length = sms_length(text)
            assert length.segments <= 2, (template.purpose, template.language, length, text)


def test_welsh_accents_are_kept_when_they_fit_and_written_plain_only_when_they_do_not():
    short = "Apwyntiad yn Nhŷ Gwyn."
    assert fit_parts(short) == short  # one UCS-2 part
    long = "Apwyntiad yn Nhŷ Gwyn, Heol y Dŵr. " + "x" * 150
    assert sms_length(long).segments > 2
    assert fit_parts(long).startswith("Apwyntiad yn Nhy Gwyn, Heol y Dwr.")
    assert sms_length(fit_parts(long)).encoding == "GSM-7"


def test_a_template_with_the_link_too_long_for_two_parts_is_refused(settings):
    settings.REPLY_LINK_BASE_URL = BASE
    body = (
        "{service}: your appointment is on {date} at {time} at {place}. "
        + "Please " * 30
        + "{link}"
    )
    with pytest.raises(ValidationError) as caught:
        check_template(purpose="confirmation", body=body)
    assert "must fit 2" in " ".join(caught.value.message_dict["body"])
    check_template(purpose="confirmation", body="{date} {time} {place} {link}")


def test_the_stored_text_masks_the_token_and_the_sent_one_carries_it(monkeypatch):
    from tests.messaging import freeze

    freeze(monkeypatch)
    FakeGateway.reset()
    visit = book(make_team(), person=texting_person())
    stored = Message.objects.get(visit=visit, purpose="confirmation")
    assert MASK in stored.body and stored.reply_link is not None
    messages_dispatch_due(gateway=FakeGateway())
    sent = next(t.body for t in FakeGateway.outbox if t.to == stored.to)
    token = token_for(stored.reply_link)
    assert sent == stored.body.replace(MASK, token)
    assert sms_length(sent) == sms_length(stored.body)
    assert re.search(rf"/r/{re.escape(token)}$", sent)
    # The reminders carry the same link: one per visit version and number.
    reminders = Message.objects.filter(visit=visit, purpose__in=["day_before", "morning"])
    assert reminders and {m.reply_link_id for m in reminders} == {stored.reply_link_id}
    FakeGateway.reset()


def test_a_token_made_under_a_retired_key_is_still_reproduced(monkeypatch, settings):
    from tests.messaging import freeze

    freeze(monkeypatch)
    visit = book(make_team(), person=texting_person())
    link = Message.objects.get(visit=visit, purpose="confirmation").reply_link
    token = token_for(link)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert token_for(link) == token
    settings.SECRET_KEY_FALLBACKS = []
    assert token_for(link) is None


def test_an_address_for_links_that_reveals_too_much_fails_the_start_up_check(settings):
    from screening.checks import reply_link_address_is_neutral

    settings.REPLY_LINK_BASE_URL = "https://yot-screening.example.gov.uk"
    errors = reply_link_address_is_neutral()
    assert [e.id for e in errors] == ["screening.E001"]
    assert "yot" in errors[0].msg and "screening" in errors[0].msg
    settings.REPLY_LINK_BASE_URL = "https://appointments.example.gov.uk"
    assert reply_link_address_is_neutral() == []


def test_a_token_that_would_spell_a_forbidden_word_is_never_used(monkeypatch):
    """A random token goes into the text, so one reading as "yot" or "court" is drawn again."""
    from screening.messaging import reply_links

    tokens = iter(["abcdefghij-yot-1234567", "abcdefgh_c0urt_1234567", "abcdefghijklmnopqrstuv"])
    monkeypatch.setattr(reply_links, "_token", lambda nonce, key: next(tokens))
    _, hashed = reply_links._new_nonce()
    assert hashed == reply_links.token_hash("abcdefghijklmnopqrstuv")
