"""Content tests of the downloads: the plan's PDF and Word file hold every
sentence of the source text, and the assignment list (CSV) holds the real
plan's assignments as the source prints them. The code tests of the same
files (page setup, fonts, fields of the fictional plans) are in test_official.py.
"""

from __future__ import annotations

import csv
import io

from helpers import REPO, source_sentences, source_text, squash
from plansite.loader import load_content
from test_official import PLAN_DOCX, PLAN_PDF, _docx_text, flow_text


def test_pdf_holds_every_sentence_of_the_source(built_site):
    text = squash(flow_text(built_site / PLAN_PDF))
    sentences = source_sentences()
    assert len(sentences) > 100
    assert [s for s in sentences if squash(s) not in text] == []


def test_docx_holds_every_sentence_of_the_source(built_site):
    text = squash(_docx_text(built_site / PLAN_DOCX))
    assert [s for s in source_sentences() if squash(s) not in text] == []


def test_csv_rows_are_the_plans_assignments_as_the_source_prints_them(built_site):
    raw = (built_site / "tai-ve/phan-cong.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    content = load_content(REPO / "content")
    # Who does what, as the source prints it: "Đơn vị thực hiện: …" under each task of
    # section II ("Phòng Tổng hợp, Quy hoạch, Kế hoạch chủ trì phối hợp các phòng đơn
    # vị có liên quan"), and the 2nd and 3rd dashes of section III; elements numbered
    # hierarchically (Graph.number), a bullet by its place in the section.
    role = {k: content.labels["official"][f"role_{k}"] for k in ("lead", "implementer", "support")}
    always, upper = "Thường xuyên.", "Thường xuyên và theo thời gian quy định của cấp trên."
    assert [(r[0], r[2], r[3], r[4], r[6]) for r in rows[1:]] == [
        ("phong-truc-thuoc", role["implementer"], "II", "II.1", always),
        ("phong-truc-thuoc", role["implementer"], "II", "II.2", always),
        ("phong-truc-thuoc", role["implementer"], "II", "II.3", upper),
        ("thanh-tra-so", role["implementer"], "II", "II.4", always),
        ("phong-thqhkh", role["lead"], "II", "II.5", always),
        ("phong-lien-quan", role["support"], "II", "II.5", always),
        ("phong-truc-thuoc", role["implementer"], "III", "III (gạch đầu dòng 2)", ""),
        ("van-phong-so", role["implementer"], "III", "III (gạch đầu dòng 3)", "định kỳ theo quy định"),
    ]
    source = squash(source_text())
    for r in rows[1:]:
        assert squash(r[5]) in source, r[5]  # the task's own wording
