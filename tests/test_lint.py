"""`./run.sh test` (what CI runs) fails on any ruff or mypy finding, before a
single test runs; `./run.sh lint` runs the checks alone. Tried on a small
project that carries this checkout's run.sh and lint configuration."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import BUILD_ENV, REPO

RAN = "test-ran"  # the one test of the small project writes this file


@pytest.fixture
def project(tmp_path: Path) -> Path:
    # run.sh reinstalls into the virtualenv when the pins changed since its last setup
    # (pip install -e . would then install the small project): fail rather than that.
    pins = hashlib.sha256(b"".join((REPO / name).read_bytes()
                                   for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml")))
    stamp = REPO / ".venv" / ".installed"
    if not stamp.exists() or stamp.read_text().strip() != pins.hexdigest():
        pytest.fail("the virtualenv is older than the pins: run ./run.sh lint (or ./run.sh test) first", pytrace=False)
    for name in ("run.sh", "requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    for folder in ("plansite", "hooks", "tests"):
        (tmp_path / folder).mkdir()
    (tmp_path / "plansite" / "__init__.py").write_text('"""A core."""\n', encoding="utf-8")
    (tmp_path / "hooks" / "glue.py").write_text("import plansite\n\nCORE = plansite.__name__\n", encoding="utf-8")
    (tmp_path / "tests" / "test_one.py").write_text(
        f"from pathlib import Path\n\n\ndef test_one():\n    Path({RAN!r}).write_text('yes')\n", encoding="utf-8")
    return tmp_path


def run_sh(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # the checkout's virtualenv: the same pins, so run.sh installs nothing
    # without the developer's PLANSITE_LINT=0 (which skips lint): these tests are about lint running
    inherited = {k: v for k, v in BUILD_ENV.items() if k != "PLANSITE_LINT"}
    return subprocess.run(["bash", "run.sh", *args], cwd=project, capture_output=True, text=True, timeout=600,
                          env={**inherited, "VENV": str(REPO / ".venv"), **env})


def test_a_clean_project_passes_lint_and_runs_its_tests(project):
    result = run_sh(project, "test", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / RAN).exists()


@pytest.mark.parametrize("path,code,finding", [
    ("plansite/unused.py", "import os\n", "F401"),                                          # ruff: pyflakes
    ("hooks/late.py", "def hooks():\n    return [lambda: i for i in range(3)]\n", "B023"),  # ruff: bugbear
    ("plansite/typed.py", 'COUNT: int = "many"\n', "[assignment]"),                           # mypy
])
def test_a_finding_fails_the_test_command_before_any_test_runs(project, path, code, finding):
    (project / path).write_text(code, encoding="utf-8")
    result = run_sh(project, "test", "-q", "-p", "no:cacheprovider")
    assert result.returncode != 0
    assert finding in result.stdout + result.stderr and path in result.stdout + result.stderr
    assert not (project / RAN).exists()
    lint = run_sh(project, "lint")
    assert lint.returncode != 0 and finding in lint.stdout + lint.stderr
    quick = run_sh(project, "test", "-q", "-p", "no:cacheprovider", PLANSITE_LINT="0")  # a quick run skips it
    assert quick.returncode == 0, quick.stdout + quick.stderr
    assert (project / RAN).exists()
