"""`make bench`: every benchmark in turn; paste the figures into docs/BENCHMARKS.md."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["audit_overhead.py", "--rows", "10000", "--rounds", "3"],
    ["seed_large.py"],
    ["workspace.py", "--runs", "40"],
    ["enrichment.py", "--leads", "3000", "--workers", "4"],
    ["quality.py", "--leads", "20000", "--peer", "2000"],
    ["duplicates.py", "--leads", "100000", "--sample", "2000"],
    ["import.py", "--rows", "100000", "--peer-rows", "2000", "--rounds", "3"],
    ["export.py", "--leads", "1000000"],
    ["live_latency.py", "--clients", "100", "500", "1000", "--peer-clients", "100", "500", "--events", "40"],
    ["dashboard.py", "--reuse"],  # seeds 1M deals and 1M leads the first time (about 4 minutes)
]


def main() -> int:
    failed = 0
    for script, *args in BENCHMARKS:
        print(f"\n$ python bench/{script} {' '.join(args)}", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
