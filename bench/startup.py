"""Whole-process start-up time of the README example, against the floors in the same run.

    python bench/startup.py [--runs 21]

Each command runs in a fresh process (as a shell user would run it); the table gives
the median and the range. The floors are what any tool built on the same libraries
pays: the interpreter alone, and importing click, lark and rich.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]


def commands() -> dict[str, list[str]]:
    tool = shutil.which("adexplain") or "adexplain"
    python = sys.executable
    return {
        "adexplain README example, plain (piped)": [tool, *EXAMPLE, "--format", "plain"],
        "adexplain README example, json": [tool, *EXAMPLE, "--format", "json"],
        "adexplain README example, rich": [tool, *EXAMPLE, "--format", "rich"],
        "floor: python -c 'import click, lark, rich.console, rich.table'": [
            python,
            "-c",
            "import click, lark, rich.console, rich.table",
        ],
        "floor: python -c pass": [python, "-c", "pass"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    print(f"| command | median | min–max |  (n = {runs})")
    print("|---|---|---|")
    for name, command in commands().items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - started)
        median = statistics.median(times) * 1000
        print(f"| {name} | {median:.0f} ms | {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
