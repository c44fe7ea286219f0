"""Run every benchmark in turn, each in its own interpreter, and print their tables.

Run: ``.venv/bin/python benchmarks/run_all.py [--only model,poll,watch,form,recommend] [--postgres URL]``
(``make bench`` does the same). Exits non-zero only if a benchmark crashed: a missed
target is a finding printed in the tables, not a failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "model": "bench_model.py",
    "poll": "bench_poll.py",
    "watch": "bench_watch_latency.py",
    "push": "bench_push_latency.py",
    "consoles": "bench_consoles.py",
    "form": "bench_form.py",
    "recommend": "bench_recommend.py",
    "cameras": "bench_cameras.py",
    "paperwork": "bench_paperwork.py",
    "gui_stall": "bench_gui_stall.py",
    "start": "bench_start.py",
    "durability": "bench_durability.py",
    "night_pack": "bench_night_pack.py",
    "handover": "bench_handover.py",
    # The next three make a 1,000,000-incident database once (several minutes each the first time).
    "period": "bench_period.py",
    "reports_dock": "bench_reports_dock.py",
    "search": "bench_search.py",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated: model,poll,watch,form,recommend"
    )
    parser.add_argument("--postgres", metavar="URL", help="also run the poll benchmark on this server")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    failed = []
    for name in chosen:
        command = [sys.executable, str(HERE / BENCHMARKS[name])]
        if name == "poll" and args.postgres:
            command += ["--postgres", args.postgres]
        print(f"\n=== {BENCHMARKS[name]} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.run(command, env=env, check=False).returncode
        print(f"=== {BENCHMARKS[name]}: exit {code}, {time.perf_counter() - started:.0f} s ===", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"crashed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
