"""`python -m plansite import`: a plan's .txt, .docx or PDF -> draft content that builds.

Round trips measure the draft against hand-made content (structure item by
item, and every source line kept verbatim): the seed text against
content/plan.yaml, a .docx written from content/plan.yaml (Word numbering,
header and signature tables, a real footnote), and every fixture plan in
tests/fixtures written out as .txt and .docx. Each must match 100 %.
Bad input is refused with a located message and exit status 2, never a
traceback. `permalinks --reset` lets a new plan build where the old plan's
manifest would block it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import SEED, source_text
from helpers import MANIFEST, copy_project, mkdocs_build, yaml_get, yaml_set
from plansite.importer import REPORT, ImportFailure, import_plan, vocabulary
from plansite.importer.compare import load_dir, structure_match, text_coverage
from plansite.importer.fields import Capabilities, UnitWords, classify_timing
from plansite.importer.registry import Documents, Ids, Units
from plansite.importer.review import Review
from plansite.loader import load_content
from plansite.rules import reserved_names, template_anchors
from planwriter import write_docx, write_txt

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
FIXTURES = sorted(p.parent for p in (REPO / "tests" / "fixtures").glob("*/plan.yaml"))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(*args, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plansite", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=ENV)


def hand_made(directory: Path) -> dict:
    return load_dir(directory)


def assert_full_match(draft_dir: Path, reference: dict, source_lines: list[str], *, header: bool, name: str):
    draft = load_dir(draft_dir)
    match = structure_match(draft, reference, vocabulary(), header=header)
    coverage, missing = text_coverage(source_lines, draft["plan"])
    print(f"{name}: structure {match.summary()}; text {coverage:.1f} %")
    assert match.misses == [], f"{name}: structure {match.summary()}"
    assert match.score == 100.0
    assert missing == [], f"{name}: source lines missing from the draft"
    # the draft passes the schema and every semantic check
    load_content(draft_dir)
    return match


# -----------------------------------------------------------------------------
# Round trips
# -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_draft(tmp_path_factory) -> Path:
    source_text()  # skip loudly (or fail in CI) without the seed
    out = tmp_path_factory.mktemp("seed") / "draft"
    result = run("import", SEED, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


@pytest.mark.content  # the source imported must give content/ as written: a fact of the real plan
def test_seed_text_imports_to_the_hand_made_plan(seed_draft):
    lines = source_text().splitlines()
    match = assert_full_match(seed_draft, hand_made(CONTENT), lines, header=False, name="seed .txt")
    # what is compared: every section, element, field and unit, the footnote and the cited numbers
    compared = " ".join(what for what, _ in match.items)
    for needle in ("section III role", "II-3-p1 text", "II-5 responsibility support", "II-3 timing kinds",
                   "footnote fn-1 cited in", "document 218-QĐ/TU date", "recipient nn-2 unit"):
        assert needle in compared


def test_seed_draft_passes_the_check_command(seed_draft):
    result = run("check", "--content", seed_draft)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content OK: 3 sections, 5 tasks")


@pytest.mark.content  # the real plan, round-tripped: holds while its units' names match its words
def test_seed_docx_imports_to_the_same_structure(tmp_path):
    plan = yaml.safe_load((CONTENT / "plan.yaml").read_text(encoding="utf-8"))
    source = tmp_path / "ke-hoach.docx"
    written = write_docx(plan, source)
    out = tmp_path / "draft"
    import_plan(source, out, project_content=CONTENT)
    assert_full_match(out, hand_made(CONTENT), written, header=True, name="seed .docx")
    header = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))["header"]
    # the header table: bodies as printed (capitals; "…" where the source leaves the province blank),
    # the symbol after "Số:", no invented number or date
    assert (header["parent_body"], header["issuing_body"]) == ("UBND TỈNH …", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ")
    assert (header["number"], header["symbol"], header["date"]) == (None, "KH-SKHĐT", None)


# Where a fixture's hand-made ids depart from the scheme the other plans share, the draft
# (which follows the scheme) cannot match; each gap is listed, so any other miss fails.
KNOWN_GAPS = {
    # agency_plan numbers the lone paragraph of a section III-1 / IV-1; the seed and
    # sample_plan give section paragraphs -pN ids (III-p1), which the importer follows.
    "agency_plan": {"section III children", "section IV children", "III-1 exists", "IV-1 exists",
                    "III-p1: in the draft only", "IV-p1: in the draft only"},
}


@pytest.mark.parametrize("kind", ["txt", "docx"])
@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_plans_import_back_to_their_structure(fixture, kind, tmp_path):
    reference = hand_made(fixture)
    source = tmp_path / f"{fixture.name}.{kind}"
    written = (write_docx if kind == "docx" else write_txt)(reference["plan"], source)
    out = tmp_path / "draft"
    import_plan(source, out, project_content=CONTENT)
    gaps = KNOWN_GAPS.get(fixture.name)
    if gaps is None:
        assert_full_match(out, reference, written, header=True, name=f"{fixture.name} .{kind}")
        return
    draft = load_dir(out)
    match = structure_match(draft, reference, vocabulary(), header=True)
    print(f"{fixture.name} .{kind}: structure {match.summary()}")
    assert set(match.misses) == gaps
    assert text_coverage(written, draft["plan"])[1] == []
    load_content(out)


@pytest.mark.content  # the real plan, round-tripped: holds while its units' names match its words
def test_the_sites_own_word_file_imports_back_to_the_same_plan(tmp_path):
    """Export -> import: the DOCX the site offers for download (plansite.wordfile, the official
    stream's exporter) imports back to content/plan.yaml. Skipped, saying so, where the exporter
    has not been merged yet."""
    wordfile = pytest.importorskip("plansite.wordfile", reason="EXPORT ROUND TRIP NOT RUN: plansite.wordfile "
                                   "(the site's DOCX export) is not in this branch yet")
    content = load_content(CONTENT)
    source = tmp_path / "tai-ve.docx"
    source.write_bytes(wordfile.plan_docx(content, "import-test"))
    out = tmp_path / "draft"
    import_plan(source, out, project_content=CONTENT)
    match = structure_match(load_dir(out), hand_made(CONTENT), vocabulary(), header=True)
    print(f"site .docx export: structure {match.summary()}")
    assert match.misses == []


def test_the_match_measure_sees_a_wrong_draft(seed_draft, tmp_path):
    """The measure is not a formality: a draft with one field changed, one id moved and one unit
    renamed scores below 100 % against the draft as imported (edited by id, whatever the wording)."""
    broken = tmp_path / "broken"
    shutil.copytree(seed_draft, broken)
    plan, units = broken / "plan.yaml", broken / "units.yaml"
    yaml_set(plan, "II-3-tg", "kinds", ["recurring"])
    yaml_set(plan, "II-5-p3", "id", "II-5-p9")
    role = next(k for k in ("lead", "implementers") if yaml_get(plan, "II-4-dv").get(k))
    yaml_set(units, yaml_get(plan, "II-4-dv", role)[0], "name", "Thanh tra tỉnh")
    match = structure_match(load_dir(broken), hand_made(seed_draft), vocabulary())
    assert match.score < 100
    assert set(match.misses) >= {"II-3 timing kinds", "II-5-p3 exists", "II-5-p9: in the draft only",
                                 f"II-4 responsibility {role}"}


def test_seed_draft_builds_and_reset_clears_the_old_manifest(seed_draft, tmp_path):
    """The draft, in place of content/, builds strictly once the old plan's manifest is reset."""
    project = copy_project(tmp_path / "project", dirs=("docs", "templates", "hooks", "plansite", "overrides"),
                           files=("mkdocs.yml", MANIFEST))
    shutil.copytree(seed_draft, project / "content", ignore=shutil.ignore_patterns(REPORT))

    def build():
        return mkdocs_build(project, quiet=True)

    blocked = build()
    assert blocked.returncode != 0
    assert "permalinks.lock.json" in blocked.stderr and "moved_from" in blocked.stderr
    pages_before = len(json.loads((project / "permalinks.lock.json").read_text(encoding="utf-8"))["pages"])
    reset = run("permalinks", "--reset", cwd=project)
    assert reset.returncode == 0, reset.stderr
    assert f"dropped {pages_before} pages" in reset.stdout
    assert "drop muc/II.html (#" in reset.stdout      # says what it drops, page by page
    assert json.loads((project / "permalinks.lock.json").read_text(encoding="utf-8"))["pages"] == {}
    built = build()
    assert built.returncode == 0, built.stderr
    assert (project / "site" / "muc" / "II.html").is_file()
    # the new plan's links can then be recorded
    recorded = run("permalinks", cwd=project)
    assert recorded.returncode == 0, recorded.stderr


# -----------------------------------------------------------------------------
# The review report
# -----------------------------------------------------------------------------

def test_review_report_is_printed_and_written_with_source_and_yaml_lines(seed_draft, tmp_path):
    result = run("import", SEED, "-o", tmp_path / "again")
    assert result.returncode == 0
    report = (tmp_path / "again" / REPORT).read_text(encoding="utf-8")
    assert report in result.stdout
    plan_lines = (tmp_path / "again" / "plan.yaml").read_text(encoding="utf-8").splitlines()
    source_lines = SEED.read_text(encoding="utf-8").splitlines()
    # the hyphenated "COVID-\n19." was joined: the entry names both places, and both hold the word
    entry = next(line for line in report.splitlines() if "COVID-19" in line)
    m = re.search(r"000_94313a2b43ccb1dc\.txt:(\d+) -> \S+/plan\.yaml:(\d+)", entry)
    assert m, entry
    src, dst = int(m.group(1)), int(m.group(2))
    before = [line for line in source_lines[: src - 1] if line.strip()]
    assert source_lines[src - 1].strip() == "19." and before[-1].rstrip().endswith("COVID-")
    window = "\n".join(plan_lines[dst - 1: dst + 12])
    assert "id: II-2-c" in plan_lines[dst - 1] and "COVID-19" in window
    # the unlabelled units taken from the organisation section's prose are listed for review
    assert sum("taken as the unit in charge" in line for line in report.splitlines()) == 2
    # the dates given to both documents of "A và B ngày …" are flagged
    assert re.search(r"documents\.yaml:\d+: 217-QĐ/TW is cited together with 218-QĐ/TU", report)


def test_unrecognised_label_and_unclassified_timing_are_reported(tmp_path):
    text = "\n".join([
        "KẾ HOẠCH", "Thử nghiệm nhập", "Căn cứ tình hình thực tế, Sở Thử nghiệm ban hành Kế hoạch như sau:",
        "I. NHIỆM VỤ", "1. Làm việc A.", "- Đơn vị giám sát: Phòng B.",
        "- Thời gian thực hiện: Khi có yêu cầu.", "2. Làm việc C.", "- Cơ quan thực hiện: Phòng D.",
        "- Thời gian thực hiện: Trước ngày 30/6/2025.", ""])
    source = tmp_path / "kh.txt"
    source.write_text(text, encoding="utf-8")
    result = import_plan(source, tmp_path / "out", project_content=CONTENT)
    report = result.report
    assert "kh.txt:6" in report and "Đơn vị giám sát" in report
    assert "kh.txt:7" in report and "Khi có yêu cầu" in report
    plan = yaml.safe_load((tmp_path / "out" / "plan.yaml").read_text(encoding="utf-8"))
    task2 = plan["sections"][0]["blocks"][1]
    assert task2["timing"]["kinds"] == ["deadline"] and task2["timing"]["deadline"] == "30/6/2025"
    load_content(tmp_path / "out")


# -----------------------------------------------------------------------------
# Refused input: a located message, exit status 2, never a traceback
# -----------------------------------------------------------------------------

def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))  # 8 MB of zeros: ~8 KB packed
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    """One page that draws a 1x1 image and has no text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        None,  # content stream
        None,  # image
    ]
    content = b"q 500 0 0 700 40 60 cm /Im1 Do Q"
    objects[3] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    objects[4] = (b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    return _pdf(objects)


def _encrypted_pdf() -> bytes:
    """A PDF locked with a user password (standard security handler, RC4): no reader opens it without."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -4 >>"]
    return _pdf(objects, b" /Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> "
                         b"<0123456789abcdef0123456789abcdef>]")


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R" % (len(objects) + 1) + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def _text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages hold lines of (Latin-1) text in Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 60 780 Td"]
        for line in lines:
            ops.append(b"(" + line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_ref = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % content_ref)
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    return _pdf(objects)


