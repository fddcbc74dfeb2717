"""Browser tests: the built site in Debian's Chromium, driven by Playwright.

Fixtures (built_site, site_server, browser, page) live in conftest.py. Each test
gets a fresh browser context; the site is built once per session.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import yaml

from helpers import PAGE_TYPES, REPO, open_search, playwright_expect

pytestmark = pytest.mark.browser

expect = playwright_expect()

PHONE = {"width": 360, "height": 640}

SEARCH_INPUT = "input.md-search__input"
SEARCH_RESULT = ".md-search-result__item"


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def search(page, query: str):
    """Type `query` into Material's search and return the result-item locator.

    Material reads the query on keyup (and when the worker reports ready), not
    on `input`, so a bare `fill` never searches; pressing End sends the keyup.
    """
    box = open_search(page)
    box.click()
    box.fill(query)
    box.press("End")
    return page.locator(SEARCH_RESULT)


def exact(text: str) -> re.Pattern:
    """Case-sensitive substring matcher (Playwright's plain has_text ignores case)."""
    return re.compile(re.escape(text))


def record_traffic(context):
    """Collect every request URL and every failed/erroneous response of a context."""
    seen = {"requests": [], "errors": []}
    context.on("request", lambda req: seen["requests"].append(req.url))
    context.on("requestfailed", lambda req: seen["errors"].append(f"{req.url} failed: {req.failure}"))
    context.on("response", lambda res: res.status >= 400 and seen["errors"].append(f"{res.url} -> {res.status}"))
    return seen


def foreign(urls, allowed_schemes=("data", "blob"), local_host="127.0.0.1"):
    """URLs that leave the machine: anything but the local server (or file://) and data:/blob:."""
    bad = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in allowed_schemes:
            continue
        if local_host is None:
            if parts.scheme != "file":
                bad.append(url)
        elif parts.scheme not in ("http", "https") or parts.hostname != local_host:
            bad.append(url)
    return bad


# -----------------------------------------------------------------------------
# 1. Search, with and without Vietnamese diacritics
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dan van", "dân vận"),
        ("cai cach hanh chinh", "cải cách hành chính"),
        ("Dang", "Đảng"),
        ("33 CT-TTg", "33/CT-TTg"),
        ("dân vận", "dân vận"),
    ],
)
def test_search_finds_vietnamese_text(page, site_server, query, expected):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_server + "index.html")
    expect(page.locator(SEARCH_INPUT)).to_be_visible()

    results = search(page, query)

    expect(results.first).to_be_visible()
    hits = results.filter(has_text=exact(expected))
    expect(hits.first, f"no result for {query!r} mentions {expected!r}; got: "
           f"{[t[:80] for t in results.all_inner_texts()]}").to_be_visible()
    assert not errors, f"JavaScript errors while searching: {errors}"


def test_search_reports_nothing_for_nonsense(page, site_server):
    """Guards the tests above against a search that matches everything."""
    page.goto(site_server + "index.html")
    results = search(page, "xqzwv")
    expect(page.locator(".md-search-result__meta")).not_to_have_text(re.compile(r"^\s*$"))
    expect(page.locator(".md-search-result__meta")).not_to_contain_text("Nhập để bắt đầu")
    expect(results).to_have_count(0)


# -----------------------------------------------------------------------------
# 2. Abbreviation tooltips (Material content.tooltips)
# -----------------------------------------------------------------------------

# (the form written in section II, its glossary id): the expansion is content/glossary.yaml's.
ABBREVIATIONS = [("COVID-19", "covid-19"), ("PAR Index", "par-index"), ("UBND", "ubnd")]


