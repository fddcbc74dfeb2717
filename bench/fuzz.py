"""Fuzz run: 10,000 damaged content files and lockfiles, nothing may crash.

    python bench/fuzz.py [--cases N] [--chunk C]

Runs the property test tests/test_fuzz.py (in-process: load, check, render,
read the lockfile) for N examples in all (default 10,000), in chunks of C
examples each with its own seed, and prints the running count after each
chunk, so a long run reports how far it got. The suite runs the same test
with 100 examples.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args()
    start, done, seed = time.monotonic(), 0, 0
    while done < args.cases:
        n = min(args.chunk, args.cases - done)
        seed += 1
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
             f"--hypothesis-seed={seed}", "tests/test_fuzz.py"],
            cwd=REPO, capture_output=True, text=True, env={**os.environ, "PLANSITE_FUZZ_EXAMPLES": str(n)})
        ran = sum(int(x) for x in re.findall(r"(\d+) passing(?: examples)?,", result.stdout))
        if result.returncode:
            print(result.stdout[-4000:])
            print(f"fuzz: FAILED in chunk {seed} after {done} passing cases, {time.monotonic() - start:.0f} s")
            return 1
        done += ran
        print(f"fuzz: {done} cases passed ({seed} chunks, {time.monotonic() - start:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
