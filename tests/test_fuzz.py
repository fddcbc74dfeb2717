"""Property: whatever any content file or the lockfile holds, nothing crashes.

Each example damages one of the five content files or permalinks.lock.json,
either in its structure (parse, delete / replace / duplicate / retype /
rename a node, write back) or in its bytes (cut and insert anywhere), then
runs what `check`, the build's hooks and `permalinks` run, in-process:

* content: load_content gives a Content, which then renders every page and
  every citation (labels included), or a ContentError whose every problem is
  a located `file:line:col: what — fix`;
* lockfile: read_manifest gives a manifest that check_manifest can use, or
  located problems.

The suite runs PLANSITE_FUZZ_EXAMPLES examples (default 100);
`python bench/fuzz.py` runs 10,000 and prints the count.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from plansite.cache import DiskCache
from plansite.errors import ContentError
from plansite.loader import load_content
from plansite.model import Content
from plansite.permalinks import aliases, check_manifest, citables, read_manifest, redirect_page
from plansite.render import render_site
from test_loader import _get, _paths, _swap_type as _retype

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
MANIFEST = "permalinks.lock.json"
FILES = ["plan.yaml", "documents.yaml", "units.yaml", "glossary.yaml", "labels.yaml", MANIFEST]
ORIGINAL = {name: ((REPO / name) if name == MANIFEST else (CONTENT / name)).read_bytes() for name in FILES}
EXAMPLES = int(os.environ.get("PLANSITE_FUZZ_EXAMPLES", "100"))
LOCATED = re.compile(r"^[^\n]+:\d+:\d+: [^\n]+ — [^\n]+$")

WEIRD = [
    "", " ", "\n", "~", "null", "yes", "on", "- x", "a: b", "#", "&a", "*a", "!!int x", "!include x", "<<", "'",
    '"', "\\", "---", "{", "}", "{number}", "{0}", "{number.__class__}", "{{", "<script>alert(1)</script>",
    "e\u0323\u0302", "\u200b", "\u202e", "\ufeff", "\x85", "\x00", "[^fn-1]", "[^khong-co]", "33/CT-TTg",
    "99/CT-TTg", "31/2/2021", "1/1/2021", "2021-02-31", "II-1", "index", "thanh-tra-so", "recurring", "task",
    "<<<<<<< HEAD", "=======", ">>>>>>> main",
]
KEYS = ["id", "kind", "number", "title", "text", "blocks", "titel", "lead", "support", "timing", "responsibility",
        "kinds", "deadline", "start", "end", "notes", "label", "unit", "moved_from", "parent", "relations",
        "target", "type", "is_plan", "term", "variants", "abbr", "pages", "version", "cite", "task", "copy"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12),
                    st.sampled_from(WEIRD))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=3)), max_leaves=6)


@st.composite
def structure(draw, name: str) -> bytes:
    """The file parsed, changed in one to three places, written back."""
    text = ORIGINAL[name].decode("utf-8")
    data = copy.deepcopy(json.loads(text) if name == MANIFEST else yaml.safe_load(text))
    for _ in range(draw(st.integers(1, 3), label="edits")):
        path = draw(st.sampled_from(list(_paths(data))), label="path")
        op = draw(st.sampled_from(["delete", "replace", "duplicate", "retype", "rename"]), label="op")
        if not path:
            if op in ("replace", "retype"):
                data = draw(values) if op == "replace" else _retype(data)
            continue
        parent, key = _get(data, path[:-1]), path[-1]
        target = parent[key]
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(values, label="value")
        elif op == "retype":
            parent[key] = _retype(target)
        elif op == "duplicate" and isinstance(target, list) and target:
            i = draw(st.integers(0, len(target) - 1), label="item")
            # a copy, or the same object (which YAML writes as an anchor and an alias)
            target.insert(i, copy.deepcopy(target[i]) if draw(st.booleans(), label="copy") else target[i])
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), label="new key")] = parent.pop(key)
    if name == MANIFEST:
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def raw_bytes(draw, name: str) -> bytes:
    """Bytes cut and inserted anywhere in the file."""
    raw = ORIGINAL[name]
    at = draw(st.integers(0, len(raw)), label="at")
    cut = draw(st.integers(0, 40), label="cut")
    insert = draw(st.one_of(st.binary(max_size=6), st.sampled_from(WEIRD + [": x", "\n  - ", "\t", "]"])
                            .map(lambda s: s.encode("utf-8"))), label="insert")
    return raw[:at] + insert + raw[at + cut:]


@st.composite
def damage(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FILES), label="file")
    return name, draw(st.one_of(structure(name), raw_bytes(name)))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CONTENT, root / "content")
    shutil.copy(REPO / MANIFEST, root / MANIFEST)
    return root


@pytest.fixture(scope="module")
def site_index() -> dict[str, set[str]]:
    """The published pages and anchors, as the lockfile records them."""
    return {page: set(anchors) for page, anchors in json.loads(ORIGINAL[MANIFEST])["pages"].items()}


def assert_located(problems, prefix: str) -> None:
    assert problems
    for p in problems:
        assert p.file.startswith(prefix), p
        assert p.line >= 1 and p.column >= 1, p
        assert LOCATED.match(str(p)), p


def use_content(content: Content, project: Path, cache: DiskCache) -> None:
    """What the build does with the model and the labels, short of MkDocs and QR codes."""
    pages, nav = render_site(content, REPO / "templates", "https://example.org/", cache)
    assert pages and nav
    for unit in citables(content):
        assert unit.citation
    redirect_page("k/x/index.html", "index.html", content.labels["redirect"])
    aliases(content)
    for key in ("permalink", "search_dialog"):
        assert isinstance(content.labels[key], str)
    assert isinstance(content.labels["preview"]["error"], str)
    json.dumps(content.labels["copy"], ensure_ascii=False)


# A failing example (a whole damaged file) is large: without this, filterwarnings = error
# would turn Hypothesis' "overly large repr" warning into the reported failure.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
@given(case=damage())
def test_any_damage_to_any_file_is_reported_not_raised(project, site_index, case):
    check_damage(project, site_index, *case)


@pytest.mark.parametrize("name, edit", [
    ("labels.yaml", lambda raw: raw.replace(b"{number}", b"{numbr}", 1)),
    ("labels.yaml", lambda raw: raw.replace(b"  lead: ", b"  leed: ", 1)),
    (MANIFEST, lambda raw: b"<<<<<<< HEAD\n" + raw),
    (MANIFEST, lambda raw: b""),
], ids=["label placeholder", "label renamed", "lockfile conflict", "lockfile empty"])
def test_damage_that_once_crashed_is_reported(project, site_index, name, edit):
    """Each passed `check` and crashed the build or `permalinks` with a traceback."""
    check_damage(project, site_index, name, edit(ORIGINAL[name]))


def check_damage(project: Path, site_index: dict, name: str, raw: bytes) -> None:
    path = project / (name if name == MANIFEST else f"content/{name}")
    path.write_bytes(raw)
    try:
        if name == MANIFEST:
            manifest, problems = read_manifest(path, MANIFEST)
            if manifest is None:
                assert_located(problems, MANIFEST)
            else:
                assert problems == []
                assert isinstance(check_manifest(manifest, site_index, {}, MANIFEST, {}), list)
            return
        cache = DiskCache(project / ".cache")
        try:
            content = load_content(project / "content", cache=cache, templates_dir=REPO / "templates")
        except ContentError as exc:
            assert_located(exc.problems, "content/")
        else:
            use_content(content, project, cache)
    finally:
        path.write_bytes(ORIGINAL[name])
