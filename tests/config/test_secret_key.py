"""Without DEBUG, serving needs SECRET_KEY; commands that sign nothing run without it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(  # a clean environment: no SECRET_KEY, DEBUG off by default
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_migration_check_runs_without_a_secret_key():
    done = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "No changes detected" in done.stdout


def test_the_web_entry_points_refuse_to_serve_without_a_secret_key():
    for module in ("config.wsgi", "config.asgi"):
        done = run("-c", f"import {module}")
        assert done.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off" in done.stderr


def test_check_deploy_flags_the_throwaway_key():
    done = run("manage.py", "check", "--deploy")
    assert "security.W009" in done.stderr + done.stdout
