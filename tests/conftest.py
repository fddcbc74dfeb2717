"""Shared fixtures: the real site, built once per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built with `mkdocs build --strict` from this checkout."""
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
                   cwd=REPO, check=True, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    return out
