"""Secret query values (calendar feed tokens) never reach a log: gunicorn's access log and
Django's request logging write them as [redacted]."""

from __future__ import annotations

import datetime as dt
import io
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from config.gunicorn_logging import RedactingLogger

FEED = "/calendars/rooms/7.ics?token=feed-secret-4f9a&x=1"


def test_gunicorn_access_log_redacts_the_feed_token(capfd):
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set(
        "access_log_format",
        '%(h)s "%(r)s" %(s)s q=%(q)s referer=%(f)s',
    )
    logger = RedactingLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": FEED,
        "PATH_INFO": "/calendars/rooms/7.ics",
        "QUERY_STRING": "token=feed-secret-4f9a&x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://yot.example.org" + FEED,
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, dt.timedelta(seconds=1))
    out = capfd.readouterr().out
    assert "GET /calendars/rooms/7.ics?token=[redacted]&x=1 HTTP/1.1" in out
    assert "q=token=[redacted]&x=1" in out
    assert "feed-secret-4f9a" not in out


def test_django_request_lines_are_redacted():
    # The handlers settings.LOGGING configures (pytest adds capturing handlers of its own).
    handlers = [
        h
        for h in logging.getLogger().handlers + logging.getLogger("django.server").handlers
        if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
    ]
    assert len(handlers) == 2
    written = io.StringIO()
    streams = [(h, h.setStream(written)) for h in handlers]
    try:
        # runserver logs each request line to django.server; errors go to django.request.
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {FEED} HTTP/1.1", "200", "1")
        logging.getLogger("django.request").warning("Not Found: %s", FEED)
        logging.getLogger("screening").warning(f"fetched {FEED}")
    finally:
        for handler, stream in streams:
            handler.setStream(stream)
    assert written.getvalue().count("token=[redacted]&x=1") == 3
    assert "feed-secret-4f9a" not in written.getvalue()
