"""The real plan as plansite.loader reads it: the model matches the source text
(sections, tasks, who does what and when, the registry's numbers and dates).

Content tests (marked `content`): they pin the real plan's facts, so an edit of
content/ may call for an edit here. The loader's own behaviour is tested in
tests/test_loader.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from helpers import source_text
from plansite.loader import load_content
from plansite.model import Content

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(CONTENT)


@pytest.fixture(scope="module")
def seed() -> str:
    return source_text()


def squash(text: str) -> str:
    """Whitespace runs as one space, trimmed: the PDF's line breaks do not count."""
    return " ".join(text.split())


def seed_sections(seed: str) -> list[tuple[str, str, str]]:
    """(roman numeral, title, body) of each section heading "II. NỘI DUNG …" in the source."""
    heads = [m for m in re.finditer(r"^[ \t]*([IVX]+)\.[ \t]+(.+?)[ \t]*$", seed, re.M)
             if m.group(2) == m.group(2).upper()]
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(seed)
        out.append((m.group(1), m.group(2), seed[m.end():end]))
    return out


def seed_numbered(body: str) -> list[tuple[str, str]]:
    """(number, first line) of each "1. …" paragraph in a section of the source."""
    return [(m.group(1), m.group(2).strip())
            for m in re.finditer(r"^[ \t]*(\d{1,2})\.[ \t]+(\S.*)$", body, re.M)]


def seed_labelled(body: str, label: str) -> list[str]:
    """The first line after "- <label>:" for each such line, in order."""
    return [m.group(1).strip() for m in re.finditer(rf"^[ \t]*- {label}:[ \t]*(.+)$", body, re.M)]


def test_sections_match_the_source(content, seed):
    sections = seed_sections(seed)
    assert [(s.number, s.title) for s in content.plan.sections] == [(n, t) for n, t, _ in sections]
    assert len(content.plan.sections) == 3
    assert [s.role for s in content.plan.sections] == ["purpose", "tasks", "organization"]


def test_section_one_items(content, seed):
    _, _, body = seed_sections(seed)[0]
    expected = seed_numbered(body)
    section = content.plan.sections[0]
    assert len(section.blocks) == len(expected) == 4
    for block, (number, first_line) in zip(section.blocks, expected):
        assert block.kind == "item"
        assert block.number == number
        assert squash(block.text).startswith(squash(first_line))


def test_section_two_tasks(content, seed):
    _, _, body = seed_sections(seed)[1]
    expected = seed_numbered(body)
    assert [n for n, _ in expected] == ["1", "2", "3", "4", "5"]
    tasks = [block for section, block in content.plan.tasks() if section.number == "II"]
    assert [t.number for t in tasks] == [n for n, _ in expected]
    assert all(t.kind == "task" for t in tasks)
    for task, (_, first_line) in zip(tasks, expected):
        assert squash(task.title).startswith(squash(first_line))
    # every task of the plan is in section II
    assert all(section.number == "II" for section, _ in content.plan.tasks())


# (chủ trì, đơn vị thực hiện, phối hợp): "Đơn vị thực hiện: X" names implementers;
# II-5's one line names a chủ trì and a phối hợp.
EXPECTED_LEADS = {
    "1": ((), ("phong-truc-thuoc",), ()),
    "2": ((), ("phong-truc-thuoc",), ()),
    "3": ((), ("phong-truc-thuoc",), ()),
    "4": ((), ("thanh-tra-so",), ()),
    "5": (("phong-thqhkh",), (), ("phong-lien-quan",)),
}


def test_task_responsibility(content, seed):
    _, _, body = seed_sections(seed)[1]
    written = seed_labelled(body, "Đơn vị thực hiện")
    tasks = [block for section, block in content.plan.tasks() if section.number == "II"]
    assert len(written) == len(tasks)
    for task, first_line in zip(tasks, written):
        r = task.responsibility
        assert r is not None, task.id
        assert (r.lead, r.implementers, r.support) == EXPECTED_LEADS[task.number], task.id
        assert r.label == "Đơn vị thực hiện"
        assert squash(r.text).startswith(squash(first_line)), task.id
        for unit_id in r.units:
            assert content.unit(unit_id).kind == "internal"
    # "Thanh tra Sở" is named as written; II-5 names a chủ trì and a phối hợp
    assert content.unit("thanh-tra-so").name == squash(tasks[3].responsibility.text)
    assert "chủ trì phối hợp" in squash(tasks[4].responsibility.text)


