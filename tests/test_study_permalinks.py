"""Ôn tập's links never break: question ids follow renamed elements.

A question's id is made from the id of what it asks about (tg-<task>,
dv-<element>…). When the element is renamed with `moved_from`, the question
answers to its old id too — an anchor on the handout, a short URL — and the
lockfile (permalinks.lock.json) holds the questions' anchors and short URLs,
so a rename without `moved_from` fails the build with a message that says
which question and how to fix it. Builds of a copied project whose element
is renamed (located by its id, never by its wording); the landing in Chromium.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import helpers
from helpers import MANIFEST, REPO, mkdocs_build, serve
from plansite.loader import load_content
from plansite.permalinks import check_manifest, update_manifest
from plansite.quiz import Kind, QuestionBank, QuestionId
from plansite.study import lost_link

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) on its own
    expect = None

HANDOUT = "on-tap/phat-tay.html"
NEW = "-moi"  # the suffix a renamed element's new id gets here


@functools.lru_cache(maxsize=1)
def bank() -> QuestionBank:
    return QuestionBank(load_content(REPO / "content"))


@functools.lru_cache(maxsize=1)
def renamed_task() -> tuple[str, list[str]]:
    """A task the real plan asks several questions about — (its id, their ids) —
    found through the bank, so that no wording of the plan is assumed."""
    about: dict[str, list[str]] = {}
    for q in bank().questions:
        parsed = QuestionId.parse(q.id)
        if parsed and parsed.kind is not Kind.RELATION:
            about.setdefault(parsed.about, []).append(q.id)
    tasks = [b.id for _, b in bank().content.plan.tasks()]
    task = max(tasks, key=lambda t: len(about.get(t, [])))
    assert len(about.get(task, [])) >= 2, about
    return task, about[task]


def renamed_id(old: str) -> str:
    """The id of question `old` once its task is renamed (tg-II-3 -> tg-II-3-moi)."""
    parsed = QuestionId.parse(old)
    assert parsed is not None, old
    return str(QuestionId(parsed.kind, parsed.about + NEW))


def build_renamed(tmp: Path, *, alias: bool):
    project = helpers.copy_project(tmp, files=("mkdocs.yml", MANIFEST))
    task, _ = renamed_task()
    helpers.yaml_rename(project / "content" / "plan.yaml", task, task + NEW, moved_from=alias)
    return project, mkdocs_build(project)


@pytest.fixture(scope="module")
def aliased_site(tmp_path_factory) -> Path:
    """The project with the task renamed with `moved_from`, built (the lockfile check passes)."""
    project, result = build_renamed(tmp_path_factory.mktemp("study-aliased"), alias=True)
    assert result.returncode == 0, f"a rename with moved_from fails the build:\n{result.stderr[-5000:]}"
    return project / "site"


def redirect_target(page: Path) -> str:
    meta = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(
        "meta", attrs={"http-equiv": "refresh"})
    assert meta is not None, page
    return re.fullmatch(r"\s*0\s*;\s*url=(.+)", meta["content"]).group(1)


# -----------------------------------------------------------------------------
# The lockfile holds the questions
# -----------------------------------------------------------------------------

def test_the_lockfile_holds_question_anchors_and_short_urls():
    pages = json.loads((REPO / MANIFEST).read_text(encoding="utf-8"))["pages"]
    _, questions = renamed_task()
    for qid in questions:
        assert qid in pages[HANDOUT], qid
        assert f"k/on-tap/{qid}/index.html" in pages, qid


def test_the_permalinks_command_adds_questions():
    site = {HANDOUT: {"tg-II-3"}, "k/on-tap/tg-II-3/index.html": set(), "on-tap/index.html": {"theo-muc"}}
    assert update_manifest({}, site)["pages"] == {HANDOUT: ["tg-II-3"], "k/on-tap/tg-II-3/index.html": [],
                                                  "on-tap/index.html": ["theo-muc"]}


@pytest.mark.parametrize(("page", "anchor", "said"), [
    pytest.param(HANDOUT, "tg-II-3", "add `moved_from: [II-3]` to the plan element", id="handout-anchor"),
    pytest.param("k/on-tap/tg-II-3/index.html", None, "add `moved_from: [II-3]` to the plan element", id="short-url"),
    pytest.param(HANDOUT, "vb-ct-33-implements", "add `moved_from: [ct-33]` to the document", id="relation"),
    pytest.param(HANDOUT, "vt-ubnd", "if the term 'ubnd' was renamed, give it back its id", id="term"),
    pytest.param(HANDOUT, "vb-kh_12-based-on", "add `moved_from: [kh_12]` to the document", id="underscore"),
    # the element is still there: no rename explains it, its question went with an edit
    pytest.param(HANDOUT, "nv-II-4", "though 'II-4' is still in the content", id="element-still-there"),
])
def test_a_lost_question_link_says_which_question_and_how_to_fix_it(page, anchor, said):
    manifest = {"version": 1, "pages": {page: [anchor] if anchor else []}}
    site = {HANDOUT: {"tg-II-3-moi"}}
    problems = check_manifest(manifest, site, {}, MANIFEST,
                              hint=lambda p, a: lost_link(p, a, ["implements", "based_on"], present={"II-4"}))
    assert len(problems) == 1
    qid = anchor or "tg-II-3"
    assert problems[0].startswith(f"{MANIFEST}: published ")
    assert f"the Ôn tập question '{qid}' is no longer asked" in problems[0] and said in problems[0], problems[0]


@pytest.mark.parametrize(("qid", "text"), [
    (QuestionId(Kind.RELATION, "kh-12", "based_on"), "vb-kh-12-based-on"),
    (QuestionId(Kind.RELATION, "kh_12", "based_on"), "vb-kh_12-based-on"),
    (QuestionId(Kind.TIMING, "II_3"), "tg-II_3"),
])
def test_a_question_id_keeps_the_id_as_written_and_parses_back(qid, text):
    """Only the relation type's "_" reads as "-": ids may hold "_", and documents
    kh_12 and kh-12 are two questions with two links."""
    assert str(qid) == text
    assert QuestionId.parse(text, ["implements", "based_on"]) == qid


# -----------------------------------------------------------------------------
# A renamed element: the build passes with moved_from, fails without
# -----------------------------------------------------------------------------

def test_old_question_ids_stand_on_the_handout(aliased_site):
    _, questions = renamed_task()
    handout = BeautifulSoup((aliased_site / HANDOUT).read_text(encoding="utf-8"), "html.parser")
    for old in questions:
        new = renamed_id(old)
        alias = handout.select_one(f"article [id='{old}']")
        assert alias is not None and "plan-alias" in alias["class"] and alias["data-alias-of"] == new, old
        # right before the question it stands for (the browser scrolls there without scripts)
        assert alias.find_next_sibling("fieldset")["id"] == new, old
        assert handout.select_one(f"article fieldset[id='{new}']") is not None, new


def test_old_short_urls_forward_to_the_question(aliased_site):
    _, questions = renamed_task()
    for old in questions:
        new = renamed_id(old)
        target = f"../../../{HANDOUT}#{new}"
        assert redirect_target(aliased_site / "k" / "on-tap" / old / "index.html") == target, old
        assert redirect_target(aliased_site / "k" / "on-tap" / new / "index.html") == target, new
        assert (aliased_site / "qr" / "on-tap" / f"{new}.svg").exists()


def test_a_rename_without_moved_from_fails_the_build_naming_the_question(tmp_path):
    task, questions = renamed_task()
    _, result = build_renamed(tmp_path, alias=False)
    assert result.returncode != 0
    for qid in questions:
        assert f"published link '{HANDOUT}#{qid}' no longer resolves — the Ôn tập question '{qid}' is no longer " \
               f"asked: if the plan element '{task}' was renamed, add `moved_from: [{task}]`" in result.stderr, qid
        assert f"published page 'k/on-tap/{qid}/index.html' no longer exists — the Ôn tập question" in result.stderr


@pytest.mark.browser
def test_an_old_question_link_lands_on_the_question(page, aliased_site):
    _, questions = renamed_task()
    old = questions[0]
    new = renamed_id(old)
    with serve(aliased_site) as base:
        for link in (f"k/on-tap/{old}/", f"{HANDOUT}#{old}"):
            page.goto(base + link)
            page.wait_for_url(f"{base}{HANDOUT}#{new}")
            question = page.locator(f"fieldset[id='{new}']")
            expect(question).to_have_class(re.compile(r"\bplan-landed\b"))
            expect(question).to_be_in_viewport()
