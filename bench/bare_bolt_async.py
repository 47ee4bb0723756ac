"""A second baseline: an async Bolt app (AsyncApp on aiohttp) that only acknowledges.

Used by bench/serving_floor.py to compare Bolt's two serving models with nothing else running.
"""

from __future__ import annotations

import os
from typing import Any

from aiohttp import web
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.bare_bolt import acknowledge_everything

LISTEN_BACKLOG = 1024
"""waitress's default; aiohttp's own (128) drops connections from a 300-request burst."""


def build() -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )

    async def just_ack(ack: AsyncAck, **_: Any) -> None:
        await ack()

    acknowledge_everything(app, just_ack)
    return app


def main() -> None:
    server = AsyncSlackAppServer(port=int(os.environ["PORT"]), path="/slack/events", app=build())
    web.run_app(
        server.web_app, host="127.0.0.1", port=int(os.environ["PORT"]), backlog=LISTEN_BACKLOG, print=None
    )


if __name__ == "__main__":
    main()