def test_task_timing(content, seed):
    _, _, body = seed_sections(seed)[1]
    written = seed_labelled(body, "Thời gian thực hiện")
    tasks = [block for section, block in content.plan.tasks() if section.number == "II"]
    assert len(written) == len(tasks)
    for task, text in zip(tasks, written):
        t = task.timing
        assert t is not None and t.label == "Thời gian thực hiện"
        assert t.text == text
        expected = {"recurring"} if text == "Thường xuyên." else {"recurring", "superior_schedule"}
        assert set(t.kinds) == expected, task.id
        assert (t.deadline, t.start, t.end) == (None, None, None)
    assert tasks[2].timing.kinds == ("recurring", "superior_schedule")


# The number of every document the plan cites, as the plan writes it.
CITED_NUMBERS = ["4973/UBND-NCKSTTHC", "33/CT-TTg", "4685/UBND-SNV", "03-CT/TU", "49-CT/TW",
                 "217-QĐ/TW", "218-QĐ/TU", "1415-QĐ/TU", "08-HD/TU", "4598/KH-SKHĐT"]
# The test's own idea of a document number in prose (state or Party grammar).
NUMBER = re.compile(r"(?<![\w/])\d+(?:/\d{4})?(?:/[A-ZĐ][\wĐđ]*-[A-ZĐ][\wĐđ-]*|-[A-ZĐ][\wĐđ]*/[A-ZĐ][\wĐđ]*)")


def test_registry_numbers(content, seed):
    numbers = [d.number_text for d in content.documents if d.number_text]
    assert sorted(numbers) == sorted(CITED_NUMBERS)
    assert len(set(numbers)) == len(numbers)
    # and they are exactly the numbers the source text cites
    assert set(NUMBER.findall(seed)) == set(CITED_NUMBERS)


def test_unnumbered_documents(content, seed):
    cchc = content.document("kh-cchc-2022")
    assert cchc.number is None and cchc.number_text is None
    assert cchc.cited_as and all(squash(p) in squash(seed) for p in cchc.cited_as)
    plans = [d for d in content.documents if d.is_plan]
    assert [d.id for d in plans] == [content.plan.document] == ["kh-danvan-2022"]
    assert plans[0].number is None and plans[0].date is None
    assert {d.id for d in content.documents if d.number is None} == {"kh-cchc-2022", "kh-danvan-2022"}


def test_dates_as_written(content, seed):
    """Each "số N ngày d/m/yyyy" in the source is in the registry with that date, as written."""
    by_number = {d.number_text: d for d in content.documents if d.number_text}
    cited = re.findall(r"số\s+(\S+)\s+ngày\s+(\d{1,2}/\d{1,2}/\d{4})", seed)
    assert len(cited) >= 6
    for number, date in cited:
        assert by_number[number].date.text == date, number
    kh = by_number["4598/KH-SKHĐT"]
    assert (kh.date.text, kh.date.value, str(kh.date)) == ("01/9/2021", dt.date(2021, 9, 1), "01/9/2021")
    assert by_number["33/CT-TTg"].date.value == dt.date(2021, 11, 26)


def test_unknowns_are_none(content):
    h = content.plan.header
    assert (h.number, h.date, h.place, h.signature, h.province) == (None, None, None, None, None)
    assert h.parent_body == "UBND tỉnh …" and h.has_parent
    assert (h.kind, h.subject, h.symbol) == ("KẾ HOẠCH", "Triển khai thực hiện công tác dân vận năm 2022",
                                             "KH-SKHĐT")
    ct03 = content.document("ct-03-tu")
    assert ct03.date is None and ct03.subject is None
    assert ct03.number_text == "03-CT/TU"


def test_preamble_is_verbatim(content, seed):
    (basis,) = content.plan.preamble
    assert squash(basis.text) in squash(seed)
    assert squash(basis.text).startswith("Thực hiện công văn số 4973/UBND-NCKSTTHC")


def test_footnote_is_referenced_from_its_place(content, seed):
    (fn,) = content.plan.footnotes
    assert (fn.id, fn.label) == ("fn-1", "1")
    referencing = [b.id for b in content.plan.walk() if "[^fn-1]" in (b.text or "") + (b.title or "")]
    assert referencing == ["II-1-a"]
    # where the source puts the mark "(1)"
    a = next(b for b in content.plan.walk() if b.id == "II-1-a")
    assert "văn bản(1)" in seed and a.text.endswith("văn bản[^fn-1].")
    assert squash(fn.blocks[0].text).startswith("Chỉ thị số 33/CT-TTg ngày 26/11/2021")


def test_every_reference_resolves(content):
    unit_ids = {u.id for u in content.units}
    doc_ids = {d.id for d in content.documents}
    for _, task in content.plan.tasks():
        if task.responsibility:
            assert set(task.responsibility.units) <= unit_ids
    for d in content.documents:
        assert d.kind in {k.id for k in content.kinds}
        assert d.issuer is None or d.issuer in unit_ids
        for r in d.relations:
            assert r.target in doc_ids and r.type in {t.id for t in content.relation_types}
