"""One core, two generators: the site built by MkDocs (hooks) and by Zensical
(`python -m plansite prepare && zensical build`) is the same site.

The MkDocs site is conftest's `built_site`; the Zensical site is built here
from a copy of the project, with the same commands the README gives.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import helpers
from helpers import MANIFEST, REPO, serve
from plansite.generators import _jinja_literal
from plansite.loader import load_content
from plansite.paths import is_editor_page, relative
from plansite.permalinks import page_moves

ZENSICAL = Path(sys.executable).with_name("zensical")


def copy_project(dest: Path, *, history: bool = False) -> Path:
    """The project's files in `dest`; with `history`, in a clone of the checkout's
    git repository, so that the pages' history ("Cập nhật lần cuối", the
    history page) is the one the MkDocs build of the checkout shows."""
    if history and (REPO / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(dest)], check=True)
        subprocess.run(["git", "-C", str(dest), "reset", "--quiet"], check=True)  # the index, not the files
    return helpers.copy_project(dest, files=("mkdocs.yml", "zensical.toml", MANIFEST))


def run(project: Path, *cmd: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
    env.pop("SITE_URL", None)
    return subprocess.run(list(cmd), cwd=project, capture_output=True, text=True, env=env)


def zensical_build(project: Path) -> subprocess.CompletedProcess:
    """prepare, build, verify — stopping at the first that fails."""
    for cmd in ([sys.executable, "-m", "plansite", "prepare"], [str(ZENSICAL), "build"],
                [sys.executable, "-m", "plansite", "verify", "site-zensical"]):
        result = run(project, *cmd)
        if result.returncode != 0:
            return result
    return result


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("zensical"), history=True)
    result = zensical_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site-zensical"


# -----------------------------------------------------------------------------
# The same site
# -----------------------------------------------------------------------------

def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith("assets/")}


def main_content(site: Path, page: str) -> dict:
    """What a reader gets from a page's main content, generator aside."""
    article = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").find("article")
    assert article is not None, page
    return {
        "citations": [(a["href"], a.get("id"), a.get_text()) for a in article.select("a.plan-cite")],
        "backlinks": [(a["href"], a.get_text()) for a in article.select("a.plan-backlink")],
        "excerpts": [e.get_text() for e in article.select(".plan-excerpt")],
        # __skip: Zensical's own "skip to content" target
        "anchors": sorted({e["id"] for e in article.find_all(id=True)} - {"__skip"}),
        "tooltips": [(a.get_text(), a["title"]) for a in article.select("abbr[title]")],
        "links": [a["href"] for a in article.find_all("a", href=True)],
        "headings": [" ".join(h.get_text(" ").split()) for h in article.find_all(["h1", "h2", "h3", "h4"])],
    }


def test_both_generators_build_the_same_pages(built_site, zensical_site):
    assert html_pages(zensical_site) == html_pages(built_site)
    assert len(html_pages(built_site)) > 80


def moved_pages() -> dict[str, str]:
    """Old page -> new page: the old ones are redirects."""
    return page_moves(load_content(REPO / "content"))


def test_both_generators_give_every_page_the_same_main_content(built_site, zensical_site):
    # k/ and moved pages: redirects, compared below
    pages = sorted(p for p in html_pages(built_site) if not p.startswith("k/") and p not in moved_pages())
    totals = {"citations": 0, "backlinks": 0, "tooltips": 0, "anchors": 0}
    for page in pages:
        ours, theirs = main_content(built_site, page), main_content(zensical_site, page)
        assert theirs == ours, page
        for key in totals:
            totals[key] += len(ours[key])
    # the figures the issue counted on the real site, so the comparison compares something
    # (backlinks: 16 then, less the editor's guide's, now out of the backlinks as an editors' page)
    assert totals["citations"] >= 50 and totals["backlinks"] >= 15 and totals["tooltips"] >= 170, totals


def test_both_generators_give_the_vietnamese_404_page(built_site, zensical_site):
    """overrides/404.html: its labels come from the hooks (MkDocs) or from the
    404.html `prepare` writes (Zensical); the main pages come from the nav."""
    labels = load_content(REPO / "content").labels["readers"]["not_found"]
    for site in (built_site, zensical_site):
        page = main_content(site, "404.html")
        assert page["headings"] == [labels["title"], labels["main_pages"]] and "plan-404-q" in page["anchors"]
        assert "/muc/II.html" in page["links"] and "/lich-su.html" in page["links"]


def test_labels_are_data_in_the_written_404_template():
    """A label with template syntax is shown as written, not run."""
    import jinja2

    label = 'Không {{ 7*7 }} %} "x" #} \\ thấy'
    template = "{% set L = " + _jinja_literal({"not_found": {"title": label}}) + " %}{{ L.not_found.title }}"
    assert jinja2.Environment().from_string(template).render() == label


