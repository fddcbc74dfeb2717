"""Ôn tập and reading progress in a real browser (Debian's Chromium via Playwright).

A quiz answered right and wrong with the keyboard only, its feedback, score,
passage link and "làm lại"; reading progress marked, kept across reloads,
shown on the home page and in the nav, cleared; old ids dropped or followed;
no request leaves the page; a phone width and file:// work too.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers import playwright_expect
from test_browser import _WIDEST, PHONE, foreign, record_traffic
from test_study import REPO, Raw

pytestmark = pytest.mark.browser

expect = playwright_expect()

RAW = Raw(REPO / "content")
S = RAW.labels["study"]
STORAGE = f"plansite-study:{RAW.plan['id']}"


def answer_with_keyboard(page, fieldset, right: bool):
    """Tab into the question's radio group, arrow to an option, Tab to "Kiểm tra", press Enter."""
    answer = fieldset.get_attribute("data-answer")
    values = [r.get_attribute("value") for r in fieldset.locator("input[type=radio]").all()]
    target = values.index(answer) if right else next(i for i, v in enumerate(values) if v != answer)
    # Focus lands on the group from the element before it (the legend is not focusable).
    fieldset.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    expect(fieldset.locator("input[type=radio]").nth(target)).to_be_checked()
    page.keyboard.press("Tab")
    expect(fieldset.locator("button.study-check")).to_be_focused()
    page.keyboard.press("Enter")
    return values[target]


def test_quiz_answered_right_and_wrong_with_the_keyboard(page, site_server):
    traffic = record_traffic(page.context)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_server + "on-tap/index.html", wait_until="networkidle")
    questions = page.locator("article fieldset.study-q")
    total = questions.count()
    assert 5 <= total <= 15
    expect(page.locator(".study-answer").first).to_be_hidden()  # the answer waits for an answer

    first, second = questions.nth(0), questions.nth(1)
    answer_with_keyboard(page, first, right=True)
    feedback = first.locator(".study-feedback")
    expect(feedback).to_have_text(S["correct"])
    expect(feedback).to_be_focused()
    expect(feedback).to_have_attribute("aria-live", "polite")
    expect(first.locator("input[type=radio]").first).to_be_disabled()
    passage = first.locator(".study-passage")
    expect(passage).to_be_visible()
    link = first.locator("a.study-passage-link")
    expect(link).to_be_visible()

    answer_with_keyboard(page, second, right=False)
    right_text = second.locator(f"input[value='{second.get_attribute('data-answer')}']").locator(
        "xpath=ancestor::label").inner_text().strip()
    expect(second.locator(".study-feedback")).to_have_text(S["wrong"].format(answer=right_text))
    expect(second.locator("li[data-mark=wrong]")).to_have_count(1)
    expect(second.locator("li[data-mark=right]")).to_have_count(1)

    expect(page.locator(".study-score")).to_have_text(S["score"].format(score=1, total=total, answered=2))

    # The passage link lands on the paragraph that answers the question.
    href = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    anchor = href.split("#")[1]
    expect(page).to_have_url(re.compile(re.escape("#" + anchor) + "$"))
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()

    assert not foreign(traffic["requests"]), foreign(traffic["requests"])
    assert not traffic["errors"], traffic["errors"]
    assert not errors, errors


def test_whole_quiz_score_and_retry_reshuffles(page, site_server):
    page.goto(site_server + "on-tap/index.html")
    questions = page.locator("article fieldset.study-q")
    total = questions.count()
    for i in range(total):
        answer_with_keyboard(page, questions.nth(i), right=(i % 2 == 0))
    right = (total + 1) // 2
    expect(page.locator(".study-score")).to_have_text(S["done"].format(score=right, total=total))

    def orders():
        return [[r.get_attribute("value") for r in questions.nth(i).locator("input[type=radio]").all()]
                for i in range(total)]
    before = orders()
    retry = page.locator("button.study-retry")
    retry.focus()
    page.keyboard.press("Enter")
    after = orders()
    assert [sorted(o) for o in after] == [sorted(o) for o in before]
    assert all(a != b for a, b in zip(after, before) if len(b) > 1), "làm lại did not reshuffle every question"
    expect(page.locator(".study-feedback:not(:empty)")).to_have_count(0)
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    expect(page.locator(".study-score")).to_contain_text(S["retried"])
    expect(page.locator("article input[type=radio]").first).to_be_focused()
    expect(page.locator(".study-answer").first).to_be_hidden()


def test_check_without_a_choice_asks_for_one(page, site_server):
    page.goto(site_server + "on-tap/muc/II.html")
    q = page.locator("article fieldset.study-q").first
    q.locator("button.study-check").click()
    expect(q.locator(".study-feedback")).to_have_text(S["choose"])
    expect(q.locator(".study-answer")).to_be_hidden()


def read_store(page) -> dict:
    raw = page.evaluate(f"localStorage.getItem({json.dumps(STORAGE)})")
    return json.loads(raw)["read"] if raw else {}


