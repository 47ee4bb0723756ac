"""The README's alert examples, posted exactly as documented, each make a triage message."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.alerts.helpers import ALERT_CHANNEL, TOKEN, post
from tests.e2e.helpers import wait_until
from tests.support.harness import RunningBot

README = Path(__file__).resolve().parents[2] / "README.md"
CURL = re.compile(r"curl -sS https://incidentbot\.example\.com(/alerts/\S+) \\\n(.*?)-d '(.*?)'\n", re.S)


def _examples() -> list[tuple[str, bool, str]]:
    section = README.read_text(encoding="utf-8").split("## Alerts", 1)[1].split("\n## ", 1)[0]
    return [(path, "Authorization: Bearer" in headers, body) for path, headers, body in CURL.findall(section)]


def test_the_readme_documents_a_curl_for_each_route() -> None:
    assert [path for path, _, _ in _examples()] == [
        "/alerts/alertmanager",
        "/alerts/grafana",
        "/alerts/events/v2/enqueue",
    ]


def test_each_readme_example_is_accepted_and_triaged(running: RunningBot) -> None:
    for path, bearer, body in _examples():
        document = json.loads(body.replace("<ALERT_INTAKE_TOKEN>", TOKEN))
        answer = post(running, path, document, token=TOKEN if bearer else None)
        assert answer.status == 202, (path, answer.body)
    titles = ("HighErrorRate", "DiskFull", "Checkout p99 above 2 s")
    wait_until(lambda: len(running.slack.messages(ALERT_CHANNEL)) == len(titles))
    shown = str([message["blocks"] for message in running.slack.messages(ALERT_CHANNEL)])
    assert all(title in shown for title in titles)
