"""SMS_SENDER_LIMITS: per-sender pace and requests in flight, read from the environment;
a malformed entry stops the start with an error naming it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(**env: str) -> subprocess.CompletedProcess:
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({k: list(v) for k, v in s.SMS_SENDER_LIMITS.items()}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sender_limits_are_read_per_sender():
    done = run_settings(SMS_SENDER_LIMITS="+447400999111=7.5/4, MG0123456789=25/8")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {"+447400999111": [7.5, 4], "MG0123456789": [25.0, 8]}


def test_a_malformed_sender_limit_is_named():
    done = run_settings(SMS_SENDER_LIMITS="+447400999111=fast")
    assert done.returncode != 0
    assert "not '+447400999111=fast'" in done.stderr
    done = run_settings(SMS_SENDER_LIMITS="+447400999111=30/0")  # nothing would ever go
    assert done.returncode != 0 and "not '+447400999111=30/0'" in done.stderr
