"""The site as static files: the same pages from a plain file server, swapped in whole."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from incidentbot.clock import ManualClock
from incidentbot.status_page.export import write_site
from incidentbot.status_page.model import StatusPageConfig
from incidentbot.status_page.overview import build
from tests.e2e.helpers import declare, wait_until
from tests.status_page.helpers import API, open_customer_form, published, submit_customer, team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

CONFIG = """
[status_page]
title = "Acme status"

[[status_page.components]]
name = "API"

[[status_page.components]]
name = "Dashboard"
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A plain static file server over `tmp_path/site` (the link the export makes)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        body: bytes = answer.read()
        return body


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidentbot", "statuspage", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def publish_one(running: RunningBot) -> str:
    incident = declare(running)
    assert not submit_customer(
        running, open_customer_form(running, incident.channel_id), states={API: "major_outage"}
    ).body
    return str(published(running, incident.id).id)


def test_the_export_serves_the_same_site_from_a_plain_file_server(
    slack: FakeSlack, database_url: str, clock: ManualClock, tmp_path: Path, file_server: tuple[Path, str]
) -> None:
    root, base = file_server
    config = tmp_path / "team.toml"
    config.write_text(CONFIG, encoding="utf-8")
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        incident_id = publish_one(bot)
        served = json.loads(bot.client.get("/status/api/v2/summary.json").body)
        done = run_cli(
            "export",
            str(root / "status"),
            env={"DATABASE_URL": database_url, "INCIDENTBOT_CONFIG": str(config)},
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote 12 files to")
    exported = json.loads(fetch(f"{base}/status/api/v2/summary.json"))
    assert exported["incidents"] == served["incidents"] and exported["status"] == served["status"]
    assert exported["components"] == served["components"]
    index = fetch(f"{base}/status/").decode()
    assert "Major System Outage" in index and f'href="incidents/{incident_id}.html"' in index
    incident_page = fetch(f"{base}/status/incidents/{incident_id}.html").decode()
    assert "Checkout unavailable" in incident_page and 'href="../status.css"' in incident_page
    assert fetch(f"{base}/status/status.css").startswith(b"/*")
    assert b"<feed" in fetch(f"{base}/status/history.atom")


def test_the_bot_rewrites_the_copy_after_every_publication(
    slack: FakeSlack, database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    target = tmp_path / "public"
    with running_bot(slack, database_url, clock, team_with_page(), status_page_dir=str(target)) as bot:
        incident_id = publish_one(bot)
        summary = wait_until(
            lambda: target.exists() and json.loads((target / "api/v2/summary.json").read_text())
        )
        assert [i["id"] for i in summary["incidents"]] == [incident_id]
        assert (target / f"incidents/{incident_id}.html").is_file()
    copies = [p.name for p in tmp_path.iterdir() if p.name.startswith(".public.site-")]
    assert len(copies) == 1 and os.readlink(target) == copies[0], "the replaced copy is removed"


def test_a_reader_never_sees_half_a_site(tmp_path: Path) -> None:
    config = StatusPageConfig(components=team_with_page().status_page.components)
    page = build(config, [], ManualClock().now())
    target = tmp_path / "site"
    write_site(page, target)
    stop = threading.Event()
    problems: list[str] = []

    def read() -> None:
        while not stop.is_set():
            try:
                text = (target / "index.html").read_text()
                json.loads((target / "api/v2/summary.json").read_text())
            except (OSError, ValueError) as error:
                problems.append(repr(error))
                continue
            if not text.rstrip().endswith("</html>"):
                problems.append("partial index.html")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for _ in range(40):
        write_site(page, target)
    stop.set()
    for reader in readers:
        reader.join()
    assert problems == []


def test_a_directory_that_is_not_an_export_is_left_alone(tmp_path: Path, database_url: str) -> None:
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    config = tmp_path / "team.toml"
    config.write_text(CONFIG, encoding="utf-8")
    done = run_cli(
        "export", str(precious), env={"DATABASE_URL": database_url, "INCIDENTBOT_CONFIG": str(config)}
    )
    assert done.returncode == 1 and "is not a status page export; remove it or choose another" in done.stderr
    assert (precious / "keep.txt").read_text() == "mine"


def test_without_components_the_export_says_what_to_add(tmp_path: Path) -> None:
    done = run_cli("export", str(tmp_path / "x"), env={"INCIDENTBOT_CONFIG": str(tmp_path / "none.toml")})
    assert done.returncode == 2 and "does not exist" in done.stderr
    (tmp_path / "empty.toml").write_text('channel_prefix = "inc"\n')
    done = run_cli("export", str(tmp_path / "x"), env={"INCIDENTBOT_CONFIG": str(tmp_path / "empty.toml")})
    assert done.returncode == 2 and "lists no [[status_page.components]]" in done.stderr
