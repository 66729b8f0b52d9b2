"""scripts/serve, the production start: gunicorn serves the pages, and the static files
come from collectstatic with hashed names, compressed, cached for a year."""

import gzip
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "serve-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",  # plain http on the loopback address in this test
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "STATIC_FILES_HASHED": "true",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests; never in production
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"scripts/serve stopped:\n{log.read()[-3000:]}")
            try:
                get(f"{base}/sign-in/")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail("scripts/serve did not answer within 3 minutes")
                time.sleep(0.5)
        yield base, tmp_path / "static", tmp_path / "serve.log"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        log.close()


def test_serve_runs_gunicorn_with_hashed_compressed_static_files(served):
    base, static_root, _ = served
    status, headers, body = get(f"{base}/sign-in/")
    assert status == 200 and "gunicorn" in headers.get("Server", "")
    page = body.decode()
    css = re.search(r'href="(/assets/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the hashed GOV.UK Frontend stylesheet"
    assert (static_root / "staticfiles.json").exists()
    status, headers, body = get(base + css.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"]
    # The stylesheet's fonts were rewritten to hashed names too, and are served.
    font = re.search(r"/assets/fonts/[\w-]+\.[0-9a-f]{12}\.woff2", gzip.decompress(body).decode())
    assert font, "the stylesheet refers to a hashed font"
    assert (static_root / font.group(0).removeprefix("/assets/")).exists()
    assert get(base + font.group(0))[0] == 200


def test_serve_keeps_feed_tokens_out_of_the_access_log(served):
    base, _, log = served
    try:
        get(f"{base}/calendars/rooms/1.ics?token=serve-secret-feed-token")
    except urllib.error.HTTPError as error:
        assert error.code == 404  # no such room: the request line is what matters
    deadline = time.monotonic() + 10
    while "1.ics?token=" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text()
    assert "GET /calendars/rooms/1.ics?token=[redacted] HTTP/1.1" in text
    assert "serve-secret-feed-token" not in text