def test_reading_progress_persists_shows_and_clears(page, site_server):
    traffic = record_traffic(page.context)
    page.goto(site_server + "muc/II.html")
    tasks = [b["id"] for b in RAW.blocks.values() if b["kind"] == "task" and RAW.section_of[b["id"]]["id"] == "II"]
    toggle = page.locator(f"button.study-read-toggle[data-study-items='{tasks[0]}']")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_text(S["progress"]["marked"])
    assert list(read_store(page)) == [tasks[0]]

    page.reload()
    expect(page.locator(f"button.study-read-toggle[data-study-items='{tasks[0]}']")).to_have_attribute(
        "aria-pressed", "true")
    badge = page.locator(".md-nav--primary .study-nav-progress[data-section='II']").first
    expect(badge).to_have_text(S["progress"]["section"].format(read=1, total=len(tasks)))

    page.goto(site_server + "index.html")
    box = page.locator("[data-study-progress]")
    expect(box).to_be_visible()
    # What a reader marks: each task, or a section without tasks as a whole.
    items = sum(max(1, sum(b["kind"] == "task" and RAW.section_of[b["id"]] is s for b in RAW.blocks.values()))
                for s in RAW.plan["sections"])
    expect(box.locator(".study-progress-text")).to_contain_text(
        S["progress"]["overall"].format(read=1, total=items, percent=round(100 / items)))
    expect(box.locator("li[data-section='II'] .study-progress-count")).to_contain_text(f"1/{len(tasks)}")

    clear = box.locator("button.study-clear")
    clear.focus()
    page.keyboard.press("Enter")
    expect(box.locator(".study-progress-text")).to_contain_text(
        S["progress"]["overall"].format(read=0, total=items, percent=0))
    assert read_store(page) == {}
    page.reload()
    expect(page.locator("[data-study-progress] .study-progress-text")).to_contain_text(
        S["progress"]["overall"].format(read=0, total=items, percent=0))
    assert not foreign(traffic["requests"]), foreign(traffic["requests"])


def test_section_toggle_marks_every_task_of_the_section(page, site_server):
    page.goto(site_server + "muc/II.html")
    tasks = [b["id"] for b in RAW.blocks.values() if b["kind"] == "task" and RAW.section_of[b["id"]]["id"] == "II"]
    whole = page.locator("button.study-read-toggle[data-study-items='" + " ".join(tasks) + "']")
    whole.click()
    expect(whole).to_have_attribute("aria-pressed", "true")
    assert sorted(read_store(page)) == sorted(tasks)
    expect(page.locator(".md-nav--primary .study-nav-progress[data-section='II']").first).to_have_text(
        f"{len(tasks)}/{len(tasks)}")


def test_progress_drops_ids_that_are_gone_and_follows_moved_ids(page, site_server):
    page.goto(site_server + "muc/II.html")
    page.evaluate(f"localStorage.setItem({json.dumps(STORAGE)}, "
                  f"JSON.stringify({{version: 1, read: {{'II-1': 1, 'no-such-id': 2}}}}))")
    page.reload()
    assert read_store(page) == {"II-1": 1}
    # Moved ids: the permalink aliases (old id -> page.html#new id) are followed.
    moved = page.evaluate("STUDY_PROGRESS.normalize({'old-II-2': 5, gone: 6, 'II-1': 7},"
                          " {'II-1': 'II', 'II-2': 'II'}, {'old-II-2': 'muc/II.html#II-2', gone: 'muc/II.html#x'})")
    assert moved == {"II-2": 5, "II-1": 7}


def test_quiz_works_from_file_url_and_on_a_phone(browser, built_site):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        traffic = record_traffic(context)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((built_site / "on-tap" / "muc" / "II.html").as_uri())
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= PHONE["width"] + 1, page.evaluate(_WIDEST)
        q = page.locator("article fieldset.study-q").first
        q.locator(f"input[value='{q.get_attribute('data-answer')}']").check()
        q.locator("button.study-check").click()
        expect(q.locator(".study-feedback")).to_have_text(S["correct"])
        expect(q.locator(".study-passage")).to_be_visible()
        assert not foreign(traffic["requests"], local_host=None), foreign(traffic["requests"], local_host=None)
        assert not errors, errors
    finally:
        context.close()


def test_question_short_url_lands_on_the_question(page, site_server):
    fieldset_id = "tg-II-3"
    page.goto(site_server + f"k/on-tap/{fieldset_id}/")
    page.wait_for_url(re.compile(r"on-tap/phat-tay\.html#" + fieldset_id + "$"))
    expect(page.locator(f"[id='{fieldset_id}']")).to_be_in_viewport()


def test_printed_handout_shows_questions_without_answers(page, site_server):
    page.goto(site_server + "on-tap/phat-tay.html")
    page.emulate_media(media="print")
    expect(page.locator("article fieldset.study-q").first).to_be_visible()
    expect(page.locator(".study-answer").first).to_be_hidden()
    expect(page.locator(".study-check").first).to_be_hidden()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()


def test_axe_finds_no_violation_once_questions_are_answered(browser, site_server):
    """The answered state (marks, feedback, passage) and the progress block, as a reader meets them."""
    from test_quality import AXE, AXE_TAGS
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing (run `npm ci`)")
    # axe is injected inline, which the site's CSP rightly blocks (as in test_quality.py).
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        _axe_answered_pages(context.new_page(), site_server, AXE, AXE_TAGS)
    finally:
        context.close()


def _axe_answered_pages(page, site_server, AXE, AXE_TAGS):
    problems = []
    for path, act in (("on-tap/index.html", "quiz"), ("muc/II.html", "progress"), ("index.html", None)):
        page.goto(site_server + path)
        if act == "quiz":
            questions = page.locator("article fieldset.study-q")
            for i in range(3):
                q = questions.nth(i)
                values = [r.get_attribute("value") for r in q.locator("input[type=radio]").all()]
                pick = q.get_attribute("data-answer") if i else next(v for v in values if v != q.get_attribute("data-answer"))
                q.locator(f"input[value='{pick}']").check()
                q.locator("button.study-check").click()
        elif act == "progress":
            page.locator("button.study-read-toggle").first.click()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                               "resultTypes: ['violations']})", AXE_TAGS)
        problems += [f"{path}: {v['id']} {n['target']}" for v in result["violations"] for n in v["nodes"]]
    assert problems == []
