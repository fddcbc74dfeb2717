"""The reader's navigation in a real browser, at phone widths and on paper: from
an index page to a document or unit page and back by its breadcrumb, and a
drawer that stays short."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
LABELS = yaml.safe_load((REPO / "content" / "labels.yaml").read_text(encoding="utf-8"))
_OVERFLOW = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def phone(browser):
    contexts = []

    def open_at(width: int):
        context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True,
                                      locale="vi-VN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()
    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("index, link, title", [
    ("van-ban/index.html", "article a[href='ct-33-ttg.html']", LABELS["pages"]["documents"]),
    ("don-vi/index.html", "article a[href='thanh-tra-so.html']", LABELS["pages"]["units"]),
])
def test_reader_reaches_a_page_from_its_index_and_back_at_360px(phone, site_server, index, link, title):
    from playwright.sync_api import expect

    page = phone(360)
    page.goto(site_server + index, wait_until="load")
    page.locator(link).first.click()
    page.wait_for_load_state("load")
    assert page.url != site_server + index
    crumb = page.locator("article nav.plan-breadcrumb")
    expect(crumb).to_be_visible()
    box = crumb.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    back = crumb.get_by_role("link", name=title)
    expect(back).to_be_visible()
    assert back.bounding_box()["height"] >= 20, "a target a thumb can hit"
    scroll_width, client_width = page.evaluate(_OVERFLOW)
    assert scroll_width <= client_width, "the page does not scroll sideways"
    back.click()
    page.wait_for_load_state("load")
    assert page.url == site_server + index
    assert page.goto(site_server + "van-ban/ct-33-ttg.html", wait_until="load").ok
    page.locator("article nav.plan-breadcrumb").get_by_role("link", name=LABELS["pages"]["home"]).click()
    page.wait_for_load_state("load")
    assert page.url == site_server + "index.html"


@pytest.mark.parametrize("width", [320, 414])
def test_drawer_is_short_and_marks_the_index(phone, site_server, width):
    from playwright.sync_api import expect

    page = phone(width)
    page.goto(site_server + "don-vi/thanh-tra-so.html", wait_until="load")
    page.locator("label.md-header__button[for='__drawer']").click()
    drawer = page.locator("nav.md-nav--primary")
    expect(drawer).to_be_visible()
    links = drawer.locator("a.md-nav__link").all()
    assert 10 <= len(links) <= 40, f"{len(links)} links in the drawer"
    active = drawer.locator(".md-nav__item--active > a.md-nav__link")
    expect(active).to_have_attribute("href", "index.html")
    expect(active).to_have_text(LABELS["pages"]["units"])


def test_breadcrumb_prints_as_a_line_of_text(phone, site_server):
    page = phone(360)
    page.goto(site_server + "van-ban/ct-33-ttg.html", wait_until="load")
    page.emulate_media(media="print")
    crumb = page.locator("article nav.plan-breadcrumb")
    assert crumb.is_visible()
    text = crumb.inner_text()
    assert LABELS["pages"]["home"] in text and LABELS["pages"]["documents"] in text
    assert crumb.bounding_box()["height"] < 40, "one short line under the title"
    colour = crumb.locator("a").first.evaluate("a => getComputedStyle(a).color")
    assert colour == "rgb(0, 0, 0)", "links print as text"


def test_sidebar_marks_the_index_at_desktop_width(page, site_server):
    page.goto(site_server + "van-ban/ct-33-ttg.html", wait_until="load")
    colours = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        'nav.md-nav--primary a.md-nav__link')].map(a => [a.getAttribute('href'), getComputedStyle(a).color]))""")
    assert colours["index.html"] != colours["../tien-do.html"], colours


def test_breadcrumb_sits_flush_with_the_title(phone, site_server):
    page = phone(360)
    page.goto(site_server + "don-vi/thanh-tra-so.html", wait_until="load")
    first = page.locator("article nav.plan-breadcrumb li").first.bounding_box()
    title = page.locator("article h1").bounding_box()
    assert abs(first["x"] - title["x"]) < 2, "no list indent before the trail"
