"""The reader's navigation: its size does not grow with the registry.

Documents, units and their Ôn tập pages are reached from their index pages
(and search), not listed in every page's nav; each of them leads back with a
breadcrumb, the nav highlights its index page and the footer leads to its
neighbours on that index. A plan too long for a phone's drawer leaves its
per-section pages to the home page's outline too.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from plansite.paths import DOCUMENTS, HOME, STUDY, TRAINERS, UNITS, md_to_html_path, relative
from plansite.permalinks import update_manifest
from plansite.site import NAV_SECTIONS_MAX, Site, prepare

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import synth  # noqa: E402  (bench/synth.py: deterministic synthetic content)

LABELS = yaml.safe_load((REPO / "content" / "labels.yaml").read_text(encoding="utf-8"))


def flat(nav: list) -> list[str]:
    """Every page path of a MkDocs-style nav, in order."""
    out: list[str] = []
    for entry in nav:
        if isinstance(entry, str):
            out.append(entry)
        else:
            for value in entry.values():
                out.extend([value] if isinstance(value, str) else flat(value))
    return out


def synthetic_site(tmp: Path, scale: int) -> Site:
    """plansite.prepare on bench/synth.py content at `scale` × the real plan."""
    root = tmp / f"synth-{scale}"
    synth.generate(root / "content", scale=scale)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
    return prepare(root)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[int, Site]:
    tmp = tmp_path_factory.mktemp("nav")
    return {scale: synthetic_site(tmp, scale) for scale in (2, 5)}


def article(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def resolve(page: str, href: str) -> str:
    """The site path a relative link on `page` leads to."""
    import posixpath

    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#", 1)[0]))


# -----------------------------------------------------------------------------
# The nav, by registry size (prepared synthetic content: no build needed)
# -----------------------------------------------------------------------------


def test_nav_does_not_grow_with_the_registry(synthetic):
    small, large = synthetic[2], synthetic[5]
    assert len(large.content.documents) == 60 and len(large.content.units) == 60
    assert len(small.content.plan.sections) <= NAV_SECTIONS_MAX < len(large.content.plan.sections)
    for site in (small, large):
        listed = flat(site.nav)
        assert not set(listed) & set(site.indexed), "a page reached from an index page is listed in the nav"
        assert {DOCUMENTS, UNITS, STUDY, TRAINERS, HOME} <= set(listed)
        assert not [p for p in listed if p.startswith(("van-ban/", "don-vi/", "on-tap/don-vi/")) and
                    not p.endswith("/index.md")]
        # Zensical reads the same nav as SUMMARY.md
        summary = site.nav_markdown()
        assert all(f"]({p})" not in summary for p in site.indexed)
    # 2.5× the registry and 15 sections instead of 6: the same nav, less the per-section pages
    per_section = {p for p in large.indexed if p.startswith(("muc/", "giang-vien/", "on-tap/muc/"))}
    per_section_small = {p for p in flat(small.nav) if p.startswith(("muc/", "giang-vien/", "on-tap/muc/"))}
    assert len(per_section_small) == 3 * len(small.content.plan.sections)
    assert flat(large.nav) == [p for p in flat(small.nav) if p not in per_section_small]
    assert len(per_section) == 3 * len(large.content.plan.sections)


def test_index_pages_link_every_page_the_nav_leaves_out(synthetic):
    for site in synthetic.values():
        assert len(site.indexed) >= 3 * len(site.content.units)
        for page, index in site.indexed.items():
            text = site.pages[index].markdown
            assert f"({relative(page, index)})" in text or f'"{relative(md_to_html_path(page), index)}"' in text, \
                (page, index)


def test_breadcrumb_is_escaped_by_construction(synthetic):
    site = dataclasses.replace(synthetic[2])
    site.pages = {**site.pages, DOCUMENTS: dataclasses.replace(site.pages[DOCUMENTS], title='Văn bản <b>&</b> "x"')}
    site.content = dataclasses.replace(site.content, labels={
        **site.content.labels, "readers": {**site.content.labels["readers"], "breadcrumb": '<img src=x onerror="y">'}})
    page = next(p for p, i in site.indexed.items() if i == DOCUMENTS)
    crumb = BeautifulSoup(site.breadcrumb(page), "html.parser")
    assert crumb.find("img") is None and crumb.find("b") is None
    assert crumb.nav["aria-label"] == '<img src=x onerror="y">'
    assert [a.get_text() for a in crumb.select("a")] == [LABELS["pages"]["home"], 'Văn bản <b>&</b> "x"']


def test_neighbours_follow_the_index_order(synthetic):
    site = synthetic[2]
    docs = [f"van-ban/{d.id}.md" for d in site.content.documents]
    assert site.neighbours(docs[0]) == (None, docs[1])
    assert site.neighbours(docs[3]) == (docs[2], docs[4])
    assert site.neighbours(docs[-1]) == (docs[-2], None)
    assert site.neighbours(DOCUMENTS) == (None, None)  # in the nav: MkDocs decides


# -----------------------------------------------------------------------------
# The built real site
# -----------------------------------------------------------------------------


PAGES = [("van-ban/ct-33-ttg.html", "van-ban/index.html", LABELS["pages"]["documents"]),
         ("don-vi/thanh-tra-so.html", "don-vi/index.html", LABELS["pages"]["units"]),
         ("on-tap/don-vi/thanh-tra-so.html", "on-tap/index.html", None)]


@pytest.mark.parametrize("page, index, title", PAGES)
def test_breadcrumb_leads_home_and_to_the_index(built_site, page, index, title):
    html = article(built_site, page)
    crumb = html.select_one("article nav.plan-breadcrumb")
    assert crumb is not None and crumb["aria-label"] == LABELS["readers"]["breadcrumb"]
    # Right under the title (after the "last updated" line, which the currency step adds
    # last): not above it, where a search index would file it as a section of its own.
    before = crumb.find_previous_sibling()
    if "plan-currency" in before.get("class", []):
        before = before.find_previous_sibling()
    assert before is html.select_one("article h1"), "the trail sits right under the title"
    assert crumb.has_attr("data-search-exclude")
    links = crumb.select("ol > li > a")
    assert [resolve(page, a["href"]) for a in links] == ["index.html", index]
    assert links[0].get_text() == LABELS["pages"]["home"]
    if title:
        assert links[1].get_text() == title
    assert all((built_site / resolve(page, a["href"])).is_file() for a in links)


@pytest.mark.parametrize("page, index, title", PAGES)
def test_nav_highlights_the_index_and_lists_no_registry_page(built_site, page, index, title):
    html = article(built_site, page)
    primary = html.select_one("nav.md-nav--primary")
    targets = {resolve(page, a["href"]) for a in primary.select("a[href]") if not a["href"].startswith("#")}
    assert index in targets
    assert not [t for t in targets if t.startswith(("van-ban/", "don-vi/", "on-tap/don-vi/")) and
                not t.endswith("/index.html")], "document and unit pages are not in the nav"
    active = [resolve(page, a["href"]) for a in primary.select(".md-nav__item--active > a.md-nav__link[href]")]
    assert index in active


def test_nav_has_no_breadcrumb_on_its_own_pages(built_site):
    for page in ("index.html", "van-ban/index.html", "don-vi/index.html", "muc/II.html", "tien-do.html"):
        assert article(built_site, page).select_one("nav.plan-breadcrumb") is None, page


def test_footer_leads_to_the_neighbours_on_the_index(built_site):
    documents = yaml.safe_load((REPO / "content" / "documents.yaml").read_text(encoding="utf-8"))["documents"]
    ids = [d["id"] for d in documents]
    at = ids.index("ct-33-ttg")
    html = article(built_site, "van-ban/ct-33-ttg.html")
    prev, after = html.select_one("a.md-footer__link--prev"), html.select_one("a.md-footer__link--next")
    assert prev is not None and prev["href"] == f"{ids[at - 1]}.html"
    assert after is not None and after["href"] == f"{ids[at + 1]}.html"


def test_index_pages_link_every_document_and_unit(built_site):
    for index, registry, key in (("van-ban/index.html", "documents.yaml", "documents"),
                                 ("don-vi/index.html", "units.yaml", "units")):
        ids = [x["id"] for x in yaml.safe_load((REPO / "content" / registry).read_text(encoding="utf-8"))[key]]
        targets = {resolve(index, a["href"]) for a in article(built_site, index).select("article a[href]")}
        folder = index.split("/")[0]
        assert {f"{folder}/{i}.html" for i in ids} <= targets, index


# -----------------------------------------------------------------------------
# The permalink lockfile: what `python -m plansite permalinks` adds
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("manifest, site, titles, expected", [
    pytest.param({}, {"a.html": {"a", "x"}}, {"a.html": "a"}, {"a.html": ["x"]}, id="title-id-not-added"),
    pytest.param({"pages": {"a.html": ["a"]}}, {"a.html": {"a", "x"}}, {"a.html": "a"}, {"a.html": ["a", "x"]},
                 id="locked-title-id-kept"),
    pytest.param({}, {"bien-tap/g.html": {"g", "muc-1"}}, {}, {"bien-tap/g.html": []}, id="editor-page-only"),
    pytest.param({"pages": {"bien-tap/g.html": ["muc-1"]}}, {"bien-tap/g.html": {"muc-2"}}, {},
                 {"bien-tap/g.html": ["muc-1"]}, id="editor-anchor-kept"),
    pytest.param({}, {"on-tap/phat-tay.html": {"nv-II-3"}, "k/on-tap/nv-II-3/index.html": set()}, {},
                 {"on-tap/phat-tay.html": ["nv-II-3"], "k/on-tap/nv-II-3/index.html": []},
                 id="question-ids-locked"),  # they follow moved_from (tests/test_study_permalinks.py)
    pytest.param({"pages": {"k/on-tap/q/index.html": []}}, {}, {}, {"k/on-tap/q/index.html": []},
                 id="locked-short-url-kept"),
])
def test_lockfile_update_leaves_out_unstable_ids(manifest, site, titles, expected):
    assert update_manifest(manifest, site, titles)["pages"] == expected


def test_pages_and_anchors_named_after_a_section_or_unit_follow_its_rename(synthetic):
    """A section renamed with moved_from takes its trainers' and Ôn tập pages and its
    matrix and trainers' anchors along (redirects keep the hash); a unit its Ôn tập page."""
    from plansite.permalinks import page_moves, section_aliases, static_files

    content = synthetic[2].content
    section = dataclasses.replace(content.plan.sections[1], moved_from=("cu",))
    unit = dataclasses.replace(content.units[3], moved_from=("dv-cu",))
    renamed = dataclasses.replace(
        content, plan=dataclasses.replace(content.plan, sections=(content.plan.sections[0], section,
                                                                  *content.plan.sections[2:])),
        units=(*content.units[:3], unit, *content.units[4:]))
    moves = page_moves(renamed)
    assert moves["giang-vien/cu.html"] == f"giang-vien/{section.id}.html"
    assert moves["on-tap/muc/cu.html"] == f"on-tap/muc/{section.id}.html"
    assert moves["on-tap/don-vi/dv-cu.html"] == f"on-tap/don-vi/{unit.id}.html"
    assert section_aliases(renamed) == {"gv-cu": f"giang-vien.html#gv-{section.id}",
                                        "ma-tran-cu": f"don-vi/index.html#ma-tran-{section.id}"}
    files = static_files(renamed, None)
    assert f"{section.id}.html\" + location.hash" in files["giang-vien/cu.html"]


def test_every_page_is_in_the_nav_or_reached_from_an_index(synthetic):
    """mkdocs.yml's not_in_nav names whole folders; this is what keeps a page from
    being left out of the nav by mistake, with nothing leading to it."""
    from plansite.paths import is_editor_page

    for site in [prepare(REPO), *synthetic.values()]:
        pages = set(site.pages) | set(site.handwritten)
        listed = set(flat(site.nav))
        assert pages == listed | set(site.indexed) | {p for p in pages if is_editor_page(p)}
        assert not listed & set(site.indexed)
