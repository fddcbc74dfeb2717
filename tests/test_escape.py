"""Escape by construction: content is shown as text, never run as HTML,
Markdown or attr_list syntax — in the page body, the navigation and the title."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import built, copy_project, mkdocs_build, yaml_set
from plansite.render import md_escape

IMG = "TỔ CHỨC <img src=x onerror=alert(1)>"
ATTR = "Thực hiện tốt công tác dân vận {onmouseover=alert(1) id=II-2"
UNIT = "Thanh tra <script>alert(1)</script> & *Sở*"
TIMING = "Thường xuyên <b onclick=alert(1)>x</b>"
LABEL = "Thuật ngữ <i>x</i> & [y](javascript:alert(1)) {#z}"  # a label that is a page and nav title


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("hostile")
    copy_project(dest, dirs=("content", "templates", "hooks", "plansite", "overrides", "docs/assets"))
    # Each field is found by its id, whatever the plan's wording.
    plan = dest / "content" / "plan.yaml"
    yaml_set(plan, "III", "title", IMG)
    yaml_set(plan, "II-2", "title", ATTR)
    yaml_set(plan, "II-5", "number", "5<i>x</i>")
    yaml_set(plan, "II-5-tg", "text", TIMING)
    yaml_set(dest / "content" / "labels.yaml", ("pages",), "glossary", LABEL)
    yaml_set(dest / "content" / "units.yaml", "thanh-tra-so", "name", UNIT)
    built(mkdocs_build(dest))
    return dest / "site"


def pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "assets" not in p.parts and p.parent.name != "k"]


def test_no_content_becomes_markup_anywhere(hostile_site):
    for path in pages(hostile_site):
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        rel = path.relative_to(hostile_site).as_posix()
        assert not html.select("img[onerror], script:-soup-contains('alert(1)'), [onclick], [onmouseover]"), rel
        assert not html.select("article i"), rel  # the number "5<i>x</i>"


def test_hostile_titles_show_literally_in_body_nav_and_title(hostile_site):
    html = BeautifulSoup((hostile_site / "muc" / "III.html").read_text(encoding="utf-8"), "html.parser")
    assert html.select_one("article h1").get_text().startswith(f"III. {IMG}")
    # the navigation writes section titles in sentence case (Renderer.nav)
    assert f"III. {IMG.capitalize()} - " in html.title.get_text()
    nav = [a.get_text(" ", strip=True) for a in html.select("nav.md-nav a")]
    assert f"III. {IMG.capitalize()}" in nav, nav
    ii = BeautifulSoup((hostile_site / "muc" / "II.html").read_text(encoding="utf-8"), "html.parser")
    heading = ii.find(id="II-2")
    assert heading is not None and heading.name == "h2"
    assert ATTR in heading.get_text()  # the braces stayed text; no attribute came of them
    assert "5<i>x</i>" in ii.find(id="II-5").get_text()
    assert TIMING in ii.find(id="II-5-tg").find_next("dd").get_text()


def test_hostile_unit_name_shows_literally_on_its_page_in_lists_and_matrix(hostile_site):
    for page in ("don-vi/thanh-tra-so.html", "don-vi/index.html", "index.html", "muc/II.html", "tien-do.html"):
        html = BeautifulSoup((hostile_site / page).read_text(encoding="utf-8"), "html.parser")
        assert UNIT in html.select_one("article").get_text(), page
    unit = BeautifulSoup((hostile_site / "don-vi" / "thanh-tra-so.html").read_text(encoding="utf-8"), "html.parser")
    assert UNIT in unit.title.get_text()


@pytest.mark.parametrize("text,shown", [
    ("TỔ CHỨC <img src=x>", "TỔ CHỨC &lt;img src=x&gt;"),
    ("a {#id .cls}", "a \\{\\#id \\.cls\\}"),
    ("*x* _y_ [z](u) `c`", "\\*x\\* \\_y\\_ \\[z\\]\\(u\\) \\`c\\`"),
    ("A & B", "A &amp; B"),
])
def test_md_escape(text, shown):
    assert str(md_escape(text)) == shown


def test_a_label_used_as_page_and_nav_title_shows_literally_once(hostile_site):
    """Nav titles reach the theme escaped once (Site.theme_nav): not as markup, not as "&lt;"."""
    html = BeautifulSoup((hostile_site / "thuat-ngu.html").read_text(encoding="utf-8"), "html.parser")
    assert html.select_one("article h1").get_text().startswith(LABEL)
    assert html.title.get_text().startswith(f"{LABEL} - ")
    nav = [a.get_text(" ", strip=True) for a in html.select("nav.md-nav a")]
    assert LABEL in nav, nav
    assert not html.select("nav i, header i, article h1 i, a[href^=javascript]")
    assert "&amp;lt;" not in (hostile_site / "thuat-ngu.html").read_text(encoding="utf-8")
    not_found = BeautifulSoup((hostile_site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert LABEL in [a.get_text(strip=True) for a in not_found.select(".plan-404-pages a")]


@pytest.mark.parametrize("data,written", [
    ({"a": "</script><script>alert(1)</script>"}, 'window.X = {"a": "<\\/script><script>alert(1)<\\/script>"};\n'),
    ({"a": "<!-- x"}, 'window.X = {"a": "\\u003c!-- x"};\n'),
    ({"a": "x\u2028y\u2029"}, 'window.X = {"a": "x\\u2028y\\u2029"};\n'),
])
def test_script_data_keeps_content_data(data, written):
    from plansite.areas import script_data

    assert script_data("X", data) == written


@pytest.mark.parametrize("text,cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("Sở Kế hoạch", "Sở Kế hoạch"), ("a=b", "a=b"), ("", ""),
])
def test_spreadsheet_cell_never_starts_a_formula(text, cell):
    from plansite.opendata import spreadsheet_cell

    assert spreadsheet_cell(text) == cell
