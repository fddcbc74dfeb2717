"""Tests on the real built site: parse the HTML MkDocs wrote."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import PAGE_KINDS, REPO, copy_project, mkdocs_build, squash
from plansite.searchfold import fold

# The test's own idea of a document number in prose (state or Party grammar).
NUMBER = re.compile(r"(?<![\w/])\d+(?:/\d{4})?(?:/[A-ZĐ][\wĐđ]*-[A-ZĐ][\wĐđ-]*|-[A-ZĐ][\wĐđ]*/[A-ZĐ][\wĐđ]*)")


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def article(site: Path, page: str):
    return soup(site, page).select_one("article.md-content__inner")


def documents() -> list[dict]:
    return yaml.safe_load((REPO / "content" / "documents.yaml").read_text(encoding="utf-8"))["documents"]


# -----------------------------------------------------------------------------
# Pages
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind,page", PAGE_KINDS.items())
def test_every_page_type_exists_in_vietnamese(built_site, kind, page):
    html = soup(built_site, page)
    assert html.html["lang"] == "vi"
    assert html.select_one("article h1"), f"{kind} page has no title"


def test_every_section_and_document_and_unit_has_a_page(built_site):
    plan = yaml.safe_load((REPO / "content" / "plan.yaml").read_text(encoding="utf-8"))
    for section in plan["sections"]:
        assert (built_site / "muc" / f"{section['id']}.html").exists()
    for doc in documents():
        assert (built_site / "van-ban" / f"{doc['id']}.html").exists()
    units = yaml.safe_load((REPO / "content" / "units.yaml").read_text(encoding="utf-8"))["units"]
    for unit in units:
        assert (built_site / "don-vi" / f"{unit['id']}.html").exists()


def test_every_plan_block_has_its_yaml_id_as_html_id(built_site):
    plan = yaml.safe_load((REPO / "content" / "plan.yaml").read_text(encoding="utf-8"))

    def ids(blocks):
        for b in blocks:
            yield b["id"]
            yield from ids(b.get("blocks", []))

    full = soup(built_site, "toan-van.html")
    for section in plan["sections"]:
        assert full.find(id=section["id"]), section["id"]
        for ident in ids(section["blocks"]):
            assert full.find(id=ident), ident


@pytest.mark.parametrize("page", ["index.html", "toan-van.html"])
def test_unknown_header_fields_are_blanks_with_an_explanation(built_site, page):
    """ND 30: an unknown field is the blank an unsigned document has, explained; never "[chưa rõ]"."""
    body = article(built_site, page)
    header = body.select_one(".plan-header")
    blanks = header.select(".plan-blank")
    assert len(blanks) >= 4  # province, number, place, date
    assert all(b.get("title") for b in blanks)
    assert not body.select(".plan-header .plan-unknown, .plan-closing .plan-unknown")
    assert "chưa rõ" not in header.get_text() + body.select_one(".plan-closing").get_text()
    text = " ".join(header.get_text().split())
    assert "Số: /KH-SKHĐT" in text.replace("\xa0", " ").replace("  ", " ").replace("  ", " ")
    assert "ngày … tháng … năm …" in text
    # The signature sits in its own column beside Nơi nhận, not under it.
    closing = body.select_one(".plan-closing")
    assert [c["class"][0] for c in closing.find_all(recursive=False)] == ["plan-recipients", "plan-signature"]
    assert body.select(".plan-note")  # the editorial note that explains the blanks


# -----------------------------------------------------------------------------
# Cross-references and backlinks
# -----------------------------------------------------------------------------

def linkable_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name != "404.html" and p.parts[len(site.parts)] not in ("assets", "k")
                  and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))  # moved pages' redirects


def test_every_citation_in_text_is_a_link_to_its_document(built_site):
    by_number = {squash(d["number"]): d["id"] for d in documents() if d["number"]}
    by_number.update({squash(n): d["id"] for d in documents() for n in d.get("also_numbered", [])})
    for page in linkable_pages(built_site):
        body = article(built_site, page)
        for code in body.select("code, pre, svg, script, .plan-excerpt, .study-q legend, .study-q label"):
            code.decompose()  # code is never linked; backlink excerpts quote other places; quiz
            # questions and options are not (a link would give the answer away)
        for block in body.find_all(["p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4"]):
            if block.find(["p", "li", "dd", "td"]):
                continue  # check the innermost text blocks only
            links = [(squash(a.get_text()), a) for a in block.find_all("a")]
            for number in NUMBER.findall(block.get_text()):
                doc_id = by_number[squash(number)]
                link = next((a for text, a in links if squash(number) in text), None)
                if page == f"van-ban/{doc_id}.html":
                    assert link is None, (page, number)  # no link from a document's page to itself
                    continue
                assert link is not None, (page, number, block.get_text()[:80])
                target = (built_site / Path(page).parent / link["href"].split("#")[0]).resolve()
                assert target == (built_site / "van-ban" / f"{doc_id}.html").resolve(), (page, number)


def test_citations_inside_code_are_not_linked(built_site):
    guide = article(built_site, "bien-tap/huong-dan-bien-tap.html")
    codes = [c for c in guide.select("code") if NUMBER.search(c.get_text())]
    assert codes, "the guide shows document numbers in code"
    assert all(c.find_parent("a") is None and not c.select("a") for c in codes)


def expected_backlinks() -> dict[str, set[tuple[str, str]]]:
    """Where each document is cited, derived from the plan's text blocks."""
    plan = yaml.safe_load((REPO / "content" / "plan.yaml").read_text(encoding="utf-8"))
    docs = documents()
    by_number = {squash(n): d["id"] for d in docs for n in [d["number"], *d.get("also_numbered", [])] if n}
    phrases = {p: d["id"] for d in docs for p in d.get("cited_as", [])}
    expected: dict[str, set] = {d["id"]: set() for d in docs}

    def visit(blocks, page):
        for b in blocks:
            text = " ".join(filter(None, [b.get("title"), b.get("text")]))
            for number in NUMBER.findall(text):
                expected[by_number[squash(number)]].add((page, b["id"]))
            for phrase, doc_id in phrases.items():
                if phrase in text:
                    expected[doc_id].add((page, b["id"]))
            visit(b.get("blocks", []), page)

    visit(plan.get("preamble", []), "index.html")
    for section in plan["sections"]:
        visit(section["blocks"], f"muc/{section['id']}.html")
    cites_fn = next(s["id"] for s in plan["sections"] if "[^fn-1]" in json.dumps(s, ensure_ascii=False))
    for footnote in plan.get("footnotes", []):
        visit(footnote["blocks"], f"muc/{cites_fn}.html")
    return expected


