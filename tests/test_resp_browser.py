"""Who does what, by when — in a real browser, at phone widths and on paper.

At 320, 360, 390, 414 and 768 px: the page never scrolls sideways, no box of
text is narrower than 8 characters, metadata labels sit above their values;
the matrix keeps its unit column in view when scrolled, and on phones and in
print it becomes one list per unit.
"""

from __future__ import annotations

import pytest

from helpers import REPO, yaml_get

pytestmark = pytest.mark.browser


def unit_name(unit: str) -> str:
    """A unit's name as content/units.yaml writes it (the editor may change it)."""
    return yaml_get(REPO / "content" / "units.yaml", unit, "name")

WIDTHS = [320, 360, 390, 414, 768]
PAGES = ["index.html", "muc/II.html", "muc/III.html", "don-vi/index.html", "don-vi/thanh-tra-so.html",
         "don-vi/phong-truc-thuoc.html", "tien-do.html"]

# Boxes (not inline runs) in the article holding 8 or more characters of their
# own text, narrower than 8 characters of their font (an average character
# is taken as half an em, so 8 characters are 4 em).
_NARROW = """() => {
  const out = [];
  for (const el of document.querySelectorAll('article *')) {
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.display === 'none' || style.visibility === 'hidden') continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own.length < 8) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const min = 4 * parseFloat(style.fontSize);
    if (rect.width < min) out.push(el.tagName + '.' + el.className + ' ' + Math.round(rect.width) + 'px: ' + own.slice(0, 30));
  }
  return out;
}"""

_OVERFLOW = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture(scope="module")
def expect(browser):
    """Playwright's assertions; the browser fixture already skips (or fails in CI) without Playwright."""
    from playwright.sync_api import expect

    return expect


@pytest.fixture(scope="module")
def phone(browser):
    def open_at(width: int):
        context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=width < 700,
                                      has_touch=width < 700, locale="vi-VN")
        context.set_default_timeout(15_000)
        return context
    return open_at


@pytest.mark.parametrize("width", WIDTHS)
def test_no_overflow_and_no_narrow_boxes_at_phone_widths(phone, site_server, width):
    context = phone(width)
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(site_server + path, wait_until="load")
            scroll, client = page.evaluate(_OVERFLOW)
            assert scroll <= client + 1, f"{path} at {width}px scrolls sideways ({scroll} > {client})"
            assert page.evaluate(_NARROW) == [], f"{path} at {width}px"
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 414, 768])
def test_metadata_labels_sit_above_their_values(phone, site_server, width):
    context = phone(width)
    try:
        page = context.new_page()
        page.goto(site_server + "muc/III.html", wait_until="load")
        row = page.locator("#III-b-dv").locator("xpath=..")  # the row of III-b's unit field
        dt, dd = row.locator("dt"), row.locator("dd")
        assert dt.bounding_box()["y"] + dt.bounding_box()["height"] <= dd.bounding_box()["y"] + 1
        assert dd.bounding_box()["width"] >= 0.8 * row.bounding_box()["width"]
        page.goto(site_server + "don-vi/thanh-tra-so.html", wait_until="load")
        dt, dd = page.locator(".plan-doc-meta dt").first, page.locator(".plan-doc-meta dd").first
        assert dt.bounding_box()["y"] < dd.bounding_box()["y"]
    finally:
        context.close()


def test_matrix_keeps_unit_names_in_view_when_scrolled(phone, site_server, expect):
    context = phone(768)
    try:
        page = context.new_page()
        page.goto(site_server + "don-vi/index.html", wait_until="load")
        wrap = page.locator(".plan-matrix-wrap").first
        expect(wrap).to_be_visible()
        expect(page.locator(".plan-matrix-list").first).to_be_hidden()
        # a narrow box, so that the table scrolls inside it as a wide one does on a tablet
        wrap.evaluate("w => { w.style.maxWidth = '20em'; }")
        first = wrap.locator("tbody th").first
        first.scroll_into_view_if_needed()
        before = first.bounding_box()["x"]
        width = wrap.evaluate("w => (w.scrollLeft = w.scrollWidth, w.scrollLeft)")
        assert width > 0, "a matrix wider than its box scrolls inside it"
        after = first.bounding_box()
        assert abs(after["x"] - before) < 2 and after["width"] > 50
        expect(first).to_be_in_viewport()
        # column headings are numbers and short titles, never raw ids
        heads = wrap.locator("thead th").all_inner_texts()[1:]
        assert heads[0].startswith("II.1 ") and "III-b" not in " ".join(heads)
    finally:
        context.close()


def test_matrix_is_one_table_per_section_with_an_index(page, site_server, expect):
    """Only the sections with duties, each with the units that have a duty there."""
    page.goto(site_server + "don-vi/index.html", wait_until="load")
    groups = page.locator("h3[id^='ma-tran-']")
    assert groups.evaluate_all("hs => hs.map(h => h.id)") == ["ma-tran-II", "ma-tran-III"]
    index = page.locator("#ma-tran + .plan-matrix-index a")
    assert index.evaluate_all("as => as.map(a => a.getAttribute('href'))") == ["#ma-tran-II", "#ma-tran-III"]
    tables = page.locator("table.plan-matrix")
    assert tables.count() == 2
    for i in range(2):
        rows = tables.nth(i).locator("tbody tr")
        for r in range(rows.count()):  # no unit without a duty in the section
            assert any(t.strip() for t in rows.nth(r).locator("td").all_inner_texts())
    last = tables.nth(1).locator("thead th").all_inner_texts()[1:]
    assert all(h.startswith("III") for h in last), last
    index.nth(1).click()
    expect(groups.nth(1)).to_be_in_viewport()


@pytest.mark.parametrize("width", [320, 414])
def test_matrix_is_a_list_per_unit_on_phones(phone, site_server, width, expect):
    context = phone(width)
    try:
        page = context.new_page()
        page.goto(site_server + "don-vi/index.html", wait_until="load")
        for wrap in page.locator(".plan-matrix-wrap").all():
            expect(wrap).to_be_hidden()
        units = page.locator(".plan-matrix-unit")
        expect(units.first).to_be_visible()
        text = " ".join(page.locator(".plan-matrix-list").all_inner_texts())
        assert unit_name("van-phong-so") in text and "III (gạch đầu dòng 3)" in text
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert overflow[0] <= overflow[1], overflow
    finally:
        context.close()


def test_matrix_prints_as_lists(page, site_server, expect):
    page.goto(site_server + "don-vi/index.html", wait_until="load")
    page.emulate_media(media="print")
    for wrap in page.locator(".plan-matrix-wrap").all():
        expect(wrap).to_be_hidden()
    for listing in page.locator(".plan-matrix-list").all():
        expect(listing).to_be_visible()
    lists = page.locator(".plan-matrix-unit")
    assert lists.count() >= 5
    assert unit_name("thanh-tra-so") in " ".join(page.locator(".plan-matrix-list").all_inner_texts())


def test_unit_checklist_prints_every_duty(page, site_server, expect):
    page.goto(site_server + "don-vi/thanh-tra-so.html", wait_until="load")
    page.emulate_media(media="print")
    rows = page.locator("table.plan-checklist tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == 5
