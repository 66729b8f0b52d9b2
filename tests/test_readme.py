"""The README is the operator's manual: it lists every setting the code reads from the
environment, and every page or endpoint it names exists."""

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SETTINGS = (ROOT / "config" / "settings.py").read_text()


def settings_read() -> set[str]:
    """The environment variables config/settings.py reads (env_str, env_int, env_bool,
    env_list, os.environ)."""
    names = re.findall(r"env_[a-z]+\(\s*\"([A-Z][A-Z0-9_]+)\"", SETTINGS)
    names += re.findall(r"os\.environ(?:\.get)?[(\[]\s*\"([A-Z][A-Z0-9_]+)\"", SETTINGS)
    return set(names)


def test_the_settings_are_found_at_all():
    assert {"SECRET_KEY", "MINIMUM_NOTICE_MINUTES", "SECURE_HSTS_PRELOAD"} <= settings_read()


@pytest.mark.parametrize("name", sorted(settings_read()))
def test_the_readme_lists_every_setting_the_code_reads(name):
    assert f"`{name}`" in README, f"README's Configuration table does not list {name}"


PATHS = sorted(set(re.findall(r"`(/[^`\s]*)`", README)))


def test_the_readme_names_pages():
    assert "/cases/{id}/assessment-draft/" in PATHS


@pytest.mark.parametrize("path", PATHS)
def test_every_page_the_readme_names_exists(path):
    concrete = re.sub(r"\{[a-z_]+\}", "1", path).split("?")[0]
    try:
        resolve(concrete)
    except Resolver404:
        pytest.fail(f"README names {path}, which is no page or endpoint")
