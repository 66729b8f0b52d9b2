"""scripts/run-demo: `--port N` serves the demo there, with PUBLIC_BASE_URL following the
port (the printed sign-in address, the calendar feed links and webhook addresses), and a
bad option is refused before anything is installed or started."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "run-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port"], "--port needs a port number"),
        (["--port", "eighty"], "not 'eighty'"),
        (["--port=70000"], "not '70000'"),
        (["--colour"], "Unknown option: --colour"),
    ],
)
def test_run_demo_refuses_a_bad_option_before_starting_anything(tmp_path, args, message):
    database = tmp_path / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [str(SCRIPT), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert not database.exists()  # nothing migrated, seeded or served


@pytest.mark.slow
def test_run_demo_serves_on_the_port_given_and_public_base_url_follows(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    for name in ("PUBLIC_BASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SQLITE_TEST_NAME"):
        env.pop(name, None)
    log = (tmp_path / "run-demo.log").open("w+")
    process = subprocess.Popen(
        [str(SCRIPT), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 300, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/sign-in/"
                with urllib.request.urlopen(url, timeout=5) as response:
                    status = response.status
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(1)
        log.seek(0)
        output = log.read()
        assert status == 200, output[-3000:]
        assert f"Sign in at http://127.0.0.1:{port}/sign-in/" in output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # never leave the site or its worker behind
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
