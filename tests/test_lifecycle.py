"""Broken input outside content/ and the build's life cycle, end to end.

* Every command (check, build, normalize, permalinks) answers a bad lockfile,
  a bad label, a missing lockfile or a read-only folder with a located
  `file:line:col: what — fix` message and a non-zero exit, never a traceback.
* `./run.sh build` builds into a temporary folder and replaces site/ only on
  success; a lock refuses a second build in the same checkout; a publishing
  build (`./run.sh publish`, the Pages workflow: PLANSITE_PUBLISH=1) refuses
  to run without permalinks.lock.json unless it was initialised.
* `mkdocs serve` survives a bad save: the last good site stays served, with
  the located problems on the page, until the next good save.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from pathlib import Path

import pytest

import helpers
from helpers import MANIFEST, REPO, edit, yaml_get, yaml_rename, yaml_set

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ENV.pop("PLANSITE_PUBLISH", None)
INIT = "`python -m plansite permalinks --init` after a build"
RESTORE = f"restore it from git (git checkout -- {MANIFEST}) or recreate it with {INIT}"


def copy_project(dest: Path, *, manifest: bool = True, runner: bool = False) -> Path:
    """The project's build inputs in a temporary folder (run.sh and its pins with `runner`)."""
    names = ["mkdocs.yml"] + ([MANIFEST] if manifest else [])
    if runner:
        names += ["run.sh", "requirements.txt", "requirements-dev.txt", "pyproject.toml"]
    helpers.copy_project(dest, files=names)
    cache = REPO / ".cache"  # the content-addressed cache is never wrong, only faster
    if cache.is_dir():
        shutil.copytree(cache, dest / ".cache")
    return dest


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, env={**ENV, **env})


def plansite(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "plansite", *args], cwd)


def mkdocs_build(project: Path, **env: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
               project, **env)


