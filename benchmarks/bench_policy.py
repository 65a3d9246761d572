"""Time the efficient scheduler: solving its policy, reading it back, choosing one interval.

Usage: python benchmarks/bench_policy.py [--repeat 3]

Prints, for desired retentions 0.80, 0.90 and 0.95 with the default parameters and a 365-day
maximum interval, the wall time of building the grid tables and solving the priced policy (what
the first grade after a settings change pays), the price found, the time to read the policy back
from its cache file (what every later process pays once) and the time to choose one card's
interval (what each grade pays, four times when the session labels the grade keys).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from studycards.scheduling import policy, policy_cache

RETENTIONS = (0.80, 0.90, 0.95)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(model, engine, retention: float, folder: Path, repeat: int) -> str:
    solves = [timed(lambda: policy.calibrate(model, engine, retention)) for _ in range(repeat)]
    found = policy.calibrate(model, engine, retention)
    path = folder / f"{retention}.npz"
    policy_cache._save(path, found)
    loads = [
        timed(lambda: policy_cache._load(path, 365, policy.PASS_SHARES)) for _ in range(repeat * 10)
    ]
    picks = [timed(lambda: found.interval(engine, 12.0, 6.0)) for _ in range(200)]
    return (
        f"retention {retention:.2f}: solve median {statistics.median(solves):6.3f} s  "
        f"price {found.price:7.3f}  read back {1000 * statistics.median(loads):5.2f} ms  "
        f"one interval {1000 * statistics.median(picks):5.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    engine = policy_cache._engine_for(None)
    tables = [timed(lambda: policy.build_model(engine, 365)) for _ in range(args.repeat)]
    print(f"grid tables (engine sampled)     median {statistics.median(tables):7.3f} s")
    model = policy.build_model(engine, 365)
    with tempfile.TemporaryDirectory() as folder:
        for retention in RETENTIONS:
            print(measure(model, engine, retention, Path(folder), args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