REFUSED = [
    ("empty.txt", b"", "the file is empty"),
    ("blank.docx", b"", "the file is empty"),
    ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Word 97-2003 .doc"),
    ("khoa.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le")
     + b"\0" * 64, "password-protected"),
    ("bom.docx", _zip_bomb(), "zip bomb"),
    ("scan.pdf", _image_only_pdf(), "no text layer"),
    ("mat-khau.pdf", _encrypted_pdf(), "password-protected"),
    ("hong.pdf", b"%PDF-1.4\n%garbage, no objects\n", "cannot be read"),
    ("khong-phai.docx", b"PK\x03\x04 not really a zip", "damaged"),
    ("anh.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not text"),
    ("cp1258.txt", b"K\xea ho\xe1ch\n", "not valid UTF-8"),
    ("thu.txt", "Kính gửi anh Nam,\nHẹn gặp lại.\n".encode(), "does not read as a plan"),
]


@pytest.mark.parametrize("name,data,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_unreadable_or_non_plan_input_is_refused_clearly(tmp_path, name, data, message):
    source = tmp_path / name
    source.write_bytes(data)
    result = run("import", source, "-o", tmp_path / "out")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"import failed: {name}"), result.stderr
    assert message in result.stderr
    assert " — " in result.stderr          # always says what to do
    assert not (tmp_path / "out" / "plan.yaml").exists()


