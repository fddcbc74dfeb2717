"""Property: any plan of the shapes the schema allows loads and renders.

Plans are generated from the schema's shapes (sections; items, tasks, sub-tasks,
targets, paragraphs, bullets and groups nested; responsibility as one wording
or a line per role, with letters and a "Nội dung thực hiện" field, assignment or
request; every kind of timing with full or partial dates), loaded with the real
loader and rendered in memory with the real templates. No exception, no "None",
and every wording of every responsibility and timing is in the output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from markupsafe import escape

from helpers import wordings
from plansite.loader import load_content
from plansite.paths import section_path, unit_path
from plansite.render import render_site

REPO = Path(__file__).resolve().parent.parent
REGISTRY = Path(__file__).resolve().parent / "fixtures" / "lettered_plan"
UNITS = [u["id"] for u in yaml.safe_load((REGISTRY / "units.yaml").read_text(encoding="utf-8"))["units"]]

# Precomposed Vietnamese letters, digits and punctuation (NFC by construction),
# with the characters HTML and Markdown treat as syntax.
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ" \
           "ĐÂƯ0123456789 ,.;-()<>&*_[]{}#!|"
# No wording spells "none": a title "none" is shown capitalized, and the test looks for a leaked None.
words = st.text(alphabet=ALPHABET, min_size=1, max_size=30).map(lambda s: " ".join(s.split())) \
          .filter(lambda s: s and "none" not in s.lower())
letters = st.sampled_from("abcdđe")


def field(label: bool = True):
    return st.fixed_dictionaries({}, optional={"label": words, "letter": letters, "text": words})


party = st.one_of(
    st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True),
    st.fixed_dictionaries({"units": st.lists(st.sampled_from(UNITS), min_size=1, max_size=2, unique=True)},
                          optional={"label": words, "letter": letters, "text": words}),
)


@st.composite
def responsibility(draw):
    r = draw(st.fixed_dictionaries({}, optional={
        "mode": st.sampled_from(["assign", "request"]), "label": words, "letter": letters, "text": words,
        "content": field()}))
    roles = draw(st.lists(st.sampled_from(["lead", "implementers", "support"]), min_size=1, max_size=3, unique=True))
    for role in roles:
        r[role] = draw(party)
    return r


full = st.dates().filter(lambda d: d.year >= 1900).map(lambda d: f"{d.day}/{d.month}/{d.year}")
partial = st.one_of(full, st.builds(lambda m, y: f"{m}/{y}", st.integers(1, 12), st.integers(1990, 2040)),
                    st.integers(1990, 2040).map(str))


def date_key(text: str) -> tuple[int, int, int]:
    """A written date (30/6/2025, 6/2025, 2025) in calendar order; a partial date after the full dates it holds."""
    year, month, day = ([int(p) for p in reversed(text.split("/"))] + [0, 0])[:3]
    return year, month or 13, day or 32


@st.composite
def timing(draw):
    kinds = draw(st.lists(st.sampled_from(["recurring", "annual", "monthly", "deadline", "period", "open_ended",
                                           "superior_schedule", "per_document", "free"]),
                          min_size=1, max_size=3, unique=True))
    t = {"text": draw(words), "kinds": kinds}
    t.update(draw(st.fixed_dictionaries({}, optional={"label": words, "letter": letters})))
    if "deadline" in kinds:
        t["deadline"] = draw(partial)
    if "period" in kinds:
        span = draw(st.fixed_dictionaries({"end": partial}, optional={"start": partial}))
        if "start" in span:  # a valid plan's period does not end before it starts (rules.periods_in_order)
            span["start"], span["end"] = sorted((span["start"], span["end"]), key=date_key)
        t.update(span)
    if "per_document" in kinds:
        t["document"] = "kh-tu-phap-hang-nam"
    if "annual" in kinds and draw(st.booleans()):
        t["day_month"] = f"{draw(st.integers(1, 28))}/{draw(st.integers(1, 12))}"
    return t


def fields_of(draw, block):
    if draw(st.booleans()):
        block["responsibility"] = draw(responsibility())
    if draw(st.booleans()):
        block["timing"] = draw(timing())
    return block


@st.composite
def block(draw, depth=0):
    kind = draw(st.sampled_from(["item", "task", "subtask", "target", "paragraph", "bullet", "group"]))
    children = draw(st.lists(block(depth + 1), max_size=2)) if depth < 2 else []
    b = {"kind": kind}
    if kind == "group":
        b["blocks"] = children or [{"kind": "bullet", "text": draw(words)}]
        return fields_of(draw, b)
    b.update(draw(st.fixed_dictionaries({}, optional={"number": st.sampled_from(["1", "2", "1.1", "a", "b"]),
                                                      "title": words})))
    if "title" not in b or draw(st.booleans()):
        b["text"] = draw(words)
    if children:
        b["blocks"] = children
    return fields_of(draw, b)


@st.composite
def plan(draw):
    sections = []
    for i in range(draw(st.integers(1, 3))):
        s = {"number": ["I", "II", "III"][i], "title": draw(words),
             "role": draw(st.sampled_from(["purpose", "targets", "tasks", "funding", "organization", "other"])),
             "blocks": draw(st.lists(block(), min_size=1, max_size=3))}
        sections.append(fields_of(draw, s))
    data = yaml.safe_load((REGISTRY / "plan.yaml").read_text(encoding="utf-8"))
    data["sections"] = sections
    data.pop("footnotes", None)
    counter = iter(range(10**6))

    def ids(node, prefix):
        node["id"] = f"{prefix}{next(counter)}"
        for key in ("responsibility", "timing"):
            if key in node:
                node[key]["id"] = f"{key[0]}{next(counter)}"
        for child in node.get("blocks", []):
            ids(child, "b")

    for s in sections:
        ids(s, "s")
    return data


def walk(node):
    yield node
    for child in node.get("blocks", []):
        yield from walk(child)


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("prop") / "content"
    shutil.copytree(REGISTRY, dest)
    shutil.copytree(REPO / "content" / "schema", dest / "schema")
    shutil.copy(REPO / "content" / "labels.yaml", dest / "labels.yaml")
    return dest


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=plan())
def test_any_valid_plan_renders_every_wording(content_dir, data):
    (content_dir / "plan.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    content = load_content(content_dir)
    pages, _ = render_site(content, REPO / "templates")
    by_path = {p.path: p.markdown for p in pages}
    for text in by_path.values():
        assert "None" not in text
    for s in data["sections"]:
        page = by_path[section_path(content.plan.sections[data["sections"].index(s)])]
        for node in walk(s):
            for w in wordings(node):
                shown = str(escape(w))
                assert shown in page, (node["id"], w)
                assert shown in by_path["tien-do.md"], (node["id"], w)
                units = set()
                r = node.get("responsibility") or {}
                for k in ("lead", "implementers", "support"):
                    v = r.get(k, [])
                    units |= set(v if isinstance(v, list) else v["units"])
                for u in units:
                    assert shown in by_path[unit_path(u)], (node["id"], u, w)
