"""gunicorn's logger with secret query values redacted from the access and error logs
(`scripts/serve` passes `--logger-class config.gunicorn_logging.RedactingLogger`)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from config.logs import REDACT_SECRETS


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # On the loggers themselves, so the filter outlives handlers a reload replaces.
        for log in (self.access_log, self.error_log):
            log.addFilter(REDACT_SECRETS)
