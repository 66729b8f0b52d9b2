"""Content-Security-Policy: every response forbids inline scripts and styles; the few inline
scripts the pages need carry the response's nonce, and no template has an inline style, a
style attribute or a javascript: address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / app / "templates" for app in ("frontend", "api")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def test_no_template_has_inline_styles_or_scripts_without_the_nonce():
    problems = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            name = path.relative_to(settings.BASE_DIR)
            if re.search(r"<style\b", text, re.IGNORECASE):
                problems.append(f"{name}: <style> element")
            if re.search(r"\sstyle\s*=", text, re.IGNORECASE):
                problems.append(f"{name}: style attribute")
            if re.search(r"javascript:", text, re.IGNORECASE):
                problems.append(f"{name}: javascript: address")
            if re.search(r"\son[a-z]+\s*=", text):
                problems.append(f"{name}: inline event handler")
            for attributes in INLINE_SCRIPT.findall(text):
                if 'nonce="{{ request.csp_nonce }}"' not in attributes:
                    problems.append(f"{name}: inline <script{attributes}> without the nonce")
    assert problems == []


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/sign-in/", None),
        ("/dashboard/", Role.YOT_ADMIN),
        ("/cases/", Role.CASE_MANAGER),
        ("/audit-log/", Role.YOT_MANAGER),
        ("/reports/timeliness/", Role.YOT_MANAGER),
        ("/api/v1/docs/", Role.PRACTITIONER),
        ("/admin/", Role.SYSTEM_ADMIN),
    ],
)
def test_pages_forbid_inline_scripts_and_styles_and_nonce_their_own(path, role):
    client = Client()
    if role is not None:
        client.force_login(factories.make_user(role=role))
    response = client.get(path)
    assert response.status_code == 200
    rules = policy(response)
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]+)'", rules["script-src"])
    assert nonce, rules["script-src"]
    assert rules["style-src"] == "'self'"
    assert rules["default-src"] == "'self'" and rules["object-src"] == "'none'"
    assert rules["frame-ancestors"] == "'none'" and rules["base-uri"] == "'none'"
    page = response.content.decode()
    for attributes in INLINE_SCRIPT.findall(page):
        assert f'nonce="{nonce.group(1)}"' in attributes
    assert not re.search(r"\sstyle\s*=|<style\b", page)


def test_each_response_has_a_new_nonce_and_the_api_allows_nothing_inline(api_client):
    first, second = Client().get("/sign-in/"), Client().get("/sign-in/")
    assert policy(first)["script-src"] != policy(second)["script-src"]
    answer = api_client.get("/api/v1/agencies/")
    assert "'unsafe-inline'" not in answer["Content-Security-Policy"]
