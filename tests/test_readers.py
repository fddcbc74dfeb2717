"""Readers find, trainers share (issue 13): the built site, parsed.

Browser behaviour of the same features is in tests/test_readers_browser.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from plansite.paths import MOVED_PAGES

REPO = Path(__file__).resolve().parent.parent
EDITOR_PAGES = ["bien-tap/huong-dan-bien-tap.html", "bien-tap/hieu-nang.html"]


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def labels() -> dict:
    return yaml.safe_load((REPO / "content" / "labels.yaml").read_text(encoding="utf-8"))


def reader_pages(site: Path) -> list[str]:
    """Every built page with the theme's layout, outside the editors' area."""
    out = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("bien-tap/", "assets/")) or rel == "404.html":
            continue
        if 'class="md-footer"' in path.read_text(encoding="utf-8"):
            out.append(rel)
    return out


# -----------------------------------------------------------------------------
# 1. Reader and editor areas apart
# -----------------------------------------------------------------------------


def test_editor_pages_live_in_their_own_folder(built_site):
    for page in EDITOR_PAGES:
        assert soup(built_site, page).select_one("article h1"), page


def test_reader_navigation_holds_no_editor_page(built_site):
    pages = reader_pages(built_site)
    assert len(pages) > 30
    for page in pages:
        nav = soup(built_site, page).select_one("nav.md-nav--primary")
        hrefs = [a["href"] for a in nav.select("a[href]")]
        assert hrefs, page
        assert not [h for h in hrefs if "bien-tap/" in h or "hieu-nang" in h], page


def test_every_page_links_the_editors_area_from_its_footer(built_site):
    label = labels()["readers"]["editor_area"]
    for page in reader_pages(built_site) + EDITOR_PAGES:
        links = soup(built_site, page).select("footer .plan-footer-links a")
        assert [a.get_text() for a in links] == [label], page
        target = (built_site / Path(page).parent / links[0]["href"]).resolve()
        assert target == (built_site / "bien-tap" / "huong-dan-bien-tap.html").resolve(), page


def test_search_index_holds_no_editor_page(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "muc/II.html" in locations
    assert not [loc for loc in locations if loc.startswith("bien-tap/") or loc in MOVED_PAGES], locations


def test_old_editor_addresses_forward_to_the_new_ones_with_their_anchor(built_site):
    assert MOVED_PAGES == {"huong-dan-bien-tap.html": "bien-tap/huong-dan-bien-tap.html",
                           "hieu-nang.html": "bien-tap/hieu-nang.html"}
    for old, new in MOVED_PAGES.items():
        text = (built_site / old).read_text(encoding="utf-8")
        assert f'url={new}"' in text and "location.hash" in text, old
    manifest = json.loads((REPO / "permalinks.lock.json").read_text(encoding="utf-8"))
    assert set(MOVED_PAGES) <= set(manifest["pages"]), "the old addresses were published: keep them locked"


# -----------------------------------------------------------------------------
# 6. Document pages that lead somewhere
# -----------------------------------------------------------------------------


def article_text(site: Path, page: str) -> str:
    return " ".join(soup(site, page).select_one("article").get_text(" ").split())


def test_every_document_shows_its_source_and_status_or_says_they_are_unknown(built_site):
    registry = yaml.safe_load((REPO / "content" / "documents.yaml").read_text(encoding="utf-8"))["documents"]
    for doc in registry:
        text = article_text(built_site, f"van-ban/{doc['id']}.html")
        if doc.get("source"):
            assert f"Nguồn chính thức {doc['source']}" in text, doc["id"]
        else:
            assert "Nguồn chính thức Chưa rõ" in text, doc["id"]
        if doc.get("status"):
            assert doc["status"]["evidence"] in text, doc["id"]
        else:
            assert "Hiệu lực Không rõ (chưa đối chiếu được với trang công khai nào)" in text, doc["id"]


@pytest.mark.parametrize(("status", "fails"), [
    ({"value": "con-hieu-luc", "checked": "29/11/2026", "evidence": "https://vbpl.vn/x"}, False),
    ({"value": "con-hieu-luc", "checked": "29/11/2026"}, True),          # no evidence
    ({"value": "con-hieu-luc", "evidence": "https://vbpl.vn/x"}, True),  # no date checked
    ({"value": "hieu-luc", "checked": "29/11/2026", "evidence": "https://vbpl.vn/x"}, True),
    ({"value": "het-hieu-luc", "checked": "29/11/2026", "evidence": "vbpl.vn/x"}, True),  # not a URL
])
def test_a_status_needs_its_evidence_and_date(tmp_path, status, fails):
    from plansite.errors import ContentError
    from plansite.loader import load_content

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    data = yaml.safe_load((content / "documents.yaml").read_text(encoding="utf-8"))
    data["documents"][2]["status"] = status
    data["documents"][2]["source"] = "https://vbpl.vn/x"
    (content / "documents.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    if fails:
        with pytest.raises(ContentError) as err:
            load_content(content)
        assert "documents.yaml" in err.value.report()
    else:
        doc = load_content(content).documents[2]
        assert (doc.source, doc.status.value, str(doc.status.checked)) == ("https://vbpl.vn/x", "con-hieu-luc",
                                                                          "29/11/2026")
