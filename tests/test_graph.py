"""The content graph on small plans built in code: numbering as a trainer cites
it, who does what (own and shared duties), the schedule, citations and relations.

Each plan is a few lines of model objects (no YAML, no site build), so these
tests are fast enough for mutation testing; the expectations are what the plan
says, written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plansite import model as m
from plansite.docnumber import DocNumber
from plansite.graph import NO_TIMING, Graph

REPO = Path(__file__).resolve().parent.parent
LABELS = m.Labels.of(yaml.safe_load((REPO / "content" / "labels.yaml").read_text(encoding="utf-8")))
K = m.BlockKind

# -----------------------------------------------------------------------------
# Helper functions: a plan in a few lines
# -----------------------------------------------------------------------------


def b(ident: str, kind: m.BlockKind, number: str | None = None, *children: m.Block, text: str | None = None,
      title: str | None = None, resp: m.Responsibility | None = None, timing: m.Timing | None = None) -> m.Block:
    return m.Block(ident, kind, number, title, text if text is not None else (None if title else f"Văn bản {ident}"),
                   children, resp, timing)


def section(ident: str, number: str, *blocks: m.Block, resp=None, timing=None) -> m.Section:
    return m.Section(ident, number, f"Mục {number}", m.SectionRole.TASKS, blocks, responsibility=resp, timing=timing)


def r(ident: str, lead=(), support=(), implementers=(), mode=m.Mode.ASSIGN) -> m.Responsibility:
    parties = tuple(m.Party(role, tuple(units)) for role, units in
                    ((m.Role.LEAD, lead), (m.Role.IMPLEMENTER, implementers), (m.Role.SUPPORT, support)) if units)
    return m.Responsibility(ident, parties, mode=mode)


def t(ident: str, *kinds: str, deadline: str | None = None, start: str | None = None,
      end: str | None = None) -> m.Timing:
    def date(text):
        return m.PlanDate.parse(text) if text else None
    return m.Timing(ident, None, f"Thời gian {ident}", tuple(m.TimingKind(k) for k in kinds),
                    date(deadline), date(start), date(end))


UNITS = (
    m.Unit("a", "Phòng A", m.UnitKind.INTERNAL),
    m.Unit("b", "Phòng B", m.UnitKind.INTERNAL),
    m.Unit("c", "Phòng C", m.UnitKind.INTERNAL),
    m.Unit("x", "Sở X", m.UnitKind.EXTERNAL),
    m.Unit("g", "Các phòng", m.UnitKind.INTERNAL, members=("a", "b")),
    m.Unit("all", "Mọi đơn vị", m.UnitKind.INTERNAL, members=("g", "x")),
    m.Unit("idle", "Phòng không có nhiệm vụ", m.UnitKind.INTERNAL),
)
KINDS = (m.DocumentKind("chi-thi", "Chỉ thị"), m.DocumentKind("quyet-dinh", "Quyết định"))
RELATION = m.RelationType("implements", "Triển khai", "Được triển khai bởi")


def doc(ident: str, number: str, kind: str = "chi-thi", issuer: str | None = None, relations=()) -> m.Document:
    return m.Document(ident, kind, DocNumber.parse(number), number, None, None, issuer, None,
                      relations=tuple(m.Relation("implements", target) for target in relations))


DOCUMENTS = (
    doc("ct-33", "33/CT-TTg", issuer="x"),
    doc("qd-217", "217-QĐ/TW", kind="quyet-dinh", relations=("ct-33",)),
    doc("qd-218", "218-QĐ/TW", kind="quyet-dinh", issuer="x", relations=("ct-33", "qd-217")),
)


def content(*sections: m.Section, recipients: m.Recipients | None = None) -> m.Content:
    header = m.Header(None, None, None, None, None, None, None, "KẾ HOẠCH", "Thử", None)
    plan = m.Plan("kh", "kh", header, (), sections, (), recipients)
    return m.Content(plan, DOCUMENTS, KINDS, (RELATION,), UNITS, (), LABELS)


# -----------------------------------------------------------------------------
# Numbering
# -----------------------------------------------------------------------------

NUMBERED = content(
    section("III", "III",
            b("p1", K.PARAGRAPH),
            b("t1", K.TASK, "1",
              b("s11", K.SUBTASK, "1.1", b("s11a", K.SUBTASK, "a")),
              b("s21", K.SUBTASK, "2.1"),
              b("b1", K.BULLET, None, b("bb", K.BULLET), b("bn", K.ITEM, "x")),
              b("g1", K.GROUP, None, b("gb1", K.BULLET), b("gb2", K.BULLET), text=""),
              b("b2", K.BULLET),
              b("p2", K.PARAGRAPH),
              b("p3", K.PARAGRAPH)),
            b("g2", K.GROUP, None, b("gb3", K.BULLET), text=""),
            b("g3", K.GROUP, None, b("t2", K.TASK, "2"), b("t3", K.TASK, "3"), text=""),
            b("g4", K.GROUP, None, b("t4", K.TASK, "4"), text=""),
            b("b3", K.BULLET, None, b("g5", K.GROUP, None, b("b3a", K.ITEM, "a"), text="")),
            b("g6", K.GROUP, None, b("pg", K.PARAGRAPH), text="")),
    section("IV", "IV", b("iv1", K.TASK, "1"), b("ivb", K.BULLET), b("ivb2", K.BULLET)),
)


@pytest.mark.parametrize("ident, number", [
    ("III", "III"),
    ("p1", "III (đoạn 1)"),
    ("t1", "III.1"),
    ("s11", "III.1.1"),              # "1.1" under "1": the task's number, extended
    ("s11a", "III.1.1.a"),
    ("s21", "III.1.2.1"),            # "2.1" under "1" does not extend it: appended
    ("b1", "III.1 (gạch đầu dòng 1)"),
    ("bb", "III.1 (gạch đầu dòng 1, gạch đầu dòng 1)"),
    ("bn", "III.1 (gạch đầu dòng 1.x)"),
    ("g1", "III.1 (gạch đầu dòng 2–3)"),   # a group's bullets continue the run
    ("gb1", "III.1 (gạch đầu dòng 2)"),
    ("gb2", "III.1 (gạch đầu dòng 3)"),
    ("b2", "III.1 (gạch đầu dòng 4)"),
    ("p2", "III.1 (đoạn 1)"),           # paragraphs are counted apart from bullets
    ("p3", "III.1 (đoạn 2)"),
    ("g2", "III (gạch đầu dòng 1)"),    # one bullet: no range
    ("gb3", "III (gạch đầu dòng 1)"),
    ("g3", "III.2–3"),                  # numbered members: the range of their numbers
    ("t2", "III.2"),
    ("t3", "III.3"),
    ("g4", "III.4"),
    ("b3", "III (gạch đầu dòng 2)"),
    ("g5", "III (gạch đầu dòng 2)"),    # inside a bullet, numbered members: the bullet's number
    ("b3a", "III (gạch đầu dòng 2.a)"),
    ("g6", "III"),                      # no bullet in it: the enclosing number
    ("pg", "III (đoạn 2)"),
    ("iv1", "IV.1"),
    ("ivb", "IV (gạch đầu dòng 1)"),    # a new section counts from one
    ("ivb2", "IV (gạch đầu dòng 2)"),
])
def test_hierarchical_number(ident, number):
    graph = Graph(NUMBERED)
    element = next(el for _, el in NUMBERED.plan.elements() if el.id == ident)
    assert graph.number(element) == number


def test_every_element_is_numbered_with_its_section_and_parent():
    graph = Graph(NUMBERED)
    s3, s4 = NUMBERED.plan.sections
    assert set(graph.numbers) == {el.id for _, el in NUMBERED.plan.elements()}
    by_id = {el.id: el for _, el in NUMBERED.plan.elements()}
    assert graph.section_of(by_id["s11a"]) is s3 and graph.section_of(by_id["ivb"]) is s4
    assert graph.parent_of(by_id["s11a"]).id == "s11"
    assert graph.parent_of(by_id["gb1"]).id == "g1"
    assert graph.parent_of(by_id["t1"]) is s3
    assert graph.parent_of(s3) is None


# -----------------------------------------------------------------------------
# Who does what
# -----------------------------------------------------------------------------

DUTIES = content(
    section("I", "I", b("i1", K.ITEM, "1")),
    section("II", "II",
            b("t1", K.TASK, "1",
              b("t1a", K.SUBTASK, "a", resp=r("r1a", lead=["a"], support=["x", "c"])),
              b("t1b", K.SUBTASK, "b", resp=r("r1b", implementers=["b"])),
              resp=r("r1", lead=["g"]), timing=t("tm1", "deadline", deadline="12/2025")),
            b("t2", K.TASK, "2", b("t2p", K.PARAGRAPH, resp=r("r2p", lead=["c"], support=["a"]))),
            b("p", K.PARAGRAPH, resp=r("rp", lead=["all"], mode=m.Mode.REQUEST)),
            resp=r("rII", support=["c"])),
)


def test_assignments_are_each_party_unit_in_plan_order():
    got = [(a.unit_id, a.role, a.element.id, a.section.id) for a in Graph(DUTIES).assignments()]
    assert got == [("c", m.Role.SUPPORT, "II", "II"),
                   ("g", m.Role.LEAD, "t1", "II"),
                   ("a", m.Role.LEAD, "t1a", "II"), ("x", m.Role.SUPPORT, "t1a", "II"), ("c", m.Role.SUPPORT, "t1a", "II"),
                   ("b", m.Role.IMPLEMENTER, "t1b", "II"),
                   ("c", m.Role.LEAD, "t2p", "II"), ("a", m.Role.SUPPORT, "t2p", "II"),
                   ("all", m.Role.LEAD, "p", "II")]
    assert all(type(a.role) is m.Role for a in Graph(DUTIES).assignments())


def test_an_assignment_carries_its_responsibility_and_the_nearest_timing():
    graph = Graph(DUTIES)
    a = next(a for a in graph.assignments_of("a") if a.element.id == "t1a")
    assert a.responsibility.id == "r1a" and a.timing.id == "tm1" and a.via is None and a.block is a.element
    assert next(a for a in graph.assignments_of("c") if a.element.id == "t2p").timing is None


@pytest.mark.parametrize("unit, own, shared", [
    ("a", ["t1a", "t2p"], [("g", "t1"), ("all", "p")]),
    ("b", ["t1b"], [("g", "t1"), ("all", "p")]),
    ("x", ["t1a"], [("all", "p")]),
    ("g", ["t1"], [("all", "p")]),
    ("c", ["II", "t1a", "t2p"], []),
    ("idle", [], []),
])
def test_own_and_shared_duties(unit, own, shared):
    graph = Graph(DUTIES)
    assert [a.element.id for a in graph.assignments_of(unit)] == own
    inherited = graph.inherited_of(unit)
    assert [(group.id, a.element.id) for group, items in inherited for a in items] == shared
    for group, items in inherited:
        assert all(a.via is group and a.unit_id == unit for a in items)
    assert [a.element.id for a in graph.all_duties_of(unit)] == \
        [el.id for _, el in DUTIES.plan.elements() if el.id in set(own) | {e for _, e in shared}]


def test_a_shared_duty_keeps_the_groups_role():
    (group, items), _ = Graph(DUTIES).inherited_of("a")
    assert group.id == "g" and [(a.role, a.responsibility.id, a.timing.id) for a in items] == \
        [(m.Role.LEAD, "r1", "tm1")]


def test_assigned_units_are_those_with_own_or_shared_duties_in_registry_order():
    assert [u.id for u in Graph(DUTIES).assigned_units()] == ["a", "b", "c", "x", "g", "all"]


def test_matrix_has_a_column_per_assigned_element_and_a_cell_per_unit():
    columns, rows = Graph(DUTIES).matrix()
    assert [el.id for el in columns] == ["II", "t1", "t1a", "t1b", "t2p", "p"]
    cells = {unit.id: [(a.role, a.via.id if a.via else None) if a else None for a in row] for unit, row in rows}
    lead, sup, impl = m.Role.LEAD, m.Role.SUPPORT, m.Role.IMPLEMENTER
    assert cells == {
        "a": [None, (lead, "g"), (lead, None), None, (sup, None), (lead, "all")],
        "b": [None, (lead, "g"), None, (impl, None), None, (lead, "all")],
        "c": [(sup, None), None, (sup, None), None, (lead, None), None],
        "x": [None, None, (sup, None), None, None, (lead, "all")],
        "g": [None, (lead, None), None, None, None, (lead, "all")],
        "all": [None, None, None, None, None, (lead, None)],
    }


def test_units_under_an_element_once_in_order():
    graph = Graph(DUTIES)
    t1 = DUTIES.plan.sections[1].blocks[0]
    assert graph.units_under(t1) == ["g", "a", "x", "c", "b"]   # lead, implementers, support
    assert graph.units_under(DUTIES.plan.sections[1]) == ["g", "a", "x", "c", "b", "all"]


def test_outline_lists_tasks_with_their_units_then_duties_outside_tasks():
    graph = Graph(DUTIES)
    got = [(el.id, units) for el, units in graph.outline(DUTIES.plan.sections[1])]
    assert got == [("II", ["c"]), ("t1", ["g", "a", "x", "c", "b"]), ("t2", ["c", "a"]), ("p", ["all"])]
    assert graph.outline(DUTIES.plan.sections[0]) == []


def test_inherited_timing_and_responsibility():
    graph = Graph(DUTIES)
    by_id = {el.id: el for _, el in DUTIES.plan.elements()}
    assert graph.timing_of(by_id["t1b"]).id == "tm1" and graph.timing_of(by_id["t2p"]) is None
    assert graph.responsibility_of(by_id["t1a"]).id == "r1a"
    assert graph.responsibility_of(by_id["t2"]).id == "rII"     # the section's
    assert graph.responsibility_of(by_id["i1"]) is None


def test_recipients_of_a_unit():
    recipients = m.Recipients("Nơi nhận", (m.Recipient("n1", "Phòng A", "a"), m.Recipient("n2", "Lưu: VT", None),
                                           m.Recipient("n3", "Phòng A (bản điện tử)", "a")))
    graph = Graph(content(section("I", "I"), recipients=recipients))
    assert [e.id for e in graph.recipient_of("a")] == ["n1", "n3"]
    assert graph.recipient_of("b") == []
    assert Graph(DUTIES).recipient_of("a") == []


# -----------------------------------------------------------------------------
# Schedule
# -----------------------------------------------------------------------------

SCHEDULED = content(
    section("I", "I",
            b("d1", K.TASK, "1", resp=r("rd1", lead=["a"]), timing=t("td1", "deadline", deadline="12/2025")),
            b("d2", K.TASK, "2", timing=t("td2", "deadline", deadline="30/6/2025")),
            b("d3", K.TASK, "3", timing=t("td3", "deadline", deadline="2024")),
            b("d4", K.TASK, "4", b("d4a", K.SUBTASK, "a", resp=r("rd4a", lead=["b"])),
              timing=t("td4", "deadline", deadline="12/2025")),
            b("pe", K.TASK, "5", timing=t("tpe", "period", start="2025", end="2027")),
            b("ps", K.TASK, "6", timing=t("tps", "period", start="6/2026")),
            b("an", K.TASK, "7", timing=t("tan", "annual", "deadline", deadline="2025")),
            b("no", K.TASK, "8", resp=r("rno", lead=["c"])),
            b("quiet", K.TASK, "9")),
)


def test_schedule_groups_by_main_kind_then_year_in_date_order():
    got = [(kind, [(year, [(e.element.id, e.timing.id if e.timing else None,
                            e.responsibility.id if e.responsibility else None) for e in entries])
                   for year, entries in groups])
           for kind, groups in Graph(SCHEDULED).schedule()]
    assert got == [
        (m.TimingKind.DEADLINE, [("2024", [("d3", "td3", None)]),
                                 ("2025", [("d2", "td2", None), ("d1", "td1", "rd1"), ("d4", "td4", None),
                                           ("d4a", "td4", "rd4a")])]),   # 12/2025 after 30/6/2025; plan order kept
        (m.TimingKind.PERIOD, [("2026", [("ps", "tps", None)]), ("2027", [("pe", "tpe", None)])]),
        (m.TimingKind.ANNUAL, [(None, [("an", "tan", None)])]),
        (NO_TIMING, [(None, [("no", None, "rno")])]),
    ]


def test_by_timing_kind_flattens_the_schedule():
    got = [(kind, [el.id for _, el in items]) for kind, items in Graph(SCHEDULED).by_timing_kind()]
    assert got == [("deadline", ["d3", "d2", "d1", "d4", "d4a"]), ("period", ["ps", "pe"]), ("annual", ["an"]),
                   ("none", ["no"])]


# -----------------------------------------------------------------------------
# Documents: citations and relations
# -----------------------------------------------------------------------------

CITING = content(section("I", "I",
                         b("c1", K.PARAGRAPH, text="Thực hiện Chỉ thị số 33/CT-TTg[^fn1] và Quyết định 217-QĐ/TW."),
                         b("c2", K.TASK, "1", title="Quán triệt Chỉ thị 33/CT-TTg", text="Theo 99/CT-TTg."),
                         b("c3", K.PARAGRAPH, text="")))


def test_citations_of_a_document_in_plan_order():
    graph = Graph(CITING)
    got = [(c.block.id, c.written, c.excerpt) for c in graph.cited_by_plan("ct-33")]
    assert got == [("c1", "Chỉ thị số 33/CT-TTg", "Thực hiện Chỉ thị số 33/CT-TTg và Quyết định 217-QĐ/TW."),
                   ("c2", "Chỉ thị 33/CT-TTg", "Quán triệt Chỉ thị 33/CT-TTg")]
    assert [c.block.id for c in graph.cited_by_plan("qd-217")] == ["c1"]
    assert graph.cited_by_plan("qd-218") == []
    assert [c.doc_id for c in graph.citations] == ["ct-33", "qd-217", "ct-33"]   # an unregistered number is no edge


def test_cited_by_plan_is_a_copy():
    graph = Graph(CITING)
    graph.cited_by_plan("ct-33").clear()
    assert len(graph.cited_by_plan("ct-33")) == 2


def test_relations_both_ways_and_issuers():
    graph = Graph(CITING)
    ct33, qd217, qd218 = DOCUMENTS
    assert [(rt.id, d.id) for rt, d in graph.relations_out(qd218)] == [("implements", "ct-33"), ("implements", "qd-217")]
    assert [(rt.id, d.id) for rt, d in graph.relations_in(ct33)] == [("implements", "qd-217"), ("implements", "qd-218")]
    assert graph.relations_in(qd218) == [] and graph.relations_out(ct33) == []
    assert [d.id for d in graph.issued_by("x")] == ["ct-33", "qd-218"] and graph.issued_by("a") == []


def test_a_dated_kind_without_a_date_comes_last_with_no_year():
    """The loader requires the date; a model built in code may lack it, and the schedule still files it."""
    plan = content(section("I", "I", b("u", K.TASK, "1", timing=t("tu", "deadline")),
                           b("d", K.TASK, "2", timing=t("td", "deadline", deadline="2030"))))
    [(kind, groups)] = Graph(plan).schedule()
    assert kind == m.TimingKind.DEADLINE
    assert [(year, [e.element.id for e in entries]) for year, entries in groups] == [("2030", ["d"]), (None, ["u"])]
