"""Print in a real browser: any page on paper is the text without screen chrome,
and the Toàn văn page keeps ND 30's header and closing side by side."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.browser

CHROME = [".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-search", ".md-top", ".md-skip",
          ".md-dialog", ".plan-copy", ".headerlink", ".plan-permalink", ".plan-downloads", "button"]


def pdftotext(pdf) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed (apt-get install -y poppler-utils)", pytrace=False)
    return subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.mark.parametrize("path", ["muc/II.html", "don-vi/thanh-tra-so.html"])
def test_printed_page_has_no_navigation_or_buttons(page, site_server, tmp_path, path):
    page.goto(site_server + path, wait_until="load")
    page.wait_for_selector(".plan-print-button:not([hidden])")  # print.js ran: the button shows on screen
    chrome = page.evaluate("""sel => {
        const out = new Set();
        for (const el of document.querySelectorAll(sel.join(","))) {
            const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) { const t = walk.currentNode.nodeValue.trim(); if (t) out.add(t); }
            for (const i of el.querySelectorAll("[placeholder]")) out.add(i.getAttribute("placeholder"));
        }
        return [...out];
    }""", CHROME)
    # the heading as printed: without its permalink or the screen-only mark of a recent change
    heading = page.evaluate("""() => {
        const h = document.querySelector("article h1").cloneNode(true);
        h.querySelectorAll(".headerlink, .plan-changed").forEach(e => e.remove());
        return h.textContent;
    }""").strip()
    article = page.evaluate("""() => {
        const a = document.querySelector("article").cloneNode(true);
        a.querySelectorAll(".plan-copy, .headerlink, .plan-permalink, .plan-downloads, button")
            .forEach(e => e.remove());
        return a.textContent.replace(/\\s+/g, " ");
    }""")
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(pdftotext(pdf).split())
    assert " ".join(heading.split())[:30] in text
    for label in ("In mục này", "In danh sách nhiệm vụ", "Tìm kiếm", "Bản PDF", "Danh sách nhiệm vụ, bản PDF"):
        assert label not in text
    leaked = [t for t in chrome if len(t) > 2 and re.search(r"(?<!\w)" + re.escape(" ".join(t.split())) + r"(?!\w)",
                                                           text)
              and " ".join(t.split()) not in article]  # the table of contents repeats headings
    assert leaked == []


def test_section_page_prints_citation_addresses_once(page, site_server, tmp_path):
    page.goto(site_server + "muc/II.html", wait_until="load")
    pdf = tmp_path / "section.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = pdftotext(pdf)
    urls = re.findall(r"https?://\S+?/van-ban/[a-z0-9-]+\.html", text.replace("\n", ""))
    assert urls and len(urls) == len(set(urls))
    # On screen the list is not shown (the links are there).
    assert not page.locator(".plan-print-citations").is_visible()


def test_print_button_prints(page, site_server):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(site_server + "muc/III.html", wait_until="load")
    page.get_by_role("button", name="In mục này").click()
    assert page.evaluate("window.__printed") == 1


def test_full_text_header_and_closing_side_by_side_in_print(page, site_server):
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(site_server + "toan-van.html", wait_until="load")
    page.emulate_media(media="print")
    box = {sel: page.locator(sel).first.bounding_box() for sel in (
        ".plan-header-body", ".plan-header-nation", ".plan-national", ".plan-motto", ".plan-issuer strong",
        ".plan-recipients", ".plan-signature")}
    assert abs(box[".plan-header-body"]["y"] - box[".plan-header-nation"]["y"]) < 2
    assert box[".plan-header-body"]["x"] + box[".plan-header-body"]["width"] <= box[".plan-header-nation"]["x"]
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.plan-national')).lineHeight)")
    assert box[".plan-national"]["height"] < 1.5 * line  # one line: "…VIỆT NAM" does not wrap
    assert box[".plan-motto"]["height"] < 1.6 * line
    assert abs(box[".plan-recipients"]["y"] - box[".plan-signature"]["y"]) < 2
    assert box[".plan-recipients"]["x"] < box[".plan-signature"]["x"]
    # Each block has its rule below (drawn by ::after, as wide as ND 30 says relative to the text).
    rules = page.evaluate("""() => ['.plan-issuer strong', '.plan-motto'].map(s => {
        const st = getComputedStyle(document.querySelector(s), '::after');
        return [st.borderTopStyle, parseFloat(st.width)];
    })""")
    (issuer_style, issuer_rule), (motto_style, motto_rule) = rules
    assert issuer_style == motto_style == "solid"
    assert box[".plan-issuer strong"]["width"] / 3 - 1 <= issuer_rule <= box[".plan-issuer strong"]["width"] / 2 + 1
    assert motto_rule == pytest.approx(box[".plan-motto"]["width"], abs=1)
    # Links print as text: no link colour.
    colours = page.evaluate("""() => {
        const a = document.querySelector('article a.plan-doc-link, article p a[href]');
        const p = a.closest('p, li, div');
        return [getComputedStyle(a).color, getComputedStyle(p).color];
    }""")
    assert colours[0] == colours[1]
    font = page.evaluate("getComputedStyle(document.querySelector('article p')).fontFamily")
    assert "Liberation Serif" in font
