"""Fuzz run: 10,000 damaged content files and lockfiles, nothing may crash.

    python bench/fuzz.py [--cases N]

Runs the property test tests/test_fuzz.py (in-process: load, check, render,
read the lockfile) with N examples (default 10,000) and prints how many ran.
The suite runs the same test with 100 examples.
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
    args = parser.parse_args()
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
         "tests/test_fuzz.py"],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "PLANSITE_FUZZ_EXAMPLES": str(args.cases)})
    elapsed = time.monotonic() - start
    ran = re.findall(r"(\d+) passing examples", result.stdout)
    failing = re.findall(r"(\d+) failing examples", result.stdout)
    print(result.stdout[-3000:] if result.returncode else "")
    print(f"fuzz: {ran[0] if ran else '?'} passing examples, {failing[0] if failing else 0} failing, "
          f"{elapsed:.0f} s, exit {result.returncode}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