def test_refuses_to_overwrite_a_draft_or_the_content_folder(seed_draft, tmp_path):
    again = run("import", SEED, "-o", seed_draft)
    assert again.returncode == 2 and "already holds plan.yaml" in again.stderr and "--force" in again.stderr
    into_content = run("import", SEED, "-o", "content")
    assert into_content.returncode == 2 and "project's content folder" in into_content.stderr
    assert run("import", SEED, "-o", seed_draft, "--force").returncode == 0


def test_text_pdf_with_page_numbers_and_hyphenation(tmp_path):
    """pdftotext -layout output: page numbers dropped, a hyphenated word joined, lines joined."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is missing: .ci/run installs it")
    pages = [["KE HOACH", "Thu nghiem nhap tu PDF", "Can cu tinh hinh thuc te, So Thu nghiem ban hanh Ke",
              "hoach nhu sau:", "I. MUC DICH YEU CAU", "1. Muc dich thu nhat cua ke hoach nay la kiem tra viec",
              "noi cac dong bi ngat trong ban PDF va viec ghep tu bi ngat bang dau gach noi cu-",
              "the o cuoi dong.", "", "", "", "                                   1"],
             ["2. Muc dich thu hai.", "II. NHIEM VU", "1. Nhiem vu mot.", "- Gach dau dong mot.",
              "                                   2"]]
    source = tmp_path / "plan.pdf"
    source.write_bytes(_text_pdf(pages))
    result = import_plan(source, tmp_path / "out", project_content=CONTENT)
    plan = yaml.safe_load((tmp_path / "out" / "plan.yaml").read_text(encoding="utf-8"))
    assert [s["title"] for s in plan["sections"]] == ["MUC DICH YEU CAU", "NHIEM VU"]
    first = plan["sections"][0]["blocks"][0]["text"]
    assert first.endswith("ghep tu bi ngat bang dau gach noi cu-the o cuoi dong.")
    assert [b["text"] for b in plan["sections"][0]["blocks"]][1] == "Muc dich thu hai."
    assert "cu-the" in result.report
    assert plan["sections"][1]["blocks"][0]["blocks"][0]["text"] == "Gach dau dong mot."
    # (unaccented, "KE HOACH" is no Vietnamese header: every line before section I is kept as the basis)
    assert plan["preamble"][-1]["text"] == "Can cu tinh hinh thuc te, So Thu nghiem ban hanh Ke hoach nhu sau:"


LAYOUT_EXTRACTION = """\
       UBND TỈNH MẪU                          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        SỞ THỬ NGHIỆM                              Độc lập - Tự do - Hạnh phúc
      Số: 123/KH-STN                       Thành phố Mẫu, ngày 15 tháng 3 năm 2025

                                      KẾ HOẠCH
              Thực hiện chuyển đổi số của Sở Thử nghiệm năm 2025

          Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công
   tác văn thư;
          Sở Thử nghiệm ban hành Kế hoạch thực hiện chuyển đổi số năm 2025 như sau:
   I. MỤC TIÊU
          1. Đẩy mạnh chuyển đổi số trong hoạt động của Sở, phục vụ người dân và
   doanh nghiệp ngày càng tốt hơn.
   II. NHIỆM VỤ
          1. Rà soát, sửa đổi quy chế làm việc của Sở trên môi trường số.
          - Đơn vị thực hiện: Văn phòng Sở.
          - Thời gian thực hiện: Trước ngày 30/6/2025.
                                          1
