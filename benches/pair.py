#!/usr/bin/env python3
"""Paired whole-process timings: command A against command B, run in turn (A B A B ...)
after one warm-up run each, output thrown away. Prints the median wall time of each and the
median of the per-pair ratios A/B, which holds when the machine's speed drifts.

    benches/pair.py [-n RUNS] --vs 'COMMAND B' -- COMMAND A ...

COMMAND B is one string split as a shell splits words (no shell runs it).
"""
import argparse
import shlex
import statistics
import subprocess
import sys
import time


def run(argv):
    started = time.perf_counter()
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5, help="counted runs of each (default 5)")
    parser.add_argument("--vs", required=True, help="command B, as one string")
    parser.add_argument("a", nargs=argparse.REMAINDER, help="-- command A")
    args = parser.parse_args()
    a = args.a[1:] if args.a[:1] == ["--"] else args.a
    b = shlex.split(args.vs)
    if not a or not b:
        parser.error("give command A after -- and command B with --vs")
    run(a)
    run(b)
    times_a, times_b = [], []
    for _ in range(args.n):
        times_a.append(run(a))
        times_b.append(run(b))
    ratios = [x / y for x, y in zip(times_a, times_b)]
    print(f"A wall s    median {statistics.median(times_a):.4f}  (min {min(times_a):.4f}, max {max(times_a):.4f})")
    print(f"B wall s    median {statistics.median(times_b):.4f}  (min {min(times_b):.4f}, max {max(times_b):.4f})")
    print(f"A/B wall    median {statistics.median(ratios):.3f}  (min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    sys.exit(main())
