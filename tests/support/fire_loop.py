"""A bot process that only fires reminders: `python -m tests.support.fire_loop --database-url … …`.

It builds the bot's services exactly as `app.py` does (same database, same Slack Web API URL,
the system clock), prints `ready`, then calls `fire_due` in a loop until SIGTERM, and finally
prints what it delivered as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from types import FrameType

from incidentbot.config import Settings, TeamConfig
from incidentbot.kernel.reminders import FireReport, fire_due
from incidentbot.wiring import build_bot


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slack-url", required=True)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between rounds that found nothing")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    settings = Settings(
        slack_bot_token="xoxb-fire-loop",
        slack_signing_secret="unused",
        slack_api_url=args.slack_url,
        database_url=args.database_url,
    )
    bot = build_bot(settings, TeamConfig())
    print("ready", flush=True)
    total = FireReport()
    try:
        while not stop.is_set():
            report = fire_due(bot.services, args.worker, parallel=args.parallel)
            total.add(report)
            if not (report.delivered or report.cancelled or report.retried or report.lost):
                time.sleep(args.pause)
    finally:
        bot.close()
    print(json.dumps({"worker": args.worker, **total.__dict__}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
