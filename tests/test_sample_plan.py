"""A second, fictional plan (tests/fixtures/sample_plan) loads with no code change.

Real plans of the genre vary: MỤC TIÊU with quantified targets, NHIỆM VỤ, GIẢI
PHÁP instead of NỘI DUNG THỰC HIỆN, a KINH PHÍ section, TỔ CHỨC THỰC HIỆN as
section IV, sub-numbering 1.1 / a), chủ trì / phối hợp, units and timing at any
level, several kinds of timing, a known header and signature. These tests check
that each shape comes through the loader into the model.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plansite import model as m
from plansite.loader import FILES, load_content
from plansite.model import Block, Content

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample_plan"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    """The sample copied to a temporary content/ dir, with the real schemas beside it."""
    dest = tmp_path_factory.mktemp("sample") / "content"
    shutil.copytree(SAMPLE, dest)
    shutil.copytree(REPO / "content" / "schema", dest / "schema")
    return dest


@pytest.fixture(scope="module")
def sample(sample_dir) -> Content:
    return load_content(sample_dir)


def block(content: Content, block_id: str) -> Block:
    return next(b for b in content.plan.walk() if b.id == block_id)


# -----------------------------------------------------------------------------
# The fixture itself
# -----------------------------------------------------------------------------

def test_fixture_is_marked_fictional_and_complete():
    for name in FILES.values():
        assert (SAMPLE / name).is_file(), name
        if name != "labels.yaml":
            head = (SAMPLE / name).read_text(encoding="utf-8")[:600]
            assert "FICTIONAL TEST DATA" in head, name
    # labels are the real ones, copied as is
    assert (SAMPLE / "labels.yaml").read_bytes() == (REPO / "content" / "labels.yaml").read_bytes()
    # the schemas are copied in at run time, never committed beside the sample
    assert not (SAMPLE / "schema").exists()


def test_sample_passes_the_cli_check(sample_dir):
    result = subprocess.run([sys.executable, "-m", "plansite", "check", "--content", str(sample_dir)],
                            cwd=sample_dir.parent, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content OK: 4 sections")


# -----------------------------------------------------------------------------
# Sections
# -----------------------------------------------------------------------------

def test_sections_titles_and_roles(sample):
    got = [(s.number, s.title, s.role) for s in sample.plan.sections]
    assert got == [
        ("I", "MỤC TIÊU", "targets"),
        ("II", "NHIỆM VỤ, GIẢI PHÁP", "tasks"),
        ("III", "KINH PHÍ", "funding"),
        ("IV", "TỔ CHỨC THỰC HIỆN", "organization"),
    ]


def test_quantified_targets(sample):
    targets_section = sample.plan.sections[0]
    targets = [b for b in targets_section.walk() if b.kind == "target"]
    assert [t.number for t in targets] == ["a", "b", "c"]
    for t in targets:
        assert re.search(r"\d+\s*%|\d+\s+\w", t.text), t.text   # a quantity: 100%, 80%, 50 công chức
    assert targets[0].text.startswith("100%")
    # the targets sit under the item "Mục tiêu cụ thể", beside the general goal
    general, specific = targets_section.blocks
    assert (general.kind, general.title) == ("item", "Mục tiêu chung")
    assert specific.title == "Mục tiêu cụ thể" and specific.blocks == tuple(targets)
    # targets are not tasks
    assert all(section.role == "tasks" for section, _ in sample.plan.tasks())


def test_funding_section(sample):
    funding = next(s for s in sample.plan.sections if s.role == "funding")
    (paragraph,) = funding.blocks
    assert paragraph.kind == "paragraph"
    assert "ngân sách nhà nước" in paragraph.text
    assert paragraph.responsibility.lead == ("phong-khtc",)


# -----------------------------------------------------------------------------
# Numbering: tasks 1, 2, 3; sub-tasks 1.1, 1.2 …; bullets a), b)
# -----------------------------------------------------------------------------

def test_tasks_subtasks_and_bullets(sample):
    tasks_section = next(s for s in sample.plan.sections if s.role == "tasks")
    tasks = tasks_section.blocks
    assert [(t.kind, t.number) for t in tasks] == [("task", "1"), ("task", "2"), ("task", "3")]
    for task in tasks:
        subs = [b for b in task.blocks if b.kind == "subtask"]
        assert [s.number for s in subs] == [f"{task.number}.{i}" for i in (1, 2)]
    bullets = block(sample, "II-2-2").blocks
    assert [(b.kind, b.number) for b in bullets] == [("bullet", "a"), ("bullet", "b")]
    # Plan.tasks() yields tasks and sub-tasks, all from NHIỆM VỤ, GIẢI PHÁP
    listed = [(s.number, b.number) for s, b in sample.plan.tasks()]
    assert listed == [("II", n) for n in ("1", "1.1", "1.2", "2", "2.1", "2.2", "3", "3.1", "3.2")]


# -----------------------------------------------------------------------------
# Responsibility (chủ trì / phối hợp) and timing at every level
# -----------------------------------------------------------------------------

def test_lead_and_support_with_labels(sample):
    r = block(sample, "II-1").responsibility
    assert (r.label, r.text) == ("Cơ quan chủ trì", "Văn phòng Sở")
    assert (r.support_label, r.support_text) == ("Cơ quan phối hợp", "Các phòng, đơn vị thuộc Sở")
    assert r.lead == ("van-phong",)
    assert r.support == ("phong-cds", "phong-khtc")
    assert r.units == ("van-phong", "phong-cds", "phong-khtc")
    assert sample.unit(r.lead[0]).name == r.text


def test_units_and_timing_attached_at_each_level(sample):
    def attached(block_id):
        b = block(sample, block_id)
        return b.responsibility is not None, b.timing is not None

    # on a task (and not repeated on its sub-tasks)
    assert attached("II-1") == (True, True)
    assert attached("II-1-1") == attached("II-1-2") == (False, False)
    # on one sub-task only
    assert attached("II-2") == (False, False)
    assert attached("II-2-1") == (True, True)
    assert attached("II-2-2") == (False, False)
    # on one bullet only
    assert attached("II-2-2-a") == (False, False)
    assert attached("II-2-2-b") == (True, True)
    # nowhere in task 3
    assert all(b.responsibility is None and b.timing is None for b in block(sample, "II-3").walk())


def test_timing_kinds(sample):
    deadline = block(sample, "II-1").timing
    assert deadline.kinds == ("deadline",)
    assert deadline.label == "Thời hạn hoàn thành"
    assert (deadline.deadline.text, deadline.deadline.value) == ("30/6/2025", dt.date(2025, 6, 30))
    assert deadline.start is None and deadline.end is None

    period = block(sample, "II-2-1").timing
    assert period.kinds == ("period",)
    assert (str(period.start), period.start.value) == ("01/4/2025", dt.date(2025, 4, 1))
    assert (str(period.end), period.end.value) == ("31/12/2025", dt.date(2025, 12, 31))
    assert period.deadline is None

    open_ended = block(sample, "II-2-2-b").timing
    assert open_ended.kinds == ("open_ended",)
    assert open_ended.text == "Năm 2025 và các năm tiếp theo."
    assert (open_ended.deadline, open_ended.start, open_ended.end) == (None, None, None)


# -----------------------------------------------------------------------------
# Header, signature, documents
# -----------------------------------------------------------------------------

def test_known_header_and_signature(sample):
    h = sample.plan.header
    assert (h.number, h.symbol, h.place) == ("123", "KH-STN", "Thành phố Mẫu")
    assert (h.date.text, h.date.value) == ("15/3/2025", dt.date(2025, 3, 15))
    assert (h.parent_body, h.province, h.has_parent) == ("UBND TỈNH MẪU", None, True)
    sig = h.signature
    assert (sig.authority, sig.title, sig.name) == (
        (m.AuthorityLine("KT.", "GIÁM ĐỐC"),), "PHÓ GIÁM ĐỐC", "Trần Thị Mẫu")


def test_state_number_with_year_and_party_number(sample):
    nd = sample.document("nd-30-2020").number
    assert (nd.grammar, nd.number, nd.year, nd.doc_type, nd.issuer) == ("state", "30", "2020", "NĐ", "CP")
    assert sample.document("nd-30-2020").number_text == "30/2020/NĐ-CP"
    nq = sample.document("nq-05-tu").number
    assert (nq.grammar, nq.number, nq.year, nq.doc_type, nq.issuer) == ("party", "05", None, "NQ", "TU")
    plan_doc = sample.document(sample.plan.document)
    assert plan_doc.is_plan and plan_doc.number_text == "123/KH-STN"
    assert f"{sample.plan.header.number}/{sample.plan.header.symbol}" == plan_doc.number_text
