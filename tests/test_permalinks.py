"""Links that never break: citations, short URLs, QR codes, aliases, the manifest.

Unit tests on plansite.permalinks with the real content; strict builds of a
temporary copy of the project with a renamed id; and the built site in
Debian's Chromium (copy buttons, landing on a unit, aliases, short URLs, QR
codes, the trainers' handout). Fixtures (built_site, site_server, browser,
page) live in conftest.py.
"""

from __future__ import annotations

import functools
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

import helpers
from helpers import MANIFEST, REPO, mkdocs_build, serve, yaml_rename
from plansite.loader import load_content
from plansite.permalinks import aliases, check_manifest, citables, page_moves, scan_site, update_manifest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) on its own
    expect = None

CONTENT = REPO / "content"

browser_test = pytest.mark.browser


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def read_yaml(name: str):
    return yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def content():
    return load_content(CONTENT, display_root=REPO)


def labels() -> dict:
    return read_yaml("labels.yaml")


def plan_suffix() -> str:
    """' — <plan title> của <issuer>', from documents.yaml and units.yaml (not from the code)."""
    plan_doc_id = read_yaml("plan.yaml")["document"]
    doc = next(d for d in read_yaml("documents.yaml")["documents"] if d["id"] == plan_doc_id)
    issuer = next(u["name"] for u in read_yaml("units.yaml")["units"] if u["id"] == doc["issuer"])
    return f" — {doc['title']} của {issuer}"


# Where the example sits is the test's; what the plan is called and who issued
# it are the content's (an edit of either must not break these tests).
EXAMPLE_CITATION = "Mục II, nhiệm vụ 3, đoạn 2" + plan_suffix()


def example_unit():
    """The second text block of task II-3 (the unit cited as 'Mục II, nhiệm vụ 3, đoạn 2')."""
    plan = read_yaml("plan.yaml")
    section = next(s for s in plan["sections"] if s["id"] == "II")
    task = next(b for b in section["blocks"] if b.get("kind") == "task" and b.get("number") == "3")
    text_blocks = [b for b in task["blocks"] if b["kind"] not in ("task", "subtask", "item", "target")]
    return text_blocks[1]["id"]


def site_url_of(site: Path) -> str:
    """The site_url the site was built with: the shortest sitemap <loc> is the home page."""
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    home = min((loc for loc in locs if loc.endswith("index.html")), key=len)
    return home[: -len("index.html")]


def copy_project(dest: Path) -> Path:
    """The project's build inputs (and its permalink manifest) in a temporary directory."""
    return helpers.copy_project(dest, files=("mkdocs.yml", MANIFEST))


def rename_ii_3(project: Path, *, moved_from: bool) -> None:
    """Task II-3 becomes II-3-moi, with or without `moved_from: [II-3]`."""
    yaml_rename(project / "content" / "plan.yaml", "II-3", "II-3-moi", moved_from=moved_from)


def redirect_target(page: Path) -> str:
    """The URL a redirect page's <meta http-equiv=refresh> forwards to."""
    meta = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(
        "meta", attrs={"http-equiv": "refresh"})
    assert meta is not None, f"{page} has no meta refresh"
    match = re.fullmatch(r"\s*0\s*;\s*url=(.+)", meta["content"])
    assert match, f"{page}: unexpected refresh {meta['content']!r}"
    return match.group(1)


def opacity(locator) -> float:
    return float(locator.evaluate("el => getComputedStyle(el).opacity"))


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def clear_clipboard(page) -> None:
    page.evaluate("navigator.clipboard.writeText('')")


