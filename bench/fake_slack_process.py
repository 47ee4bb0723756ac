"""Serve the fake Slack Web API until stdin closes; answer `counts` with JSON call counts."""

from __future__ import annotations

import json
import sys
from collections import Counter

from tests.support.fake_slack import FakeSlack


def main() -> None:
    with FakeSlack() as slack:
        print(slack.url, flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "counts":
                counts = Counter(call.method for call in slack.calls if call.ok)
                print(json.dumps(counts), flush=True)
            elif command.startswith("fail_ratio "):
                _, method, ratio = command.split()
                slack.fail_ratio(method, float(ratio), status=429, retry_after=0)
                print("ok", flush=True)
            elif command.startswith("outage "):
                slack.outage(float(command.split()[1]))
                print("ok", flush=True)
            elif command == "clear_faults":
                slack.clear_faults()
                print("ok", flush=True)


if __name__ == "__main__":
    main()