def test_both_generators_give_the_same_page_titles(built_site, zensical_site):
    def title(site: Path, page: str) -> str:
        return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").title.get_text()

    pages = sorted(p for p in html_pages(built_site) if not p.startswith("k/") and p != "404.html")
    differ = {p: (title(built_site, p), title(zensical_site, p)) for p in pages
              if title(built_site, p) != title(zensical_site, p)}
    # Zensical names the home page by its nav title too: "Trang chủ - <site name>"
    assert list(differ) == ["index.html"], differ
    assert differ["index.html"][1].endswith(differ["index.html"][0])


def own_assets(site: Path, page: str) -> list[str]:
    """The site's own scripts and style sheets a page loads (not the theme's)."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    urls = [e["src"] for e in soup.find_all("script", src=True)]
    urls += [e["href"] for e in soup.find_all("link", rel="stylesheet", href=True)]
    urls = [posixpath.normpath(posixpath.join(posixpath.dirname(page), u.split("?")[0])) for u in urls]
    return [u for u in urls if u.startswith("assets/") and not u.startswith(("assets/javascripts/",
                                                                            "assets/stylesheets/"))]


@pytest.mark.parametrize("page", ["index.html", "muc/II.html", "on-tap/index.html"])
def test_both_generators_load_the_same_scripts_and_styles(built_site, zensical_site, page):
    ours = own_assets(built_site, page)
    assert {"assets/plan.css", "assets/plan.js", "assets/print.js", "assets/study.js"} <= set(ours)
    assert own_assets(zensical_site, page) == ours


def navigation(site: Path, page: str) -> list[tuple[str, str]]:
    nav = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").select_one("nav.md-nav--primary")
    return [(posixpath.normpath(posixpath.join(posixpath.dirname(page), a["href"])), " ".join(a.get_text(" ").split()))
            for a in nav.select("a.md-nav__link[href]")]


# bien-tap/…: an editors' page, not in the nav itself, shows the reader's nav all the same
@pytest.mark.parametrize("page", ["index.html", "muc/II.html", "van-ban/ct-33-ttg.html",
                                  "bien-tap/huong-dan-bien-tap.html"])
def test_both_generators_give_the_same_navigation(built_site, zensical_site, page):
    ours = navigation(built_site, page)
    assert len(ours) > 20  # the plan, its sections and the main views (tests/test_nav.py)
    assert navigation(zensical_site, page) == ours


def test_redirects_qr_codes_and_plan_data_are_byte_identical(built_site, zensical_site):
    files = [p.relative_to(built_site).as_posix() for p in built_site.rglob("*")
             if p.is_file() and p.relative_to(built_site).parts[0] in ("k", "qr")]
    files += ["assets/plan-data.js", *moved_pages()]
    assert len(files) > 60 and "hieu-nang.html" in files
    for path in files:
        assert (zensical_site / path).read_bytes() == (built_site / path).read_bytes(), path


def test_zensical_site_passes_the_permalink_manifest(zensical_site):
    manifest = json.loads((REPO / "permalinks.lock.json").read_text(encoding="utf-8"))
    moves = moved_pages()
    assert moves["hieu-nang.html"] == "bien-tap/hieu-nang.html"  # so the moved pages are checked below
    for page, anchors in manifest["pages"].items():
        if page in moves:  # a moved page forwards, anchor and all, to its new address
            forward = (zensical_site / page).read_text(encoding="utf-8")
            assert f'location.replace("{relative(moves[page], page)}" + location.hash)' in forward, page
            page = moves[page]
        html = (zensical_site / page).read_text(encoding="utf-8")
        for anchor in anchors:
            assert f'id="{anchor}"' in html, (page, anchor)


def test_zensical_search_index_holds_every_page_with_its_diacritics(built_site, zensical_site):
    """What Zensical's search does do: every page MkDocs' search holds is in its
    index, text as written (it ignores extra fields, so there is no
    diacritic-free field — see README)."""
    index = json.loads((zensical_site / "search.json").read_text(encoding="utf-8"))
    located = {item["location"].split("#")[0] for item in index["items"]}
    theirs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert located == {item["location"].split("#")[0] or "index.html" for item in theirs["docs"]}
    assert {"index.html", "muc/II.html", "van-ban/ct-33-ttg.html", "lich-su.html", "du-lieu.html"} <= located
    # the editors' pages are kept out of the reader's search (their front matter), as in MkDocs' index
    assert (zensical_site / "bien-tap" / "huong-dan-bien-tap.html").exists()
    assert not any(is_editor_page(page) for page in located), located
    assert index["config"]["lang"] == ["vi"]
    text = " ".join(item["title"] + " " + item["text"] for item in index["items"])
    assert "dân vận" in text and "Chỉ thị số 33/CT-TTg" in text


def test_zensical_names_its_search_dialog_in_vietnamese(zensical_site):
    dialog = BeautifulSoup((zensical_site / "index.html").read_text(encoding="utf-8"),
                           "html.parser").select_one('[role="dialog"]')
    assert dialog is not None and dialog.get("aria-label") == "Tìm kiếm"


# -----------------------------------------------------------------------------
# The checks fail the Zensical build as they fail MkDocs'
# -----------------------------------------------------------------------------

def test_unregistered_citation_fails_prepare_with_file_and_line(tmp_path):
    project = copy_project(tmp_path)
    assert run(project, sys.executable, "-m", "plansite", "prepare").returncode == 0  # an earlier, good prepare
    (project / "docs" / "ghi-chu.md").write_text(
        "# Ghi chú\n\nĐoạn đầu.\n\nTheo Chỉ thị số 99/CT-TTg của Thủ tướng.\n", encoding="utf-8")
    result = zensical_build(project)
    assert result.returncode == 1
    assert ("docs/ghi-chu.md:5: cites 'Chỉ thị số 99/CT-TTg', which is not in content/documents.yaml"
            in result.stderr)
    assert not (project / "site-zensical").exists()
    assert not (project / "build" / "zensical" / "docs").exists()  # nothing stale to build either


def test_invalid_content_fails_prepare_with_file_and_line(tmp_path):
    project = copy_project(tmp_path)
    plan = project / "content" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "implementers: [thanh-tra-so]" in text
    plan.write_text(text.replace("implementers: [thanh-tra-so]", "implementers: [thanh-tra]"), encoding="utf-8")
    result = zensical_build(project)
    assert result.returncode == 1
    assert "content/plan.yaml:" in result.stderr and "unit 'thanh-tra' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_permalink_fails_verify(tmp_path):
    project = copy_project(tmp_path)
    manifest = json.loads((project / "permalinks.lock.json").read_text(encoding="utf-8"))
    manifest["pages"]["muc/II.html"].append("II-9")
    (project / "permalinks.lock.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = zensical_build(project)
    assert result.returncode == 1
    assert "published link 'muc/II.html#II-9' no longer resolves" in result.stderr


def test_prepare_refuses_directory_urls(tmp_path):
    project = copy_project(tmp_path)
    config = project / "zensical.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("use_directory_urls = false",
                                                                 "use_directory_urls = true"), encoding="utf-8")
    result = run(project, sys.executable, "-m", "plansite", "prepare")
    assert result.returncode == 1
    assert "use_directory_urls must be false" in result.stderr


def test_mkdocs_refuses_directory_urls(tmp_path):
    project = copy_project(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("use_directory_urls: false", "use_directory_urls: true")
    # the offline plugin turns directory URLs off by itself; without it they would be on
    config.write_text(text.replace("  - offline\n", ""), encoding="utf-8")
    result = run(project, sys.executable, "-m", "mkdocs", "build", "--strict")
    assert result.returncode == 1
    assert "use_directory_urls must be false" in result.stderr


def test_docs_folder_keeps_only_handwritten_pages(tmp_path):
    project = copy_project(tmp_path)
    before = sorted(p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*"))
    assert zensical_build(project).returncode == 0
    assert sorted(p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*")) == before
    assert (project / "build" / "zensical" / "docs" / "muc" / "II.md").exists()


# -----------------------------------------------------------------------------
# Zensical's search, in the browser: what it does
# -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zensical_server(zensical_site):
    with serve(zensical_site) as base:
        yield base


SEARCH_TEXT = """() => [...document.querySelectorAll('body > div')]
    .filter(d => d.shadowRoot).map(d => d.shadowRoot.textContent).join(' ')"""


def zensical_search(page, base: str, query: str, shows: str | None = None) -> str:
    """The text Zensical's search dialog shows for `query` (it lives in a shadow root):
    once it `shows` the expected text, however slow the machine; without `shows`
    (what must not be found), after a moment."""
    page.goto(base + "index.html")
    page.locator(".md-search__button").click()
    page.locator("input:visible").first.fill(query)
    if shows is None:
        page.wait_for_timeout(1500)
    else:
        page.wait_for_function(f"text => ({SEARCH_TEXT})().includes(text)", arg=shows, timeout=15_000)
    return page.evaluate(SEARCH_TEXT)


@pytest.mark.browser
def test_zensical_search_finds_accented_words_and_document_numbers(page, zensical_server):
    assert "Chỉ thị 33/CT-TTg" in zensical_search(page, zensical_server, "33/CT-TTg", shows="Chỉ thị 33/CT-TTg")
    assert "Công tác dân vận" in zensical_search(page, zensical_server, "dân vận", shows="Công tác dân vận")
    # Known gap (README): no diacritic folding — "dan van" finds nothing.
    assert "Công tác dân vận" not in zensical_search(page, zensical_server, "dan van")
