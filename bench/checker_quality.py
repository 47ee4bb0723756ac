"""Communication checker: quality on the labelled set, and speed.

    python bench/checker_quality.py [--seconds 3] [--cli-runs 10]

Prints a Markdown table of precision (P) and recall (R) per rule, per audience and overall, on
each split of the labelled set (see tests/checker/quality.py); then the in-process throughput
(texts per second over the labelled set, by CPU time and by wall time) and the wall time of
`python -m incidentbot lint` answering one text.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from incidentbot.checker import check
from tests.checker.quality import SPLITS, load_cases, score, table

ONE_TEXT = "Bob recklessly pushed an untested config; should be fixed in 5 minutes!"


def throughput(seconds: float) -> tuple[float, float]:
    """Texts per second by CPU time and by wall time, checking the labelled set over and over."""
    cases = load_cases()
    for case in cases:  # compile the rules first: a running bot has them compiled
        check(case.text, case.audience, stage=case.stage)
    texts = 0
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall_started < seconds:
        for case in cases:
            check(case.text, case.audience, stage=case.stage)
        texts += len(cases)
    return texts / (time.process_time() - cpu_started), texts / (time.perf_counter() - wall_started)


def cli_wall_times(runs: int) -> list[float]:
    command = [sys.executable, "-m", "incidentbot", "lint", "--audience", "internal", ONE_TEXT]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()
    cases = load_cases()
    scores = {split: score([c for c in cases if c.split == split]) for split in SPLITS}
    print(table(scores))
    cpu_rate, wall_rate = throughput(args.seconds)
    print(f"\nin-process: {cpu_rate:,.0f} texts/s by CPU time, {wall_rate:,.0f} by wall time")
    cli = cli_wall_times(args.cli_runs)
    print(
        f"CLI, one text: median {statistics.median(cli) * 1000:.0f} ms, "
        f"best {min(cli) * 1000:.0f} ms wall over {len(cli)} runs"
    )


if __name__ == "__main__":
    main()