def test_backlinks_are_exactly_the_places_that_cite_each_document(built_site):
    expected = expected_backlinks()
    assert expected["ct-33-ttg"] >= {("index.html", "can-cu"), ("muc/I.html", "I-2"), ("muc/II.html", "fn-1-p1")}
    # The editor's guide cites documents too, but it is not a reader page: never a backlink.
    guide = article(built_site, "bien-tap/huong-dan-bien-tap.html")
    assert guide.select("a.plan-cite[href$='ct-33-ttg.html']"), "the guide no longer cites Chỉ thị 33"
    for doc_id, places in expected.items():
        page = article(built_site, f"van-ban/{doc_id}.html")
        heading = page.select_one("h2#duoc-trich-dan-tai")
        assert heading is not None
        found = set()
        for link in page.select("ul.plan-backlinks-list a.plan-backlink"):
            path, _, anchor = link["href"].partition("#")
            target = (built_site / "van-ban" / path).resolve().relative_to(built_site.resolve()).as_posix()
            found.add((target, anchor))
            assert soup(built_site, target).find(id=anchor), link["href"]
        assert found == places, doc_id


# -----------------------------------------------------------------------------
# Tooltips, slugs, search
# -----------------------------------------------------------------------------

def test_glossary_abbreviations_have_tooltips_site_wide(built_site):
    terms = yaml.safe_load((REPO / "content" / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
    expansions = {t["term"]: t["expansion"] for t in terms if t.get("abbr")}
    titles = {}
    for page in ("index.html", "muc/II.html", "toan-van.html", "bien-tap/huong-dan-bien-tap.html"):
        for abbr in article(built_site, page).select("abbr[title]"):
            titles[abbr.get_text()] = abbr["title"]
    for term in ("UBND", "HCC", "PAPI", "PCI", "SIPAS", "COVID-19"):
        assert titles.get(term) == expansions[term], term
    assert "content.tooltips" in (built_site / "index.html").read_text(encoding="utf-8")


def test_every_page_names_the_search_dialog_from_the_labels_file(built_site):
    # Material leaves role="dialog" unnamed (Lighthouse aria-dialog-name); the hooks name it.
    label = yaml.safe_load((REPO / "content" / "labels.yaml").read_text(encoding="utf-8"))["search_dialog"]
    unnamed = []
    pages = [p for p in built_site.rglob("*.html") if "md-search" in p.read_text(encoding="utf-8")]
    assert len(pages) > 30 and built_site / "404.html" in pages
    for path in pages:
        dialogs = soup(built_site, path.relative_to(built_site).as_posix()).select('[role="dialog"]')
        if [d.get("aria-label") for d in dialogs] != [label]:
            unnamed.append(path.relative_to(built_site).as_posix())
    assert unnamed == []


def test_handwritten_headings_slugify_vietnamese_to_ascii(built_site):
    guide = article(built_site, "bien-tap/huong-dan-bien-tap.html")
    ids = {h.get("id") for h in guide.select("h2")}
    assert "doc-thong-bao-loi" in ids  # "Đọc thông báo lỗi": Đ -> d, not dropped
    assert all(i.isascii() for i in ids)


def search_hits(site: Path, query: str) -> set[str]:
    """A stand-in for lunr's term matching: every query term is a prefix of
    some token of the entry's text or of its folded field."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    terms = [t.lower() for t in separator.split(query) if t]
    hits = set()
    for doc in index["docs"]:
        fields = " ".join(str(doc.get(f, "")) for f in index["config"]["fields"])
        tokens = {t.lower() for t in separator.split(re.sub(r"<[^>]+>", " ", fields)) if t}
        if all(any(tok.startswith(term) for tok in tokens) for term in terms):
            hits.add(doc["location"])
    return hits


@pytest.mark.parametrize("query,accented", [
    ("dan van", "dân vận"),
    ("cai cach hanh chinh", "cải cách hành chính"),
    ("Dang", "Đảng"),
    ("33 CT-TTg", "33/CT-TTg"),
])
def test_search_index_answers_queries_without_diacritics(built_site, query, accented):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "fold" in index["config"]["fields"]
    hits = search_hits(built_site, query)
    texts = {d["location"]: d["title"] + " " + d["text"] for d in index["docs"]}
    assert any(accented.lower() in texts[h].lower() for h in hits), query
    assert search_hits(built_site, accented), accented  # accented queries still work


def test_fold_strips_vietnamese_marks():
    assert fold("Đảng dân vận cải cách hành chính") == "Dang dan van cai cach hanh chinh"


# -----------------------------------------------------------------------------
# Strict builds
# -----------------------------------------------------------------------------

def test_unregistered_citation_in_a_handwritten_page_fails_strict_build(tmp_path):
    project = copy_project(tmp_path)
    (project / "docs" / "ghi-chu.md").write_text(
        "# Ghi chú\n\nĐoạn đầu.\n\nTheo Chỉ thị số 99/CT-TTg của Thủ tướng.\n", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "docs/ghi-chu.md:5: cites 'Chỉ thị số 99/CT-TTg', which is not in content/documents.yaml" in result.stderr


def test_broken_anchor_fails_strict_build(tmp_path):
    project = copy_project(tmp_path)
    (project / "docs" / "ghi-chu.md").write_text("# Ghi chú\n\n[Nhiệm vụ 3](toan-van.md#khong-co)\n",
                                                 encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "khong-co" in result.stderr


def test_invalid_content_fails_build_with_file_and_line(tmp_path):
    project = copy_project(tmp_path)
    plan = project / "content" / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace("implementers: [thanh-tra-so]", "implementers: [thanh-tra]")
    plan.write_text(text, encoding="utf-8")
    line = next(i + 1 for i, ln in enumerate(text.splitlines()) if "implementers: [thanh-tra]" in ln)
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert f"content/plan.yaml:{line}:" in result.stderr
    assert "unit 'thanh-tra' does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site" / "index.html").exists()


def test_build_never_writes_into_docs(tmp_path):
    project = copy_project(tmp_path)

    def snapshot():
        return {p.relative_to(project / "docs").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((project / "docs").rglob("*")) if p.is_file()}

    before = snapshot()
    assert mkdocs_build(project).returncode == 0
    assert snapshot() == before
