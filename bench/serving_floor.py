"""The floor of each serving model: bare Bolt apps that only acknowledge, threads against asyncio.

    .venv/bin/python -m bench.serving_floor [--rounds 12]

The same mixed burst as bench/ack_latency.py goes to the threaded bare app (waitress, exactly as
incidentbot is served) and to an async one (AsyncApp on aiohttp), alternating which goes first.
One warm-up burst each is not counted. Reports the medians of p50/p99 and of the CPU each
server process used per burst.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.ack_latency import SECRET, burst, request_mix, start_server
from bench.support import FakeSlackProcess, cpu_seconds, slack_env, summary
from tests.support.processes import free_port

SERVERS = {"threads (waitress)": "bench.bare_bolt", "asyncio (aiohttp)": "bench.bare_bolt_async"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="floor-bench-"))
    slack = FakeSlackProcess()
    env = slack_env(slack.url, SECRET)
    servers = []
    for name, module in SERVERS.items():
        port = free_port()
        log = workdir / f"{module}.log"
        servers.append((name, start_server(["-m", module], {**env, "PORT": str(port)}, port, log), port))
    results: dict[str, dict[str, list[float]]] = {name: {"p50": [], "p99": [], "cpu": []} for name in SERVERS}
    errors = dict.fromkeys(SERVERS, 0)
    try:
        for round_no in range(-1, args.rounds):
            for name, process, port in servers if round_no % 2 == 0 else servers[::-1]:
                time.sleep(0.3)
                before = cpu_seconds(process.pid)
                answers = asyncio.run(burst(port, request_mix(300, "C0BENCH", 1, round_no + 1)))
                used = cpu_seconds(process.pid) - before
                if round_no < 0:
                    continue  # warm-up: first requests import and build what later ones reuse
                stats = summary([a.seconds for a in answers])
                results[name]["p50"].append(stats["p50_ms"])
                results[name]["p99"].append(stats["p99_ms"])
                results[name]["cpu"].append(used * 1000)
                errors[name] += sum(1 for a in answers if not 200 <= a.status < 300)
    finally:
        for _, process, _ in servers:
            process.terminate()
            process.wait(timeout=10)
        slack.stop()
    print(f"\nMedians over {args.rounds} rounds of 300 concurrent requests:\n")
    print("| bare Bolt app | p50 ack (ms) | p99 ack (ms) | CPU per burst (ms) | non-2xx |")
    print("|---|---:|---:|---:|---:|")
    for name, values in results.items():
        p50, p99, cpu = (statistics.median(values[k]) for k in ("p50", "p99", "cpu"))
        print(f"| {name} | {p50:.0f} | {p99:.0f} | {cpu:.0f} | {errors[name]} |")


if __name__ == "__main__":
    main()