def run_sh(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # the checkout's virtualenv: same pins, so run.sh installs nothing
    return run(["bash", "run.sh", *args], project, VENV=str(REPO / ".venv"), **env)


def assert_reported(result: subprocess.CompletedProcess, *lines: str) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for line in lines:
        assert line in result.stderr.splitlines(), result.stderr


# -----------------------------------------------------------------------------
# The lockfile: the command and the build report it, located
# -----------------------------------------------------------------------------

SHAPE = 'it should be {"version": 1, "pages": {"<page>.html": ["<anchor>", ...]}}'


def first_page(text: str) -> str:
    return next(iter(json.loads(text)["pages"]))


BAD_LOCKFILES = [
    # (name, damage, the problem expected for the damaged text)
    ("merge-conflict markers", lambda t: t.replace('\n "pages": {\n', '\n "pages": {\n<<<<<<< HEAD\n', 1),
     lambda t: f"{MANIFEST}:4:1: the lockfile has unresolved merge-conflict markers — keep the entries of both "
               f"sides (the lockfile only ever grows) and delete the marker lines, or take one side and run "
               f"`python -m plansite permalinks` after a build to add the rest"),
    ("empty", lambda t: "\n", lambda t: f"{MANIFEST}:1:1: the lockfile is empty — {RESTORE}"),
    ("cut short", lambda t: t[:t.index('"pages"')], lambda t: f"{MANIFEST}:3:2: the lockfile is not valid JSON: "
                                                               f"Expecting property name enclosed in double quotes "
                                                               f"— {RESTORE}"),
    ("a list", lambda t: "[]\n", lambda t: f"{MANIFEST}:1:1: the lockfile holds list, not an object; {SHAPE} — "
                                           f"{RESTORE}"),
    ("wrong version", lambda t: t.replace('"version": 1', '"version": 2'),
     lambda t: f"{MANIFEST}:2:2: the lockfile's version is 2, not 1 — {RESTORE}"),
    ("anchors as text", lambda t: t.replace(json.dumps(first_page(t)) + ": [", json.dumps(first_page(t)) + ': "x", '
                                            '"y": [', 1),
     lambda t: f"{MANIFEST}:4:3: the lockfile's entry for '{first_page(t)}' is not a list of anchors; {SHAPE} — "
               f"{RESTORE}"),
]


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("good"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.mark.parametrize("name, damage, expected", BAD_LOCKFILES, ids=[b[0] for b in BAD_LOCKFILES])
def test_permalinks_command_reports_a_bad_lockfile(tmp_path, good_site, name, damage, expected):
    text = damage((REPO / MANIFEST).read_text(encoding="utf-8"))
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    result = plansite(tmp_path, "permalinks", "--site", str(good_site))
    assert_reported(result, expected(text), "1 problem.")
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == text  # left as it was


@pytest.mark.parametrize("name, damage, expected", BAD_LOCKFILES[:3], ids=[b[0] for b in BAD_LOCKFILES[:3]])
def test_build_reports_a_bad_lockfile_before_building(tmp_path, name, damage, expected):
    project = copy_project(tmp_path)
    path = project / MANIFEST
    text = damage(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    result = mkdocs_build(project)
    assert_reported(result, expected(text))
    assert not (project / "site" / "index.html").exists()


def test_permalinks_command_requires_init_for_a_new_lockfile(tmp_path, good_site):
    result = plansite(tmp_path, "permalinks", "--site", str(good_site))
    assert_reported(result, f"{MANIFEST}:1:1: the lockfile does not exist — restore it from git (git checkout -- "
                            f"{MANIFEST}); for a new site create it with {INIT}")
    assert not (tmp_path / MANIFEST).exists()
    result = plansite(tmp_path, "permalinks", "--site", str(good_site), "--init")
    assert result.returncode == 0, result.stderr
    assert "index.html" in json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["pages"]


# A publishing build also needs a public SITE_URL (short URLs and QR codes carry it).
PUBLIC = {"SITE_URL": "https://example.github.io/ke-hoach/"}
NO_LOCKFILE = (f"{MANIFEST}:1:1: the lockfile does not exist, and a publishing build must check that no published "
               f"link breaks — restore it from git (git checkout -- {MANIFEST}); for a new site create it with "
               f"{INIT}")


def test_publishing_build_refuses_a_missing_lockfile_until_initialised(tmp_path):
    project = copy_project(tmp_path, manifest=False)
    result = mkdocs_build(project, PLANSITE_PUBLISH="1", **PUBLIC)
    assert_reported(result, NO_LOCKFILE)
    assert not (project / "site" / "index.html").exists()
    init = plansite(project, "permalinks", "--init")  # no site yet: an empty lockfile
    assert init.returncode == 0, init.stderr
    assert json.loads((project / MANIFEST).read_text(encoding="utf-8")) == {"version": 1, "pages": {}}
    result = mkdocs_build(project, PLANSITE_PUBLISH="1", **PUBLIC)
    assert result.returncode == 0, result.stderr


# -----------------------------------------------------------------------------
# Labels: checked, so the build never crashes in a template
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, needle, col_of, message", [
    ("  lead: Chủ trì\n", "", "  label: Nhiệm vụ", "label",
     "task is missing the required field 'lead' — add 'lead:' to this block"),
    ("  task: nhiệm vụ {number}\n", "  task: nhiệm vụ {so}\n", "  task: nhiệm vụ {so}", "nhiệm",
     "label cite/task uses the placeholder {so}, which the site does not fill in — use only {number}"),
    ("  home: Trang chủ\n", "  home: {a: 1}\n", "  home: {a: 1}", "{",
     "pages/home should be text, not a mapping — write text here (quote dates and numbers as text, e.g. \"1\")"),
], ids=["missing", "wrong placeholder", "wrong type"])
def test_bad_label_fails_check_and_build_with_a_located_message(tmp_path, old, new, needle, col_of, message):
    """Before labels were checked, each of these passed `check` and crashed the build in a template."""
    project = copy_project(tmp_path)
    labels = project / "content" / "labels.yaml"
    edit(labels, old, new)
    lines = labels.read_text(encoding="utf-8").split("\n")
    line = next(i for i, ln in enumerate(lines) if ln.startswith(needle))
    expected = f"content/labels.yaml:{line + 1}:{lines[line].index(col_of) + 1}: {message}"
    assert_reported(plansite(project, "check"), expected)
    assert_reported(mkdocs_build(project), expected)


# -----------------------------------------------------------------------------
# normalize: a read-only folder, bytes that are not UTF-8
# -----------------------------------------------------------------------------

def _as_other_user(args: list[str]) -> list[str]:
    """root writes through any permission: run as nobody to meet a read-only folder."""
    if os.geteuid() != 0:
        return args
    if shutil.which("setpriv") is None:
        pytest.skip("READ-ONLY TEST NOT RUN: running as root without setpriv (util-linux)")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *args]


