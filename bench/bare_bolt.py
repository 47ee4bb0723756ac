"""The baseline: a Bolt app that only acknowledges, served exactly like incidentbot's HTTP mode.

    python -m bench.bare_bolt [--process-before-response]

By default Bolt runs each listener on its own pool and waits for `ack()` there; with the flag it
runs the listener on the request thread, as incidentbot does.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress.server import create_server

from incidentbot.server import SERVER_THREADS


def build(process_before_response: bool = False) -> App:
    app = App(
        client=WebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=process_before_response,
    )

    def just_ack(ack: Ack, **_: Any) -> None:
        ack()

    acknowledge_everything(app, just_ack)
    return app


def acknowledge_everything(app: Any, just_ack: Callable[..., Any]) -> None:
    """Route every kind of request the benchmark sends to `just_ack` (sync or async Bolt)."""
    app.command("/incident")(just_ack)
    app.action(re.compile(".*"))(just_ack)
    app.view(re.compile(".*"))(just_ack)
    app.event("reaction_added")(just_ack)
    app.event("app_home_opened")(just_ack)


def main() -> None:
    handler = SlackRequestHandler(build("--process-before-response" in sys.argv[1:]))
    server = create_server(handler, host="127.0.0.1", port=int(os.environ["PORT"]), threads=SERVER_THREADS)
    server.run()


if __name__ == "__main__":
    main()