\f   Nơi nhận:                                               KT. GIÁM ĐỐC
   - UBND tỉnh Mẫu (b/c);                                   PHÓ GIÁM ĐỐC
   - Lưu: VT, VP.

                                                           Trần Thị Mẫu
"""


def test_pdf_layout_columns_of_header_and_closing(tmp_path, monkeypatch):
    """What pdftotext -layout gives for a Vietnamese plan: the header's and the closing's two
    columns side by side, indented first lines, a page number (a real PDF of Vietnamese text
    needs an embedded font, so the extraction is given as pdftotext prints it)."""
    from plansite.importer import sources

    monkeypatch.setattr(sources, "_read_pdf", lambda path: sources._text_lines(path.name, "pdf", LAYOUT_EXTRACTION))
    source = tmp_path / "ke-hoach.pdf"
    source.write_bytes(b"%PDF-1.4\n")
    import_plan(source, tmp_path / "out", project_content=CONTENT)
    plan = yaml.safe_load((tmp_path / "out" / "plan.yaml").read_text(encoding="utf-8"))
    h = plan["header"]
    assert (h["parent_body"], h["issuing_body"], h["number"], h["symbol"]) == ("UBND TỈNH MẪU", "SỞ THỬ NGHIỆM",
                                                                                "123", "KH-STN")
    # the header's date as the document writes it (the ND 30 header model); the register keeps d/m/yyyy
    assert (h["place"], h["date"], h["subject"]) == ("Thành phố Mẫu", "ngày 15 tháng 3 năm 2025",
                                                     "Thực hiện chuyển đổi số của Sở Thử nghiệm năm 2025")
    documents = yaml.safe_load((tmp_path / "out" / "documents.yaml").read_text(encoding="utf-8"))["documents"]
    assert [d["date"] for d in documents if d["id"] == plan["document"]] == ["15/3/2025"]
    signature = h["signature"]
    assert (signature.get("title"), signature.get("name")) == ("PHÓ GIÁM ĐỐC", "Trần Thị Mẫu")
    assert [p["text"] for p in plan["preamble"]] == [
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
        "Sở Thử nghiệm ban hành Kế hoạch thực hiện chuyển đổi số năm 2025 như sau:"]
    assert plan["sections"][0]["blocks"][0]["text"].endswith("người dân và doanh nghiệp ngày càng tốt hơn.")
    task = plan["sections"][1]["blocks"][0]
    assert task["timing"]["deadline"] == "30/6/2025"
    assert [e["text"] for e in plan["recipients"]["entries"]] == ["UBND tỉnh Mẫu (b/c);", "Lưu: VT, VP."]
    load_content(tmp_path / "out")


LINE_SHAPES = ["KẾ HOẠCH", "Thử nghiệm năm 2025", "Căn cứ Quyết định số 12/QĐ-UBND ngày 02/01/2025 của UBND tỉnh;",
               "I. MỤC ĐÍCH", "II. NHIỆM VỤ", "III. TỔ CHỨC THỰC HIỆN", "IV. KINH PHÍ", "1. Làm việc A.",
               "2. Làm việc B", "1.1. Việc nhỏ.", "a) Mục a.", "b) Cơ quan chủ trì: Sở Tư pháp",
               "- Gạch đầu dòng(1).", "+ Ý phụ.", "- Đơn vị thực hiện: Văn phòng Sở chủ trì, phối hợp Thanh tra Sở.",
               "- Thời gian thực hiện: Thường xuyên.", "c) Thời gian thực hiện: Tháng 12/2025.",
               "- Thời hạn: trước ngày 31/2/2025.", "Giao Văn phòng Sở theo dõi, báo cáo định kỳ.",
               "Đoạn văn không đánh số và kéo dài", "tiếp tục câu trước.", "Nơi nhận:", "- Lưu: VT.",
               "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A", "(1) Chú thích.", "_" * 20, "", "   ", "19.",
               "- Đơn vị giám sát: Phòng Y.", "Số: 5/KH-X", "Mẫu, ngày 1 tháng 2 năm 2025", "COVID-", "2. ",
               "III. ", "- ", "1. Index", "a) Search"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINE_SHAPES), min_size=1, max_size=40))
@example(lines=["I. MỤC ĐÍCH"])   # no unit named: the placeholder unit once took the reserved id don-vi
def test_any_arrangement_of_plan_lines_imports_or_is_refused_cleanly(tmp_path, lines):
    """Whatever order the lines come in: a draft that passes every check, or ImportFailure."""
    case = Path(tempfile.mkdtemp(dir=tmp_path))
    source = case / "kh.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        import_plan(source, case / "out", project_content=CONTENT)
    except ImportFailure:
        return
    load_content(case / "out")


# -----------------------------------------------------------------------------
# Pieces, table-style
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("wanted,claimed", [
    ("don-vi", "don-vi-1"),        # a folder of the site
    ("Index", "Index-1"),          # a page, in another case
    ("ma-tran", "ma-tran-1"),      # a heading id a template writes
    ("recurring", "recurring-1"),  # a timing kind's heading
    ("II-1", "II-1"),
])
def test_ids_are_never_the_sites_own(wanted, claimed):
    labels = yaml.safe_load((CONTENT / "labels.yaml").read_text(encoding="utf-8"))
    ids = Ids(reserved_names(template_anchors(REPO / "templates"), labels))
    assert ids.claim(wanted) == claimed
    assert ids.claim(wanted.upper()) not in {claimed, claimed.upper()}   # unique ignoring case


CAPS_TODAY = Capabilities.from_schema(json.loads((CONTENT / "schema" / "plan.schema.json").read_text("utf-8")))


@pytest.mark.parametrize("text,kinds,dates", [
    ("Thường xuyên.", ["recurring"], {}),
    ("Thường xuyên và theo thời gian quy định của cấp trên.", ["recurring", "superior_schedule"], {}),
    ("Trước ngày 30/6/2025.", ["deadline"], {"deadline": "30/6/2025"}),
    ("Hoàn thành trước ngày 15 tháng 11 năm 2025", ["deadline"], {"deadline": "15/11/2025"}),
    ("Từ ngày 01/4/2025 đến ngày 31/12/2025.", ["period"], {"start": "01/4/2025", "end": "31/12/2025"}),
    ("Năm 2025 và các năm tiếp theo.", ["open_ended"], {}),
])
def test_timing_kinds(text, kinds, dates):
    spec = classify_timing(text, vocabulary(), CAPS_TODAY)
    assert sorted(spec.pop("kinds")) == sorted(kinds)
    assert spec == dates


@pytest.mark.parametrize("text,lead,support", [
    ("Các phòng, đơn vị trực thuộc Sở.", ["Các phòng, đơn vị trực thuộc Sở"], []),
    ("Các phòng, đơn vị trực thuộc thực hiện theo chức năng nhiệm vụ được giao.",
     ["Các phòng, đơn vị trực thuộc"], []),
    ("Phòng Tổng hợp, Quy hoạch, Kế hoạch chủ trì phối hợp các phòng đơn vị có liên quan.",
     ["Phòng Tổng hợp, Quy hoạch, Kế hoạch"], ["Các phòng đơn vị có liên quan"]),
    ("Văn phòng Sở chủ trì, phối hợp với Thanh tra Sở và Phòng Kế hoạch - Tài chính",
     ["Văn phòng Sở"], ["Thanh tra Sở", "Phòng Kế hoạch - Tài chính"]),
    ("Văn phòng Sở; Thanh tra Sở", ["Văn phòng Sở", "Thanh tra Sở"], []),
])
def test_unit_wording(text, lead, support):
    got_lead, got_support, _ = UnitWords(vocabulary()).roles(text)
    assert (got_lead, got_support) == (lead, support)


def test_units_are_deduplicated_by_wording():
    units = Units(vocabulary())
    a = units.add("Các phòng, đơn vị trực thuộc Sở")
    assert units.add("Các Phòng, đơn vị trực thuộc") == a
    assert units.add("các phòng, đơn vị") == a
    assert units.add("Các phòng đơn vị có liên quan") != a
    assert [u["name"] for u in units.data()] == ["Các phòng, đơn vị trực thuộc Sở", "Các phòng đơn vị có liên quan"]


def test_document_numbers_with_stray_spaces_and_case_are_registered_once():
    review = Review("x.txt")
    units = Units(vocabulary())
    docs = Documents(vocabulary(), units, review)
    docs.scan("Thực hiện Nghị quyết số 27/NQ- TW ngày 09/11/2022 của Ban Chấp hành Trung ương và Chỉ thị "
              "số 32/CT-TTG; Chỉ thị số 32/CT-TTg ngày 10/12/2022 của Thủ tướng Chính phủ.", 3)
    docs.resolve()
    data = {d["number"]: d for d in docs.data({"id": "kh", "is_plan": True})[1:]}
    assert set(data) == {"27/NQ-TW", "32/CT-TTG"}
    assert (data["27/NQ-TW"]["kind"], data["27/NQ-TW"]["date"]) == ("nghi-quyet", "09/11/2022")
    assert (data["32/CT-TTG"]["kind"], data["32/CT-TTG"]["date"]) == ("chi-thi", "10/12/2022")
    assert units.data()[0]["name"] == "Ban Chấp hành Trung ương"
    assert any("27/NQ- TW" in e.message for e in review.entries)


def test_a_number_that_cannot_be_read_is_reported():
    review = Review("x.txt")
    docs = Documents(vocabulary(), Units(vocabulary()), review)
    docs.scan("Theo Công văn số 15/ubnd-vp ngày 02/01/2025 và Quyết định số 12/2025/QĐ-UBND.", 7)
    assert [d["number"] for d in docs.by_key.values()] == ["12/2025/QĐ-UBND"]
    assert [(e.kind, e.source_line) for e in review.entries] == [("number", 7)]
    assert "15/ubnd-vp" in review.entries[0].message


def test_ids_follow_the_scheme_and_are_unique_ignoring_case(seed_draft):
    plan = yaml.safe_load((seed_draft / "plan.yaml").read_text(encoding="utf-8"))
    ids = re.findall(r"\bid: (\S+)", (seed_draft / "plan.yaml").read_text(encoding="utf-8"))
    assert len({i.lower() for i in ids}) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", i) for i in ids)
    assert not {"index", "search", "assets"} & {i.lower() for i in ids}
    assert [s["id"] for s in plan["sections"]] == ["I", "II", "III"]


def test_import_of_the_seed_is_fast_enough_to_rerun(seed_draft, tmp_path):
    """Not a timed assertion: the time is printed for the report."""
    result = import_plan(SEED, tmp_path / "timed", project_content=CONTENT)
    print(f"seed import: {result.seconds:.3f} s")
    assert result.files["plan.yaml"].startswith("# yaml-language-server: $schema=schema/plan.schema.json")


@pytest.mark.parametrize("manifest,lines", [
    ({"version": 1, "pages": {}}, ["m.json: dropped 0 pages and 0 permalinks"]),
    ({"version": 1, "pages": {"index.html": [], "muc/I.html": ["I", "I-1"]}},
     ["drop index.html", "drop muc/I.html (#I, I-1)", "m.json: dropped 2 pages and 4 permalinks"]),
    ({"version": 1, "pages": {"muc/II.html": [f"a{i}" for i in range(10)]}},
     ["drop muc/II.html (#a0, a1, a2, a3, a4, a5, a6, a7, … (2 more))", "m.json: dropped 1 pages and 11"]),
])
def test_reset_manifest_lists_what_it_drops(manifest, lines):
    from plansite.permalinks import reset_manifest

    new, report = reset_manifest(manifest, "m.json")
    assert new == {"version": 1, "pages": {}}
    assert len(report) == len(lines)
    for got, want in zip(report, lines):
        assert got.startswith(want)


@pytest.mark.parametrize("bad", [[], {"pages": []}, "x"])
def test_reset_manifest_refuses_what_is_no_manifest(bad):
    from plansite.permalinks import reset_manifest

    with pytest.raises(ValueError):
        reset_manifest(bad)


def test_import_failure_names_file_and_fix():
    exc = ImportFailure("a.docx", "the file is empty", "export it again")
    assert str(exc) == "a.docx: the file is empty — export it again"