def test_normalize_in_a_read_only_folder_is_reported():
    base = Path(tempfile.mkdtemp(prefix="plansite-ro-"))  # not under pytest's private tmp: nobody must reach it
    try:
        base.chmod(0o755)
        content = base / "content"
        shutil.copytree(REPO / "content", content)
        plan = content / "plan.yaml"
        yaml_set(plan, "I-1", "text", yaml_get(plan, "I-1", "text") + " Nh\u0061\u0302\u0323n thức.")  # decomposed ậ
        plan.chmod(0o444)
        content.chmod(0o555)
        result = subprocess.run(_as_other_user([sys.executable, "-m", "plansite", "normalize", "--content",
                                                "content"]), cwd=base, capture_output=True, text=True,
                                timeout=120, env=ENV)
        content.chmod(0o755)
        assert_reported(result, "content/plan.yaml:1:1: cannot write the file (Permission denied) — check that "
                                "the file and its folder exist and are writable by you (not read-only, not open "
                                "in another program), then run the command again", "1 problem.")
        assert not unicodedata.is_normalized("NFC", plan.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_normalize_reports_bytes_that_are_not_utf8(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    yaml_set(content / "units.yaml", "van-phong-so", "name", "Văn phòng Sở")  # whatever the unit's name now
    raw = (content / "units.yaml").read_bytes().replace("Văn phòng Sở".encode(), "Văn phòng Sở".encode("cp1258", "replace"))
    (content / "units.yaml").write_bytes(raw)
    result = plansite(tmp_path, "normalize", "--content", "content")
    line, text = next((i + 1, ln) for i, ln in enumerate(raw.split(b"\n")) if b"V\xe3n" in ln)
    column = text.index(b"V\xe3n") + 2  # the characters before it are ASCII
    assert_reported(result, f"content/units.yaml:{line}:{column}: byte 0xe3 is not valid UTF-8 — save the file as UTF-8 "
                            f"(not Windows-1258 or VNI/TCVN3)")


# -----------------------------------------------------------------------------
# ./run.sh build: nothing half-published, one build at a time
# -----------------------------------------------------------------------------

def test_refused_build_leaves_the_published_site_untouched(tmp_path):
    project = copy_project(tmp_path, runner=True)
    published = project / "site"
    published.mkdir()
    (published / "index.html").write_text("the site as published", encoding="utf-8")
    # a renamed task without moved_from: content is valid, the permalink check at the end refuses
    yaml_rename(project / "content" / "plan.yaml", "II-3", "II-3-moi", moved_from=False)
    result = run_sh(project, "build")
    assert result.returncode != 0
    assert "'muc/II.html#II-3'" in result.stderr
    assert (published / "index.html").read_text(encoding="utf-8") == "the site as published"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site.build")) == []

    yaml_rename(project / "content" / "plan.yaml", "II-3-moi", "II-3", moved_from=False)
    result = run_sh(project, "build")
    assert result.returncode == 0, result.stderr
    assert "muc/II.html" in {p.relative_to(published).as_posix() for p in published.rglob("*.html")}
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site.build")) == []


def test_second_build_in_one_checkout_is_refused(tmp_path):
    project = copy_project(tmp_path, runner=True)
    holder = subprocess.Popen(["flock", str(project / ".site.lock"), "sleep", "120"])
    try:
        for _ in range(100):  # until the holder has the lock
            if subprocess.run(["flock", "-n", str(project / ".site.lock"), "true"]).returncode != 0:
                break
            time.sleep(0.05)
        result = run_sh(project, "build")
    finally:
        holder.kill()
        holder.wait()
    assert_reported(result, ".site.lock: another build is running in this checkout — wait for it to finish, "
                            "then run this again")
    assert not (project / "site").exists()


def _pages_workflow_env() -> dict[str, str]:
    """The environment of the Pages workflow's build step, with a public SITE_URL."""
    import yaml

    flow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    step = next(s for job in flow["jobs"].values() for s in job["steps"] if s.get("run") == "./run.sh build")
    return {**{k: str(v) for k, v in step.get("env", {}).items()}, **PUBLIC}


def test_publish_and_the_pages_workflow_are_publishing_builds(tmp_path):
    """`./run.sh publish` and the Pages workflow refuse to build without the lockfile;
    `./run.sh build` (a local build) builds, still through a temporary folder."""
    project = copy_project(tmp_path, manifest=False, runner=True)
    assert_reported(run_sh(project, "publish", **PUBLIC), NO_LOCKFILE)
    assert not (project / "site").exists()
    assert_reported(run_sh(project, "build", **_pages_workflow_env()), NO_LOCKFILE)
    assert not (project / "site").exists()
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site.build")) == []

    result = run_sh(project, "build")
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "index.html").is_file()
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site.build")) == []


# -----------------------------------------------------------------------------
# mkdocs serve: a bad save keeps the last good site, shows the problem, recovers
# -----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as response:  # a hang fails here
        return response.read().decode("utf-8")


def _wait_for(url: str, predicate, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _fetch(url)
            if predicate(last):
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never matched; last page:\n{last[:2000]}")


def test_serve_keeps_the_last_good_site_and_shows_the_problem(tmp_path):
    project = copy_project(tmp_path)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/muc/II.html"
    plan = project / "content" / "plan.yaml"
    good = plan.read_text(encoding="utf-8")
    try:
        page = _wait_for(url, lambda p: "don-vi/thanh-tra-so.html" in p)
        assert "plan-preview-error" not in page

        bad = good.replace("\ndocument: kh-danvan-2022\n", "\ndocument: khong-co\n")
        plan.write_text(bad, encoding="utf-8")
        line = bad.splitlines().index("document: khong-co") + 1
        page = _wait_for(url, lambda p: "plan-preview-error" in p)
        assert f"content/plan.yaml:{line}:11: document &#x27;khong-co&#x27; does not exist" in page
        assert "don-vi/thanh-tra-so.html" in page  # the last good content, still served

        plan.write_text(good.replace("  issuing_body:", "\tissuing_body:"), encoding="utf-8")  # YAML breaks too
        page = _wait_for(url, lambda p: "a tab is used for indentation" in p)

        plan.write_text(good, encoding="utf-8")
        page = _wait_for(url, lambda p: "plan-preview-error" not in p)
        assert "don-vi/thanh-tra-so.html" in page
    finally:
        server.terminate()
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    assert "Traceback" not in err, err
