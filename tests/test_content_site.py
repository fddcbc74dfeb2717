"""Content tests: facts of the real plan (content/) and its source text, on the
built site. A content edit may break these, and only these: the code tests
(every other test module) run on the fixtures in tests/fixtures/ or on facts
they derive from content/ themselves.

The sentences of the source text (../shared, PLANSITE_REQUIRE_SOURCE=1 in CI)
must all be on the site; the rest pins what the source says of given tasks,
units and documents.
"""

from __future__ import annotations

from helpers import REPO, one_line, source_sentences, squash
from plansite.loader import load_content
from plansite.permalinks import citables
from test_readers import article_text as readers_text
from test_resp import article_text
from test_site import article, soup

# -----------------------------------------------------------------------------
# The source text, whole
# -----------------------------------------------------------------------------

def test_full_text_holds_every_sentence_of_the_source(built_site):
    page = squash(article(built_site, "toan-van.html").get_text())
    sentences = source_sentences()
    assert len(sentences) > 100
    missing = [s for s in sentences if squash(s) not in page]
    assert missing == []


# -----------------------------------------------------------------------------
# Tasks, documents and their relations
# -----------------------------------------------------------------------------

def test_task_has_heading_permalink_units_timing_and_footnote(built_site):
    page = article(built_site, "muc/II.html")
    task = page.select_one("h2#II-3")
    assert task and task.select_one("a.headerlink")["title"] == "Liên kết cố định đến mục này"
    meta = task.find_next("dl", class_="plan-meta")
    assert "Thường xuyên và theo thời gian quy định của cấp trên." in meta.get_text()
    assert meta.select_one("a[href='../don-vi/phong-truc-thuoc.html']")
    ref = page.select_one("#II-1-a sup a.footnote-ref")
    assert ref["href"] == "#fn-1" and ref.get_text() == "(1)"
    note = page.select_one("#fn-1")
    assert "Chỉ thị số 33/CT-TTg" in note.get_text()


def test_editorial_note_on_218_keeps_the_cited_form(built_site):
    page = article(built_site, "van-ban/qd-218-tu.html")
    assert page.h1.get_text().startswith("Quyết định 218-QĐ/TU")
    assert "218-QĐ/TW" in page.select_one(".plan-note").get_text()


def test_relations_shown_in_both_directions(built_site):
    cv = article(built_site, "van-ban/cv-4973-ubnd.html").get_text()
    ct = article(built_site, "van-ban/ct-33-ttg.html").get_text()
    assert "Triển khai: Chỉ thị 33/CT-TTg" in " ".join(cv.split())
    assert "Được triển khai bởi: Công văn 4973/UBND-NCKSTTHC" in " ".join(ct.split())
    svg = article(built_site, "van-ban/cv-4973-ubnd.html").select_one("svg.plan-diagram")
    assert svg is not None and "33/CT-TTg" in svg.get_text()


# -----------------------------------------------------------------------------
# Units: own and shared duties, the reporting duty, no repetitions
# -----------------------------------------------------------------------------

def test_thanh_tra_so_sees_its_own_and_its_groups_duties(built_site):
    html = soup(built_site, "don-vi/thanh-tra-so.html")
    own = [one_line(a.get_text(" ")) for a in html.select("#nhiem-vu ~ ul.plan-duties")[0].select("a.plan-duty-link")]
    assert [o.split()[0] for o in own] == ["II.4"]
    shared_heading = html.select_one("h2#nhiem-vu-chung")
    assert shared_heading is not None
    shared = html.select("ul.plan-duties-shared a.plan-duty-link")
    numbers = [one_line(a.select_one(".plan-number").get_text()) for a in shared]
    assert numbers == ["II.1", "II.2", "II.3", "III (gạch đầu dòng 2)"]
    assert "Các phòng, đơn vị trực thuộc Sở" in html.select_one("p.plan-shared-intro").get_text()
    rows = html.select("table.plan-checklist tbody tr")
    assert [one_line(r.select("td")[1].get_text()) for r in rows] == ["II.1", "II.2", "II.3", "II.4",
                                                                      "III (gạch đầu dòng 2)"]
    assert all("☐" in r.select("td")[0].get_text() for r in rows)
    assert "Thường xuyên." in rows[3].get_text()


def test_reporting_duty_of_van_phong_so_is_on_the_schedule(built_site):
    text = article_text(built_site, "tien-do.html")
    assert "III (gạch đầu dòng 3)" in text
    assert "định kỳ theo quy định" in text and "Văn phòng Sở" in text


def test_task_boxes_do_not_repeat_themselves(built_site):
    text = article_text(built_site, "muc/II.html")
    assert "Thường xuyên. [Thường xuyên]" not in text and "Thường xuyên. Thường xuyên" not in text
    assert "Các phòng, đơn vị trực thuộc Sở. → Các phòng, đơn vị trực thuộc Sở" not in text
    assert squash(text).count(squash("Các phòng, đơn vị trực thuộc Sở.")) == 1
    assert "Các phòng, đơn vị trực thuộc Sở" in text


def test_home_outline_shows_units_of_every_assignment(built_site):
    text = article_text(built_site, "index.html")
    assert "III (gạch đầu dòng 3) Giao Văn phòng Sở" in text
    assert "II.4 Tăng cường công tác tiếp công dân" in text


# -----------------------------------------------------------------------------
# Documents: relations unknown, citations that say each part once
# -----------------------------------------------------------------------------

def test_a_cited_document_without_relations_says_which_relations_are_unknown(built_site):
    text = readers_text(built_site, "van-ban/qd-217-tw.html")
    assert "Chưa rõ (văn bản gốc không ghi)" not in text
    assert "Được Kế hoạch dẫn chiếu: Kế hoạch triển khai thực hiện công tác dân vận năm 2022 (1 chỗ" in text
    assert "văn bản này triển khai hay căn cứ văn bản nào thì Kế hoạch không nêu" in text
    svg = soup(built_site, "van-ban/qd-217-tw.html").select_one("article svg.plan-diagram")
    assert len(svg.select("rect")) == 2 and svg.select("line"), "a lone box: the plan's citation is an edge"


def test_no_citation_names_its_issuer_twice():
    units = {u.id: u for u in citables(load_content(REPO / "content"))}
    assert units["kh-cchc-2022"].citation == "Kế hoạch cải cách hành chính năm 2022 của Sở Kế hoạch và Đầu tư"
    for unit in units.values():
        text = unit.citation
        assert text.count("của Sở Kế hoạch và Đầu tư") <= 1, text
        assert "cải cách hành chính năm 2022 cải cách" not in text.lower(), text
    assert units["ct-33-ttg"].citation.startswith("Chỉ thị 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ về ")
