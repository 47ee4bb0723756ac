"""In Socket Mode a small server on PORT serves the status page and /healthz."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.support.fake_slack import FakeSlack
from tests.test_main import ROOT, _free_port
from tests.test_main_slack import _http_env, _wait_for

CONFIG = '[status_page]\ntitle = "Acme status"\n\n[[status_page.components]]\nname = "API"\n'


def _page(port: int) -> bytes | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status/", timeout=1) as answer:
            body: bytes = answer.read()
            return body
    except OSError:
        return None


def test_socket_mode_serves_the_page_on_port(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text(CONFIG, encoding="utf-8")
    port = _free_port()
    with FakeSlack() as slack:
        env = _http_env(
            slack.url, tmp_path, port, SLACK_APP_TOKEN="xapp-test", INCIDENTBOT_CONFIG=str(config)
        )
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        log = tmp_path / "stderr.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env={**clean, **env}, stderr=stderr
            )
        try:
            _wait_for(lambda: _page(port) is not None, process, "the status page in Socket Mode")
            page = _page(port) or b""
            assert b"All Systems Operational" in page and b"Acme status" in page
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    logged = log.read_text()
    assert "serving on port" in logged and "GET /status/" in logged
