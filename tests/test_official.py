"""The plan as an official document (Nghị định 30/2020/NĐ-CP): layout, PDF, DOCX, open data.

Checked on the files the real build publishes (built_site), read back with
the tools an office has: poppler (pdftotext, pdffonts, pdfinfo), python-docx,
LibreOffice, a JSON Schema validator, Python's csv module as Excel reads it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import REPO, source_sentences, squash, yaml_get, yaml_set
from plansite import model as m, opendata
from plansite.cache import DiskCache
from plansite.downloads import build as build_downloads
from plansite.graph import Graph
from plansite.loader import load_content
from plansite.official import layout, plain

MM = 72 / 25.4  # PDF points per millimetre
A4 = (595.28, 841.89)
PLAN_PDF = "tai-ve/kh-danvan-2022.pdf"
PLAN_DOCX = "tai-ve/kh-danvan-2022.docx"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (.ci/run installs it)", pytrace=False)
    return path


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run([tool("pdftotext"), *args, "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True, timeout=120).stdout


def flow_text(pdf: Path, footnote_labels=("1",)) -> str:
    """The PDF's text as one flow: page numbers (a digits-only first line) dropped and
    each page's footnote area (from its "(n)" marker line on) moved after the body,
    so a sentence that runs across a page break or past a footnote reads whole."""
    body, notes = [], []
    for page in pdftotext(pdf).split("\f"):
        lines = page.splitlines()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines and lines[0].strip().isdigit():
            lines.pop(0)
        marker = re.compile(rf"^\d*\((?:{'|'.join(map(re.escape, footnote_labels))})\)(\s|$)")
        cut = next((i for i, ln in enumerate(lines) if marker.match(ln.strip())), None)
        if cut is not None:
            notes += lines[cut:]
            lines = lines[:cut]
        body += lines
    return "\n".join(body + notes)


# -----------------------------------------------------------------------------
# The layout of the header and signature (one for site, PDF and DOCX)
# -----------------------------------------------------------------------------

L = {"header": {"number": "Số", "national_title": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "national_motto": "Độc lập - Tự do - Hạnh phúc"},
     "official": {"date_unknown": "ngày … tháng … năm …", "date_prefix": "ngày"}}


def header(**kw) -> m.Header:
    base = dict(parent_body="UBND TỈNH MẪU", province=None, issuing_body="Sở Thử nghiệm", number="12",
                symbol="KH-STN", place="Mẫu", date=None, kind="Kế hoạch", subject="Thử", signature=None)
    return m.Header(**{**base, **kw})


@pytest.mark.parametrize("kw,parent", [
    ({}, "UBND TỈNH MẪU"),
    ({"parent_body": "UBND tỉnh …"}, "UBND TỈNH …"),
    ({"parent_body": "UBND tỉnh", "province": "Mẫu"}, "UBND TỈNH MẪU"),
    ({"parent_body": "UBND TỈNH MẪU", "province": "Tỉnh Mẫu"}, "UBND TỈNH MẪU"),  # not twice
    ({"parent_body": None, "has_parent": False, "issuing_body": "Ủy ban nhân dân tỉnh Mẫu"}, None),  # UBND's own
    ({"parent_body": None}, "…"),  # a parent the source does not name: a blank
])
def test_parent_body_line(kw, parent):
    lay = layout(header(**kw), L)
    assert (plain(lay.parent) if lay.parent else None) == parent


@pytest.mark.parametrize("date,line", [
    (None, "Mẫu, ngày … tháng … năm …"),
    (m.WrittenDate("17/11/2025", None), "Mẫu, ngày 17/11/2025"),
    (m.WrittenDate("ngày 17 tháng 11 năm 2025", None), "Mẫu, ngày 17 tháng 11 năm 2025"),  # as written
])
def test_place_and_date_as_written(date, line):
    assert plain(layout(header(date=date), L).place_date) == line


def test_unknown_number_is_the_gap_of_an_unsigned_document():
    lay = layout(header(number=None), L)
    assert plain(lay.number).replace("\u00a0", " ").split() == ["Số:", "/KH-STN"]
    assert any(p.blank for p in lay.number) and lay.blanks
    assert not layout(header(signature=m.Signature((), "GIÁM ĐỐC", "A"), date=m.WrittenDate("1/1/2025", None)),
                      L).blanks


@pytest.mark.parametrize("written,lines", [
    ({"authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "title": "PHÓ CHỦ TỊCH", "name": "Nguyễn Văn A"},
     ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]),
    ({"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Trần Thị B"},
     ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị B"]),
    ({"prefix": "KT.", "authority": "GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "C"},  # the older form
     ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "C"]),
    ({"title": "GIÁM ĐỐC", "name": None}, ["GIÁM ĐỐC", "…"]),
    ({"authority": "TL. GIÁM ĐỐC", "title": "CHÁNH VĂN PHÒNG"}, ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "…"]),
    (None, ["…", "…"]),
])
def test_signature_lines(written, lines):
    from plansite.loader import read_signature
    sig = read_signature(written)
    lay = layout(header(signature=sig), L)
    assert [plain(x) for x in (*lay.authority, lay.name)] == lines


def test_authority_line_parses_and_formats():
    assert m.AuthorityLine.parse("TUQ. CHỦ TỊCH") == m.AuthorityLine("TUQ.", "CHỦ TỊCH")
    assert m.AuthorityLine.parse("ỦY BAN NHÂN DÂN") == m.AuthorityLine(None, "ỦY BAN NHÂN DÂN")
    assert str(m.AuthorityLine("KT.", "GIÁM ĐỐC")) == "KT. GIÁM ĐỐC"


# -----------------------------------------------------------------------------
# PDF
# -----------------------------------------------------------------------------

def test_pdf_fonts_are_embedded_serif(built_site):
    for pdf in sorted((built_site / "tai-ve").glob("*.pdf")):
        out = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [ln.split() for ln in out.splitlines()[2:] if ln.strip()]
        assert rows, pdf.name
        for row in rows:
            name, emb = row[0], row[-5]
            assert emb == "yes", f"{pdf.name}: {name} is not embedded"
            assert "Liberation-Serif" in name, f"{pdf.name}: {name} is not the Times-metric serif"


def test_pdf_is_a4_with_nd30_margins_and_metadata(built_site):
    pdf = built_site / PLAN_PDF
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    assert re.search(r"^Title:\s+Kế hoạch: Triển khai thực hiện công tác dân vận năm 2022$", info, re.M)
    assert re.search(r"^Subject:\s+Triển khai thực hiện công tác dân vận năm 2022$", info, re.M)
    assert b"/Lang (vi)" in _inflated(pdf.read_bytes())
    words = _words(pdf)
    for page, items in words.items():
        body = [w for w in items if w["yMin"] > 20 * MM - 1]  # the page number sits in the top margin
        left = min(w["xMin"] for w in body)
        right = A4[0] - max(w["xMax"] for w in body)
        top = min(w["yMin"] for w in body)
        bottom = A4[1] - max(w["yMax"] for w in body)
        assert 30 * MM - 1 <= left <= 35 * MM + 20, (page, left / MM)  # + a centred/indented first word
        assert right >= 15 * MM - 1, (page, right / MM)
        assert top >= 20 * MM - 1 and bottom >= 20 * MM - 1, (page, top / MM, bottom / MM)
    assert min(w["xMin"] for ws in words.values() for w in ws) == pytest.approx(30 * MM, abs=1)


def test_pdf_page_one_has_nd30_header_side_by_side(built_site):
    page1 = _words(built_site / PLAN_PDF)[1]

    def find(word):
        return [w for w in page1 if w["text"] == word]

    ubnd, cong = find("UBND")[0], find("CỘNG")[0]
    so, doc = find("SỞ")[0], find("Độc")[0]
    assert abs(ubnd["yMin"] - cong["yMin"]) < 3 and ubnd["xMax"] < cong["xMin"]
    assert abs(so["yMin"] - doc["yMin"]) < 3 and so["xMax"] < doc["xMin"]
    title = [w for w in page1 if abs(w["yMin"] - cong["yMin"]) < 3 and w["xMin"] >= cong["xMin"]]
    assert " ".join(w["text"] for w in title) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto = [w for w in page1 if abs(w["yMin"] - doc["yMin"]) < 3 and w["xMin"] >= doc["xMin"]]
    assert " ".join(w["text"] for w in motto) == "Độc lập - Tự do - Hạnh phúc"  # one line, not wrapped
    # KẾ HOẠCH centred on the text block (30 mm to A4 − 15 mm).
    kind = next(w for w in find("KẾ") if [x["text"] for x in page1 if abs(x["yMin"] - w["yMin"]) < 2]
                == ["KẾ", "HOẠCH"])
    centre = (30 * MM + A4[0] - 15 * MM) / 2
    kh = [w for w in page1 if abs(w["yMin"] - kind["yMin"]) < 2]
    assert abs((kh[0]["xMin"] + kh[-1]["xMax"]) / 2 - centre) < 3
    # The number: "Số:", a gap for the number, "/KH-SKHĐT"; no "[chưa rõ]" anywhere.
    text = pdftotext(built_site / PLAN_PDF)
    assert "chưa rõ" not in text.split("Ghi chú biên tập")[0]
    assert "/KH-SKHĐT" in text and "ngày … tháng … năm …" in text


def test_pdf_never_ends_a_page_with_a_heading(built_site):
    content = load_content(REPO / "content")
    headings = [squash(f"{s.number}. {s.title}") for s in content.plan.sections]
    headings += [squash(f"{b.number}. {b.title}") for _, b in content.plan.tasks() if b.title]
    pages = pdftotext(built_site / PLAN_PDF).split("\f")[:-1]
    assert len(pages) > 2
    for n, page in enumerate(pages[:-1], start=1):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        marker = next((i for i, ln in enumerate(lines) if re.match(r"^\(\d+\)", ln.strip())), len(lines))
        last = squash(lines[:marker][-1])
        assert not any(h.endswith(last) for h in headings), (n, lines[:marker][-1])


def test_nd30_stylesheet_keeps_a_heading_with_its_text(tmp_path):
    """Whatever text precedes it, a heading never ends a page (the plan itself happens
    not to break there, so this builds the cases: a heading pushed down 1 mm at a time)."""
    from plansite.pdf import html_to_pdf

    css = (REPO / "templates" / "official" / "nd30.css").read_text(encoding="utf-8")
    pdf = tmp_path / "h.pdf"
    for spacer in range(236, 256, 2):
        pdf.write_bytes(html_to_pdf(
            f'<html lang="vi"><head><style>{css}</style></head><body><div style="height: {spacer}mm"></div>'
            f'<h2>II. NỘI DUNG THỰC HIỆN</h2><p>{"Nội dung thực hiện của mục này. " * 30}</p></body></html>'))
        first = [ln for ln in pdftotext(pdf).split("\f")[0].splitlines() if ln.strip()]
        assert not first or first[-1] != "II. NỘI DUNG THỰC HIỆN", spacer


def test_every_section_and_unit_has_its_pdf_linked_from_its_page(built_site):
    content = load_content(REPO / "content")
    for s in content.plan.sections:
        pdf = built_site / f"tai-ve/muc-{s.id}.pdf"
        assert squash(s.title) in squash(pdftotext(pdf))
        links = BeautifulSoup((built_site / f"muc/{s.id}.html").read_text(encoding="utf-8"),
                              "html.parser").select(".plan-downloads a")
        assert [a["href"] for a in links] == [f"../tai-ve/muc-{s.id}.pdf"]
    graph = Graph(content)
    for u in graph.assigned_units():
        text = squash(pdftotext(built_site / f"tai-ve/don-vi-{u.id}.pdf"))
        assert squash(u.name) in text
        for a in graph.assignments_of(u.id):  # each of its duties, with the box to tick
            assert squash(a.block.title or a.block.text)[:40] in text
        page = BeautifulSoup((built_site / f"don-vi/{u.id}.html").read_text(encoding="utf-8"), "html.parser")
        assert [a["href"] for a in page.select(".plan-downloads a")] == [f"../tai-ve/don-vi-{u.id}.pdf"]
        assert page.select_one("[data-plan-print]")
    full = BeautifulSoup((built_site / "toan-van.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in full.select(".plan-downloads a")] == [PLAN_PDF, PLAN_DOCX]


# -----------------------------------------------------------------------------
# DOCX
# -----------------------------------------------------------------------------

def _docx_text(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    footnotes = [p for p in doc.part.package.parts if str(p.partname) == "/word/footnotes.xml"]
    assert footnotes, "the footnote is not a Word footnote"
    xml = footnotes[0].blob.decode("utf-8")
    for para in re.findall(r"<w:p[ >].*?</w:p>", xml):
        parts.append("".join(t if t else "-" for t in
                             re.findall(r"<w:t[^>]*>([^<]*)</w:t>|<w:noBreakHyphen/>", para)))
    return "\n".join(parts)


def test_docx_has_nd30_page_setup(built_site):
    import docx
    from docx.shared import Mm, Pt

    path = built_site / PLAN_DOCX
    doc = docx.Document(str(path))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert Mm(20) <= sec.top_margin <= Mm(25) and Mm(20) <= sec.bottom_margin <= Mm(25)
    assert Mm(30) <= sec.left_margin <= Mm(35) and Mm(15) <= sec.right_margin <= Mm(20)
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)
    head = doc.tables[0]
    assert "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" in head.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head.cell(0, 1).text
    closing = doc.tables[-1]
    assert closing.cell(0, 0).text.startswith("Nơi nhận:")
    assert doc.core_properties.language == "vi-VN" and doc.core_properties.title.startswith("Kế hoạch")
    assert 'w:footnoteReference' in doc.element.xml


@pytest.mark.content  # compares with the source text: a fact of the real plan
def test_libreoffice_opens_the_docx(built_site, tmp_path):
    soffice = tool("soffice")
    shutil.copy(built_site / PLAN_DOCX, tmp_path / "plan.docx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "plan.docx")],
                   capture_output=True, check=True, timeout=300)
    # LibreOffice 7.4 prints its own footnote number before the custom "(1)" mark Word shows alone.
    text = squash(re.sub(r"\d+\((\d+)\)", r"(\1)", flow_text(tmp_path / "plan.pdf")))
    assert [s for s in source_sentences() if squash(s) not in text] == []


# -----------------------------------------------------------------------------
# Open data
# -----------------------------------------------------------------------------

def test_json_validates_against_its_published_schema_and_round_trips(built_site):
    data = json.loads((built_site / "tai-ve/kh-danvan-2022.json").read_text(encoding="utf-8"))
    schema = json.loads((built_site / "tai-ve/kh-danvan-2022.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    content = load_content(REPO / "content")
    assert opendata.decode(m.Content, data) == content
    assert {"plan", "documents", "units", "terms"} <= data.keys()
    assert any(d["relations"] for d in data["documents"])
    broken = dict(data, units=[{"id": "x"}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_csv_has_one_row_per_assignment_and_opens_in_excel(built_site):
    raw = (built_site / "tai-ve/phan-cong.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    content = load_content(REPO / "content")
    assert len(rows) == 1 + len(Graph(content).assignments())
    for r in rows[1:]:
        assert r[1] == content.unit(r[0]).name
        page, anchor = r[7].split("#")
        html = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
        assert html.find(id=anchor) is not None, r[7]


# -----------------------------------------------------------------------------
# Responsibilities and timings as the source prints them (the fictional plans)
# -----------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _printed_lines(plan: dict) -> tuple[list[str], list[str]]:
    """From the plan's YAML, in document order: every line the source prints under an
    element ("b) Cơ quan chủ trì: Sở Nội vụ", "- Thời gian thực hiện: …"; by letter when
    every line of the element has one), and the texts of timings that are only editorial
    annotations (no label)."""
    lines, annotations = [], []

    def of(node: dict) -> None:
        r, t = node.get("responsibility") or {}, node.get("timing") or {}
        fields = [r.get("content") or {}, r]
        fields += [r[k] for k in ("lead", "implementers", "support") if isinstance(r.get(k), dict)]
        if t.get("label"):
            fields.append(t)
        elif t:
            annotations.append(t["text"])
        fields = [f for f in fields if f.get("label") or f.get("text")]
        if fields and all(f.get("letter") for f in fields):
            fields.sort(key=lambda f: "abcdđeghiklmnopqrstuvxy".index(f["letter"]))
        for f in fields:
            lines.append((f"{f['letter']}) " if f.get("letter") else "- ")
                         + (f"{f['label']}: " if f.get("label") else "") + f.get("text", ""))

    def walk(node: dict) -> None:
        for child in node.get("blocks", []):
            walk(child)
        of(node)

    for section in plan["sections"]:
        walk(section)
    return lines, annotations


_BUILT: dict[str, tuple[dict, dict[str, Path]]] = {}


def _fixture_downloads(name: str, tmp_path_factory) -> tuple[dict, dict[str, Path]]:
    """A fictional plan (tests/fixtures) and its downloads, built once by the real code."""
    if name not in _BUILT:
        dest = tmp_path_factory.mktemp(name)
        content_dir = dest / "content"
        shutil.copytree(FIXTURES / name, content_dir)
        shutil.copytree(REPO / "content" / "schema", content_dir / "schema")
        shutil.copy(REPO / "content" / "labels.yaml", content_dir / "labels.yaml")
        files = {}
        for d in build_downloads(load_content(content_dir), REPO / "templates"):
            files[d.path] = dest / Path(d.path).name
            files[d.path].write_bytes(d.data)
        _BUILT[name] = yaml.safe_load((content_dir / "plan.yaml").read_text(encoding="utf-8")), files
    return _BUILT[name]


@pytest.fixture(params=["lettered_plan", "agency_plan"])
def fixture_downloads(request, tmp_path_factory) -> tuple[dict, dict[str, Path]]:
    return _fixture_downloads(request.param, tmp_path_factory)


def test_pdf_and_docx_print_every_field_once_with_its_letter_and_label(fixture_downloads):
    import docx

    plan, files = fixture_downloads
    lines, annotations = _printed_lines(plan)
    assert lines
    name = f"tai-ve/{plan['id']}"
    paragraphs = [p.text for p in docx.Document(str(files[name + ".docx"])).paragraphs]
    # Each printed line is a paragraph of its own, in the source's order, once per element.
    assert [p for p in paragraphs if p in set(lines)] == lines
    pdf = squash(flow_text(files[name + ".pdf"]))
    at = 0
    for line in lines:
        found = pdf.find(squash(line), at)
        assert found >= 0, line
        at = found + len(squash(line))
    # An editorial annotation (a timing with no label) is not text of the plan.
    for text in annotations:
        assert not [p for p in paragraphs if p.endswith(f": {text}")], text
        assert squash(f": {text}") not in pdf, text
    assert "None" not in pdf and "None" not in "".join(paragraphs)


def test_a_group_prints_its_members_then_what_they_share(tmp_path_factory):
    plan, files = _fixture_downloads("lettered_plan", tmp_path_factory)
    groups = []

    def walk(node):
        for b in node.get("blocks", []):
            if b.get("kind") == "group":
                groups.append(b)
            walk(b)

    for s in plan["sections"]:
        walk(s)
    assert groups
    import docx

    paragraphs = [p.text for p in docx.Document(str(files[f"tai-ve/{plan['id']}.docx"])).paragraphs]
    rows = list(csv.reader(io.StringIO(files["tai-ve/phan-cong.csv"].read_text(encoding="utf-8-sig"), newline="")))
    for g in groups:
        members = [f"- {b['text']}" for b in g["blocks"]]
        r = g["responsibility"]
        at = paragraphs.index(f"- {r['label']}: {r['text']}")
        assert paragraphs[at - len(members):at] == members  # no empty paragraph for the group itself
        units = g["responsibility"].get("implementers") or g["responsibility"].get("lead")
        for unit in units:
            # The unit's checklist and the CSV name the duty by its members' words, not by nothing.
            checklist = squash(flow_text(files[f"tai-ve/don-vi-{unit}.pdf"]))
            assert all(squash(m) in checklist for m in members), unit
            cells = [r[5] for r in rows if r[0] == unit and r[7].endswith("#" + g["id"])]
            # A cell that starts with "-" would run as a formula in a spreadsheet: guarded with "'".
            assert cells == ["'" + "\n".join(members)]


def test_checklist_and_csv_tell_a_request_from_an_assignment(tmp_path_factory):
    """"Đề nghị Ủy ban Mặt trận…" asks a body outside the issuer: not a duty assigned to it."""
    plan, files = _fixture_downloads("lettered_plan", tmp_path_factory)
    labels = yaml.safe_load((REPO / "content" / "labels.yaml").read_text(encoding="utf-8"))
    request = labels["resp"]["request"]
    support, lead = labels["official"]["role_support"], labels["official"]["role_lead"]
    rows = list(csv.reader(io.StringIO(files["tai-ve/phan-cong.csv"].read_text(encoding="utf-8-sig"), newline="")))
    roles = {(r[0], r[4]): r[2] for r in rows[1:]}
    assert roles[("mttq-tinh", "III.2")] == f"{request} ({support.lower()})"
    assert roles[("so-tu-phap", "II.1.1")] == lead
    checklist = squash(flow_text(files["tai-ve/don-vi-mttq-tinh.pdf"]))
    assert squash(f"III.2 — {request} ({support.lower()})") in checklist


def test_data_page_lists_every_download_with_its_size(built_site):
    page = BeautifulSoup((built_site / "du-lieu.html").read_text(encoding="utf-8"), "html.parser")
    rows = page.select("article table.plan-data-table tbody tr")
    files = sorted(p.relative_to(built_site).as_posix() for p in (built_site / "tai-ve").iterdir())
    assert sorted(r.a["href"] for r in rows) == files
    for r in rows:
        size = (built_site / r.a["href"]).stat().st_size
        shown = r.find_all("td")[-1].get_text()
        value, unit = shown.split()
        factor = {"B": 1, "KB": 1024, "MB": 1024 * 1024}[unit]
        assert abs(float(value.replace(",", ".")) * factor - size) <= 0.05 * factor + 1, (r.a["href"], shown)


# -----------------------------------------------------------------------------
# The build cache: an edit typesets only the documents it changes
# -----------------------------------------------------------------------------

def test_after_an_edit_only_changed_documents_are_regenerated(tmp_path):
    content_dir = tmp_path / "content"
    shutil.copytree(REPO / "content", content_dir)
    cache = DiskCache(tmp_path / "cache")
    first = {d.path: d.data for d in build_downloads(load_content(content_dir), REPO / "templates", cache)}
    made = {p.name for p in (tmp_path / "cache").rglob("*.*")}
    again = {d.path: d.data for d in build_downloads(load_content(content_dir), REPO / "templates", cache)}
    assert again == first and {p.name for p in (tmp_path / "cache").rglob("*.*")} == made
    plan = content_dir / "plan.yaml"
    yaml_set(plan, "I-3", "text", yaml_get(plan, "I-3", "text").removesuffix(".") + " mới.")  # a word, by id
    edited = {d.path: d.data for d in build_downloads(load_content(content_dir), REPO / "templates", cache)}
    changed = sorted(p for p in first if first[p] != edited[p])
    new = {p.name for p in (tmp_path / "cache").rglob("*.*")} - made
    # Section I changed: the whole plan (PDF, DOCX), section I, and the open data — not the other sections or units.
    assert changed == ["tai-ve/kh-danvan-2022.docx", "tai-ve/kh-danvan-2022.json", "tai-ve/kh-danvan-2022.pdf",
                       "tai-ve/muc-I.pdf"]
    assert sorted(n.rsplit(".", 1)[1] for n in new) == ["docx", "pdf", "pdf"]


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

def _words(pdf: Path) -> dict[int, list[dict]]:
    """Words with their boxes per page (pdftotext -bbox), in points from the top left."""
    html = pdftotext(pdf, "-bbox")
    out: dict[int, list[dict]] = {}
    for n, page in enumerate(BeautifulSoup(html, "html.parser").find_all("page"), start=1):
        out[n] = [{"text": w.get_text(), **{k: float(w[k.lower()]) for k in ("xMin", "yMin", "xMax", "yMax")}}
                  for w in page.find_all("word")]
    return out


def _inflated(data: bytes) -> bytes:
    """The PDF with its Flate streams inflated (the catalog may sit in an object stream)."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[match.end():match.end() + 2_000_000]))
        except zlib.error:
            pass
    return b"".join(out)

