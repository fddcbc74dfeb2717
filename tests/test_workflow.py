"""The publishing workflow: pinned actions, least permissions, the strict build the README gives."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from plansite.cache import DEFAULT_DIR

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pages.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


def test_every_action_is_pinned_to_a_commit():
    uses = [s["uses"] for s in steps(load()) if "uses" in s]
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


def test_the_build_checks_out_full_history_for_the_change_history():
    checkout = [s for s in load()["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert [s.get("with", {}).get("fetch-depth") for s in checkout] == [0]