def expansion_of(term_id: str) -> str:
    terms = yaml.safe_load((REPO / "content" / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
    return next(t["expansion"] for t in terms if t["id"] == term_id)


def abbr(page, short: str):
    return page.locator("article abbr", has_text=re.compile(rf"^{re.escape(short)}$")).first


def tooltip_of(page, element):
    """Material links the abbr to its tooltip with aria-describedby once it shows."""
    expect(element).to_have_attribute("aria-describedby", re.compile(r"\S"))
    return page.locator(f"[id='{element.get_attribute('aria-describedby')}']")


@pytest.mark.parametrize(("short", "term_id"), ABBREVIATIONS)
def test_abbreviation_tooltip_on_hover(page, site_server, short, term_id):
    expansion = expansion_of(term_id)
    page.goto(site_server + "muc/II.html")
    term = abbr(page, short)
    expect(term).to_have_attribute("title", re.compile("^" + re.escape(expansion)))

    term.hover()

    tip = tooltip_of(page, term)
    expect(tip).to_have_attribute("role", "tooltip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(expansion)
    bubble = tip.locator(".md-tooltip2__inner")
    expect(bubble).to_be_visible()
    assert float(bubble.evaluate("e => getComputedStyle(e).opacity")) > 0

    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()


def test_abbreviation_tooltip_on_keyboard_focus(page, site_server):
    """Tab from the link just before "PAR Index" must land on the abbr and show its tooltip."""
    page.goto(site_server + "muc/II.html")
    before = page.locator("#II-3-p1 a.plan-cite[href$='kh-cchc-2022.html']")
    term = abbr(page, "PAR Index")
    expect(term).to_be_visible()
    before.focus()
    expect(before).to_be_focused()

    page.keyboard.press("Tab")

    expect(term, "abbr is not in the tab order (no tabindex), so keyboard users never "
                 "see the expansion").to_be_focused()
    tip = tooltip_of(page, term)
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(expansion_of("par-index"))


# -----------------------------------------------------------------------------
# 3. Nothing leaves the machine (served over HTTP)
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_makes_no_external_requests(page, site_server, path):
    traffic = record_traffic(page.context)
    page.goto(site_server + path, wait_until="networkidle")
    results = search(page, "dan van")
    expect(results.first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert traffic["requests"], "no requests were recorded at all"
    assert not foreign(traffic["requests"]), f"{path} contacts other hosts: {foreign(traffic['requests'])}"
    assert not traffic["errors"], f"{path} has failing requests: {traffic['errors']}"


# -----------------------------------------------------------------------------
# 4. Opened straight from the folder (file://)
# -----------------------------------------------------------------------------


def test_site_works_from_file_url(page, built_site):
    traffic = record_traffic(page.context)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((built_site / "index.html").as_uri())

    link = page.locator(".md-sidebar--primary").get_by_role("link", name="Toàn văn", exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"^file://.*/toan-van\.html$"))
    expect(page.locator("article h1").first).to_be_visible()

    results = search(page, "dan van")
    expect(results.first).to_be_visible()
    expect(results.filter(has_text=exact("dân vận")).first).to_be_visible()

    assert not foreign(traffic["requests"], local_host=None), (
        f"file:// site made network requests: {foreign(traffic['requests'], local_host=None)}")
    assert not traffic["errors"], f"failing requests: {traffic['errors']}"
    assert not errors, f"JavaScript errors: {errors}"


# -----------------------------------------------------------------------------
# 5. Phone viewport
# -----------------------------------------------------------------------------


def test_phone_layout_and_drawer(browser, site_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(site_server + "index.html", wait_until="networkidle")

        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= PHONE["width"] + 1, (
            f"home page overflows a {PHONE['width']}px screen: scrollWidth={widths[0]}, "
            f"innerWidth={widths[1]}; widest: " + str(page.evaluate(_WIDEST)))

        page.locator("label.md-header__button[for=__drawer]").click()
        drawer = page.locator(".md-sidebar--primary")
        link = drawer.get_by_role("link", name="Toàn văn", exact=True)
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()
        link.click()
        expect(page).to_have_url(re.compile(r"/toan-van\.html$"))
        expect(page.locator("article h1").first).to_be_visible()
    finally:
        context.close()


# Elements sticking out on the right, for the overflow failure message.
_WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' right=' + Math.round(e.getBoundingClientRect().right))"""


# -----------------------------------------------------------------------------
# 6. Permalinks and footnotes
# -----------------------------------------------------------------------------


def test_permalink_scrolls_to_task(page, site_server):
    page.goto(site_server + "muc/II.html#II-3")
    target = page.locator("[id='II-3']")
    expect(target).to_be_in_viewport()
    # Not left under the fixed header either.
    header_bottom = page.locator("header.md-header").bounding_box()["y"] + \
        page.locator("header.md-header").bounding_box()["height"]
    assert target.bounding_box()["y"] >= header_bottom - 1


def test_footnote_reference_reaches_footnote(page, site_server):
    page.goto(site_server + "muc/II.html")
    ref = page.locator("[id='II-1-a'] a.footnote-ref")
    expect(ref).to_have_count(1)
    ref.click()
    expect(page).to_have_url(re.compile(r"muc/II\.html#fn-1$"))
    note = page.locator("[id='fn-1']")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("Chỉ thị số 33/CT-TTg")


# -----------------------------------------------------------------------------
# 7. Relation diagram
# -----------------------------------------------------------------------------


def test_relation_diagram_renders(page, site_server):
    page.goto(site_server + "van-ban/cv-4973-ubnd.html")
    svg = page.locator("article svg.plan-diagram")
    expect(svg).to_have_count(1)
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box["width"] > 0 and box["height"] > 0, box
    texts = [t.strip() for t in svg.locator("text").all_text_contents()]
    assert any("33/CT-TTg" in t for t in texts), texts
    node = svg.locator("a", has=page.locator("css=text", has_text="33/CT-TTg"))
    expect(node).to_have_count(1)
    node.click()
    expect(page).to_have_url(re.compile(r"van-ban/ct-33-ttg\.html$"))
