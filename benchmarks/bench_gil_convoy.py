"""The GIL convoy: how long the GUI thread's calls into Qt take while a worker runs Python code,
at several switch intervals.

Every call the GUI thread makes into Qt (a paint, a layout) releases the GIL and must take it back.
While a worker thread runs Python bytecode, each return waits until the worker hands the GIL over,
which it does every `sys.getswitchinterval()` (Python's default: 5 ms). A repaint of 40 such calls
then takes up to 40 intervals. The script times `--calls` calls that each release the GIL for
`--release-ms` (as a Qt call may), with a busy Python thread beside them, `--rounds` times at each
interval, every round printed; and the same calls alone, the floor. The studio's workers set
`w2vstudio.gui.workers.SWITCH_INTERVAL`.

    python benchmarks/bench_gil_convoy.py [--calls 40] [--release-ms 0.2] [--rounds 5] [--intervals 5 1 0.5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time


def calls(n: int, release: float) -> float:
    """Seconds for n calls that each release the GIL for `release` seconds."""
    t0 = time.perf_counter()
    for _ in range(n):
        time.sleep(release)
    return time.perf_counter() - t0


def with_busy_thread(n: int, release: float, rounds: int) -> list[float]:
    stop = threading.Event()

    def busy():
        x = 0
        while not stop.is_set():
            for i in range(1000):
                x += i

    worker = threading.Thread(target=busy, daemon=True)
    worker.start()
    time.sleep(0.05)
    try:
        return [calls(n, release) for _ in range(rounds)]
    finally:
        stop.set()
        worker.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--release-ms", type=float, default=0.2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--intervals", type=float, nargs="+", default=[5.0, 1.0, 0.5], help="switch intervals, ms")
    args = parser.parse_args()
    release = args.release_ms / 1000
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    alone = [calls(args.calls, release) for _ in range(args.rounds)]
    print(f"{args.calls} calls alone: " + ", ".join(f"{1000 * t:.1f}" for t in alone) + " ms")
    for interval in args.intervals:
        sys.setswitchinterval(interval / 1000)
        times = with_busy_thread(args.calls, release, args.rounds)
        median = sorted(times)[len(times) // 2]
        print(f"switch interval {interval:g} ms, a busy Python thread beside: "
              + ", ".join(f"{1000 * t:.1f}" for t in times) + f" ms (median {1000 * median:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
