"""Build time of the same site with both generators, as on a fresh clone.

    .venv/bin/python bench/generators.py                  # the real site, 3 rounds
    .venv/bin/python bench/generators.py --scale 10       # synthetic content (bench/synth.py) at 10×

Each round builds a temporary copy of the project twice, interleaved, with no
build cache (.cache/ and build/ removed first, as on a fresh clone):

- MkDocs: `mkdocs build --strict` (the hooks prepare the site in-process);
- Zensical: `python -m plansite prepare && zensical build && python -m plansite verify`.

Prints the median seconds of each and their ratio. A figure, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (bench/run.py: project copies, the timed runner)
import synth  # noqa: E402

ZENSICAL = str(Path(sys.executable).with_name("zensical"))
STEPS = {
    "mkdocs": [[bench.PY, "-m", "mkdocs", "build", "--strict", "--quiet"]],
    "zensical": [[bench.PY, "-m", "plansite", "prepare"], [ZENSICAL, "build"],
                 [bench.PY, "-m", "plansite", "verify", "site-zensical"]],
}


def fresh(project: Path) -> None:
    for name in (".cache", "build", "site", "site-zensical"):
        shutil.rmtree(project / name, ignore_errors=True)


def timed_steps(project: Path, steps: list[list[str]]) -> float:
    start = time.perf_counter()
    for cmd in steps:
        bench.timed(cmd, project)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=0, help="synthetic content at this scale (0: the real site)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="plansite-generators-") as tmp:
        content = bench.REPO / "content"
        if args.scale:
            content = Path(tmp) / "content"
            synth.main([str(content), "--scale", str(args.scale)])
        project = bench.make_project(Path(tmp) / "project", content, handwritten=not args.scale)
        for name in ("zensical.toml",):
            shutil.copy2(bench.REPO / name, project / name)
        times: dict[str, list[float]] = {name: [] for name in STEPS}
        for _ in range(args.rounds):
            for name, steps in STEPS.items():
                fresh(project)
                times[name].append(timed_steps(project, steps))
        pages = len(list((project / "site-zensical").rglob("*.html")))
    medians = {name: statistics.median(values) for name, values in times.items()}
    label = f"{args.scale}×" if args.scale else "real site"
    print(f"{label}, {pages} HTML files, median of {args.rounds} fresh builds: "
          f"MkDocs {medians['mkdocs']:.2f} s, Zensical (prepare + build + verify) {medians['zensical']:.2f} s, "
          f"ratio {medians['zensical'] / medians['mkdocs']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
