"""The publishing workflow: pinned actions, least permissions, the strict build the README gives."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from plansite.cache import DEFAULT_DIR

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "pages.yml"
TESTS = WORKFLOWS / "test.yml"


def load(path: Path = WORKFLOW) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


def test_every_action_is_pinned_to_a_commit():
    uses = [s["uses"] for path in (WORKFLOW, TESTS) for s in steps(load(path)) if "uses" in s]
    assert uses
    unpinned = [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u)]
    assert unpinned == []


def test_permissions_are_least_and_only_deploy_writes():
    flow = load()
    assert flow["permissions"] == {"contents": "read"}
    writers = {name for name, job in flow["jobs"].items() if "write" in (job.get("permissions") or {}).values()}
    assert writers == {"deploy"}


def test_the_site_is_built_strictly_by_the_readme_command_before_upload():
    flow = load()
    names = [s.get("run") or s.get("uses", "").split("@")[0] for s in flow["jobs"]["build"]["steps"]]
    assert "./run.sh build" in names
    assert names.index("./run.sh build") < names.index("actions/upload-pages-artifact")


def test_only_the_content_addressed_build_cache_is_restored():
    cached = [s["with"]["path"] for s in steps(load()) if s.get("uses", "").startswith("actions/cache@")]
    assert cached == [DEFAULT_DIR]


def test_the_test_workflow_runs_the_ci_entry_point_on_pushes_and_pull_requests_read_only():
    flow = load(TESTS)
    # PyYAML reads the bare key `on:` as the boolean True.
    triggers = flow.get("on", flow.get(True))
    assert {"push", "pull_request"} <= set(triggers)
    assert flow["permissions"] == {"contents": "read"}
    assert all(not job.get("permissions") for job in flow["jobs"].values())
    runs = [s.get("run", "") for s in steps(flow)]
    assert any("bash .ci/run" in r for r in runs)