@pytest.fixture
def clip_page(browser):
    """A page whose context may read and write the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN",
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def aliased_site(tmp_path_factory):
    """A temporary project where task II-3 became II-3-moi with `moved_from: [II-3]`, built."""
    project = copy_project(tmp_path_factory.mktemp("aliased"))
    rename_ii_3(project, moved_from=True)
    result = mkdocs_build(project)
    assert result.returncode == 0, f"build with moved_from failed:\n{result.stderr}"
    return project / "site"


# -----------------------------------------------------------------------------
# 1. Units, citations, the manifest (no browser)
# -----------------------------------------------------------------------------


def test_example_citation_of_the_second_block_of_task_ii_3():
    unit_id = example_unit()
    units = {u.id: u for u in citables(content())}
    assert units[unit_id].citation == EXAMPLE_CITATION
    assert units[unit_id].target == f"muc/II.html#{unit_id}"
    assert units[unit_id].short == f"k/{unit_id}/"


def expected_units() -> list[tuple[str, str]]:
    """(id, kind) of every citable element, read straight from the YAML."""
    plan = read_yaml("plan.yaml")
    out = [(b["id"], "preamble") for b in plan.get("preamble", [])]

    def walk(blocks):
        for b in blocks:
            out.append((b["id"], b["kind"]))
            walk(b.get("blocks", []))

    for section in plan["sections"]:
        out.append((section["id"], "section"))
        walk(section.get("blocks", []))
    for footnote in plan.get("footnotes", []):
        out.append((footnote["id"], "footnote"))
        walk(footnote.get("blocks", []))
    out += [(r["id"], "recipient") for r in (plan.get("recipients") or {}).get("entries", [])]
    out += [(d["id"], "document") for d in read_yaml("documents.yaml")["documents"]]
    return out


def test_every_citable_element_is_linkable_exactly_once():
    units = citables(content())
    ids = Counter(u.id for u in units)
    assert [i for i, n in ids.items() if n > 1] == []
    assert sorted((u.id, u.kind) for u in units) == sorted(expected_units())
    kinds = {u.kind for u in units}
    assert {"section", "task", "item", "paragraph", "bullet", "footnote", "document"} <= kinds


def test_citations_name_the_plan_and_qr_codes_go_to_sections_tasks_documents():
    suffix = plan_suffix()
    for u in citables(content()):
        if u.kind != "document":
            assert u.citation.endswith(suffix), u
        assert u.qr == (u.kind in ("section", "task", "subtask", "document")), u
    assert len({u.citation for u in citables(content())}) == len(citables(content()))


def test_real_content_has_no_aliases_and_real_manifest_resolves(built_site):
    manifest = json.loads((REPO / MANIFEST).read_text(encoding="utf-8"))
    # As the build checks it: moved hand-written pages (the editors' area) forward to their new place.
    assert check_manifest(manifest, scan_site(built_site), aliases(content()), MANIFEST,
                          page_moves(content())) == []


PAGE_GONE = "published page 'a.html' no longer exists"
ANCHOR_GONE = "published link 'a.html#x' no longer resolves"


@pytest.mark.parametrize("site,alias_map,expected", [
    pytest.param({"a.html": {"x", "y"}}, {}, [], id="everything-present"),
    pytest.param({"b.html": {"x"}}, {}, [PAGE_GONE], id="missing-page"),
    pytest.param({"a.html": {"y"}}, {}, [ANCHOR_GONE], id="missing-anchor"),
    pytest.param({"a.html": {"y", "x-moi"}}, {"x": "a.html#x-moi"}, [], id="alias-same-page"),
    pytest.param({"a.html": {"y"}, "b.html": {"x-moi"}}, {"x": "b.html#x-moi"}, [], id="alias-other-page"),
    pytest.param({"a.html": {"y"}}, {"x": "c.html#x-moi"}, [ANCHOR_GONE], id="alias-to-missing-page"),
])
def test_check_manifest(site, alias_map, expected):
    manifest = {"version": 1, "pages": {"a.html": ["x", "y"]}}
    problems = check_manifest(manifest, site, alias_map)
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected):
        assert problem.startswith(f"{MANIFEST}: ")
        assert fragment in problem
    if expected == [ANCHOR_GONE]:
        assert "moved_from: [x]" in problems[0]


@pytest.mark.parametrize("manifest,site,expected", [
    pytest.param({}, {"a.html": {"x"}}, {"a.html": ["x"]}, id="empty-manifest"),
    pytest.param({"pages": {"a.html": ["x"]}}, {"a.html": {"y"}}, {"a.html": ["x", "y"]}, id="anchor-added-kept"),
    pytest.param({"pages": {"old.html": ["z"]}}, {"a.html": set()}, {"a.html": [], "old.html": ["z"]},
                 id="page-gone-kept"),
    pytest.param({"pages": {"b.html": ["b", "a"]}}, {}, {"b.html": ["a", "b"]}, id="empty-site-removes-nothing"),
])
def test_update_manifest_adds_and_never_removes(manifest, site, expected):
    before = json.dumps(manifest, sort_keys=True)
    updated = update_manifest(manifest, site)
    assert updated == {"version": 1, "pages": expected}
    assert list(updated["pages"]) == sorted(updated["pages"])
    assert json.dumps(manifest, sort_keys=True) == before  # the input is not changed


def test_permalinks_command_adds_entries_and_keeps_old_ones(built_site, tmp_path):
    manifest = tmp_path / MANIFEST
    manifest.write_text(json.dumps({"version": 1, "pages": {"muc/II.html": ["da-xoa"], "cu.html": ["a"]}}),
                        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "plansite", "permalinks", "--site", str(built_site),
                             "--manifest", str(manifest)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = json.loads(manifest.read_text(encoding="utf-8"))["pages"]
    assert pages["cu.html"] == ["a"]
    assert {"da-xoa", "II-3", example_unit()} <= set(pages["muc/II.html"])
    assert "giang-vien.html" in pages and "k/II-3/index.html" in pages


# -----------------------------------------------------------------------------
# 2-3. Renamed ids: the build fails without an alias and lands with one
# -----------------------------------------------------------------------------


def test_renamed_id_without_alias_fails_the_build(tmp_path):
    project = copy_project(tmp_path)
    rename_ii_3(project, moved_from=False)
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "'muc/II.html#II-3'" in result.stderr
    assert "moved_from: [II-3]" in result.stderr


PAGE_RENAMES = {
    # kind: (file, old id, new id, old page, forwards to)
    "section": ("plan.yaml", "III", "III-moi", "muc/III.html", "III-moi.html"),
    "document": ("documents.yaml", "ct-33-ttg", "ct-33-ttg-moi", "van-ban/ct-33-ttg.html", "ct-33-ttg-moi.html"),
}


@pytest.mark.parametrize("kind", PAGE_RENAMES)
def test_renamed_page_with_moved_from_builds(tmp_path, kind):
    """A section or document renamed with moved_from keeps its published links (the build passes).

    The old page becomes a redirect that keeps the hash, so every anchor the
    manifest recorded on it still lands on the same id of the new page.
    """
    name, old, new, old_page, forwards_to = PAGE_RENAMES[kind]
    project = copy_project(tmp_path)
    yaml_rename(project / "content" / name, old, new)  # and the relations that name it
    result = mkdocs_build(project)
    assert result.returncode == 0, f"renaming a {kind} with moved_from fails the build:\n{result.stderr}"
    assert redirect_target(project / "site" / old_page) == forwards_to


def test_alias_build_writes_redirects(aliased_site):
    assert redirect_target(aliased_site / "k" / "II-3" / "index.html") == "../../muc/II.html#II-3-moi"
    assert redirect_target(aliased_site / "k" / "II-3-moi" / "index.html") == "../../muc/II.html#II-3-moi"
    alias = BeautifulSoup((aliased_site / "muc" / "II.html").read_text(encoding="utf-8"), "html.parser").find(
        id="II-3")
    assert alias is not None and "plan-alias" in alias["class"] and alias["data-alias-of"] == "II-3-moi"


def assert_landed(page, unit_id: str):
    unit = page.locator(f"[id='{unit_id}']")
    expect(unit).to_have_class(re.compile(r"\bplan-landed\b"))
    badge = unit.locator(".plan-landed-badge")
    expect(badge).to_have_count(1)
    expect(badge).to_be_visible()
    expect(badge).to_have_text(labels()["copy"]["landed"])
    expect(unit).to_be_in_viewport()


@browser_test
def test_old_anchor_and_old_short_url_land_on_the_renamed_unit(page, aliased_site):
    with serve(aliased_site) as base:
        page.goto(base + "muc/II.html#II-3")
        expect(page.locator("[id='II-3-moi']")).to_have_class(re.compile(r"\bplan-landed\b"))
        assert page.evaluate("location.hash") == "#II-3-moi"
        assert_landed(page, "II-3-moi")

        page.goto(base + "k/II-3/")
        page.wait_for_url(base + "muc/II.html#II-3-moi")
        assert_landed(page, "II-3-moi")

        # A page without the old id forwards through the alias map in plan-data.js.
        page.goto(base + "thuat-ngu.html#II-3")
        page.wait_for_url(base + "muc/II.html#II-3-moi")
        assert_landed(page, "II-3-moi")


# -----------------------------------------------------------------------------
# 4-5. Copy buttons and landing (real site)
# -----------------------------------------------------------------------------


@browser_test
def test_copy_buttons_by_mouse_and_keyboard(clip_page, site_server):
    page = clip_page
    unit_id = example_unit()
    copy = labels()["copy"]
    url = site_server + f"muc/II.html#{unit_id}"
    page.goto(site_server + "muc/II.html")
    unit = page.locator(f"[id='{unit_id}']")
    assert unit.get_attribute("data-cite") == EXAMPLE_CITATION
    bar = unit.locator(":scope > .plan-copy")
    link, cite = bar.locator("button.plan-copy-link"), bar.locator("button.plan-copy-citation")
    live = page.locator(".plan-live[role=status]")
    expect(link).to_have_count(1)
    expect(cite).to_have_count(1)
    assert opacity(bar) == 0, "copy buttons show before hover/focus"

    # Mouse
    unit.hover()
    assert opacity(bar) == 1, "copy buttons stay hidden on hover"
    clear_clipboard(page)
    link.click()
    expect(live).to_have_text(copy["copied_link"])
    assert clipboard(page) == url
    clear_clipboard(page)
    cite.click()
    expect(live).to_have_text(copy["copied_citation"])
    assert clipboard(page) == f"{EXAMPLE_CITATION}. {url}"

    # Keyboard only: the buttons follow the unit's permalink in tab order.
    page.locator("h1").first.hover()
    page.locator(f"[id='{unit_id}'] > a.headerlink").focus()
    # The visible "Đã sao chép" keeps the bar shown for a moment after a copy.
    expect(bar).not_to_have_class(re.compile(r"\bplan-copy-done\b"), timeout=5000)
    assert opacity(bar) == 0, "copy buttons show without hover or focus"
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    assert opacity(bar) == 1, "copy buttons stay hidden on keyboard focus"
    clear_clipboard(page)
    page.keyboard.press("Enter")
    expect(live).to_have_text(copy["copied_link"])
    assert clipboard(page) == url
    page.keyboard.press("Tab")
    expect(cite).to_be_focused()
    clear_clipboard(page)
    page.keyboard.press("Enter")
    expect(live).to_have_text(copy["copied_citation"])
    assert clipboard(page) == f"{EXAMPLE_CITATION}. {url}"
    assert link.get_attribute("aria-label") == f"{copy['link']}: {EXAMPLE_CITATION}"


@browser_test
def test_landing_highlights_the_unit_not_by_colour_alone(page, site_server):
    page.goto(site_server + "muc/II.html#II-1-a")
    assert_landed(page, "II-1-a")
    unit = page.locator("[id='II-1-a']")
    outline = unit.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none" or unit.locator(".plan-landed-badge").is_visible()
    assert outline != "none"
    # Following another link on the page moves the highlight.
    page.evaluate("location.hash = '#II-1-b'")
    assert_landed(page, "II-1-b")
    expect(page.locator(".plan-landed")).to_have_count(1)
    expect(page.locator(".plan-landed-badge")).to_have_count(1)


# -----------------------------------------------------------------------------
# 6. QR codes
# -----------------------------------------------------------------------------


@browser_test
def test_every_qr_code_decodes_to_its_absolute_short_url(page, built_site, site_server):
    import zxingcpp
    from PIL import Image

    site_url = site_url_of(built_site)
    files = sorted(p.name for p in (built_site / "qr").glob("*.svg"))
    assert files == sorted(f"{u.id}.svg" for u in citables(content()) if u.qr)
    # The SVG files are rendered as the trainers' page shows them: <img src="qr/<id>.svg">.
    cells = "".join(f'<div class="cell" id="c{i}"><img src="{site_server}qr/{name}"></div>'
                    for i, name in enumerate(files))
    page.goto(site_server + "404.html")
    page.set_content("<!doctype html><style>body{margin:0;background:#fff}"
                     ".cell{display:inline-block;padding:24px;background:#fff}"
                     "img{width:396px;height:396px;image-rendering:pixelated}</style>" + cells)
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    broken = page.evaluate("Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")
    assert broken == [], "QR SVG files that a browser cannot render as an image"
    for i, name in enumerate(files):
        png = page.locator(f"#c{i}").screenshot()
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert [r.text for r in found] == [f"{site_url}k/{name[:-4]}/"], name
        assert (built_site / "k" / name[:-4] / "index.html").exists()


# -----------------------------------------------------------------------------
# 7. Short URLs
# -----------------------------------------------------------------------------


def test_every_short_url_forwards_to_its_target(built_site):
    units = {u.id: u for u in citables(content())}
    shorts = {p.parent.name: p for p in (built_site / "k").glob("*/index.html")}
    assert set(shorts) == set(units) | set(aliases(content()))
    pages: dict[Path, BeautifulSoup] = {}
    for unit_id, redirect in sorted(shorts.items()):
        target = redirect_target(redirect)
        url = urljoin(f"file://{redirect.as_posix()}", target)
        parts = urlsplit(url)
        file = Path(parts.path)
        assert file.is_file(), f"k/{unit_id}/ forwards to missing {target}"
        assert file.relative_to(built_site).as_posix() + (f"#{parts.fragment}" if parts.fragment else "") \
            == units[unit_id].target
        if parts.fragment:
            if file not in pages:
                pages[file] = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
            assert pages[file].find(id=parts.fragment) is not None, f"k/{unit_id}/ -> {target}: no such anchor"


@browser_test
def test_short_urls_forward_in_the_browser(page, site_server):
    units = {u.id: u for u in citables(content())}
    picks = ["II-3", example_unit(), next(u.id for u in units.values() if u.kind == "footnote")]
    for unit_id in picks:
        page.goto(site_server + units[unit_id].short)
        page.wait_for_url(site_server + units[unit_id].target)
        assert page.evaluate("location.hash") == f"#{unit_id}"
        assert_landed(page, unit_id)


# -----------------------------------------------------------------------------
# 8. The trainers' page
# -----------------------------------------------------------------------------


def test_trainers_page_lists_every_unit(built_site):
    site_url = site_url_of(built_site)
    html = BeautifulSoup((built_site / "giang-vien.html").read_text(encoding="utf-8"), "html.parser")
    blocks = html.select("article .plan-handout-entry")
    units = citables(content())
    assert len(blocks) == len(units)
    for block, unit in zip(blocks, units):
        # The full citation is what "Sao chép trích dẫn" copies; the entry shows its place
        # (the plan's title is printed once, above all entries).
        assert block["data-cite"] == unit.citation
        place = unit.citation.split(" — ")[0] if unit.kind != "document" else unit.citation.split(" ngày ")[0]
        assert block.select_one(".plan-handout-head strong").get_text().startswith(place.split(" của ")[0])
        assert f"{site_url}{unit.short}" in block.get_text()
        qr = block.select_one("img.plan-qr")
        assert (qr is not None) == unit.qr, unit.id
        if qr is not None:
            assert qr["src"] == f"qr/{unit.id}.svg" and qr.get("alt")


@browser_test
def test_trainers_page_prints_cleanly(page, site_server):
    page.goto(site_server + "giang-vien.html")
    expect(page.locator(".plan-handout-entry")).to_have_count(len(citables(content())))
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    qr = page.locator("img.plan-qr")
    assert qr.count() == sum(u.qr for u in citables(content()))
    assert qr.evaluate_all("els => els.filter(i => !i.naturalWidth).map(i => i.src)") == [], \
        "QR codes that do not render on the trainers' page"
    page.emulate_media(media="print")
    hidden = "els => els.every(el => getComputedStyle(el).display === 'none')"
    assert page.locator(".md-header").evaluate_all(hidden)
    assert page.locator(".md-sidebar").count() > 0 and page.locator(".md-sidebar").evaluate_all(hidden)
    assert page.locator(".plan-copy").evaluate_all(hidden)
    expect(page.locator(".plan-handout-entry").first).to_be_visible()
    expect(page.locator("img.plan-qr").first).to_be_visible()
    # Copy buttons on plan pages do not print either.
    page.emulate_media(media="screen")
    page.goto(site_server + "muc/II.html")
    assert page.locator(".plan-copy").count() > 0
    page.emulate_media(media="print")
    assert page.locator(".plan-copy").evaluate_all(hidden)
    assert page.locator(".md-header").evaluate_all(hidden)
