"""Secrets never reach a log: the values of query parameters that carry one (calendar feed
tokens, keys, codes) are replaced before any record is written, in Django's own logging and
in gunicorn's access log (config/gunicorn_logging.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping

SECRET_PARAMETERS = ("token", "access_token", "key", "secret", "code", "otp", "password")
REDACTED = "[redacted]"
_SECRET_VALUE = re.compile(
    r"(?i)(^|[?&;\s])((?:%s)=)[^&;\s\"']*" % "|".join(SECRET_PARAMETERS)  # noqa: UP031
)


def redact(text: str) -> str:
    """The text with every secret query value replaced: `feed.ics?token=abc` reads
    `feed.ics?token=[redacted]`."""
    return _SECRET_VALUE.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)


def _redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Rewrite a record's message and arguments (a tuple, or the mapping gunicorn's access
    log formats from) so no secret query value is written; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args = record.args
        if isinstance(args, MutableMapping):
            # gunicorn passes its own dict subclass (missing atoms read "-"): edit in place.
            for name, value in list(args.items()):
                args[name] = _redacted(value)
        elif isinstance(args, tuple):
            record.args = tuple(_redacted(value) for value in args)
        return True


REDACT_SECRETS = RedactSecrets()
