"""Another Python process running a module of this checkout's plansite/ (`python -m plansite.X`):
the downloads made while previewing (plansite.downloads) and while building (plansite.ahead)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent  # the checkout whose plansite/ the process runs


def environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with this checkout first on PYTHONPATH and no bytecode written.

    No empty entry: on sys.path it would mean the working directory.
    No bytecode: while previewing plansite/ is watched, and a new file there would rebuild.

    >>> environment({"PYTHONPATH": ""})["PYTHONPATH"] == str(_ROOT)
    True
    """
    path = [str(_ROOT), *(p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p)]
    return {**environ, "PYTHONPATH": os.pathsep.join(path), "PYTHONDONTWRITEBYTECODE": "1"}


def run_module(module: str, args: list[str], cwd: Path, *, stdin: int) -> subprocess.Popen:
    """Start `python -m module *args` in `cwd`, its output discarded (its outcome is the cache it fills)."""
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=cwd, env=environment(os.environ),
                            stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
