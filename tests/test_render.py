"""The renderer in memory: which pages exist and what they are for, the nav, and
the helpers templates call (links, numbers, the printed fields of a duty,
citation attributes, backlinks, escaping). Fast: no site build; a fictional
fixture plan (tests/fixtures/lettered_plan) and objects built in code.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from markupsafe import Markup

from plansite import model as m, render
from plansite.cache import NO_CACHE
from plansite.linker import Found
from plansite.loader import load_content
from plansite.paths import (
    DOCUMENTS,
    FULL_TEXT,
    GLOSSARY,
    HOME,
    SCHEDULE,
    TRAINERS,
    UNITS,
    document_path,
    section_path,
    unit_path,
)
from plansite.permalinks import SHORT_DIR, Citable
from plansite.render import Renderer, _View, cite_attributes, escape_page_title, md_escape, render_backlinks

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "lettered_plan"
SITE_URL = "https://example.org/kh/"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> m.Content:
    root = tmp_path_factory.mktemp("lettered") / "content"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "content" / "schema", root / "schema")
    shutil.copy(REPO / "content" / "labels.yaml", root / "labels.yaml")
    return load_content(root)


@pytest.fixture(scope="module")
def renderer(content) -> Renderer:
    return Renderer(content, REPO / "templates", SITE_URL)


@pytest.fixture(scope="module")
def pages(renderer):
    return {p.path: p for p in renderer.pages()}


def view(renderer: Renderer, path: str = "muc/II.md") -> _View:
    return _View(renderer, path)


# -----------------------------------------------------------------------------
# Pages and nav
# -----------------------------------------------------------------------------

def test_pages_have_a_role_and_a_title(content, pages):
    L = content.labels
    roles = {path: (p.role, p.title) for path, p in pages.items()}
    assert roles[HOME] == (m.PageRole.CANONICAL, L["pages"]["home"])
    assert roles[section_path(content.plan.sections[1])] == (m.PageRole.CANONICAL, "II. NHIỆM VỤ CỤ THỂ")
    assert roles[FULL_TEXT] == (m.PageRole.COPY, L["pages"]["full_text"])
    for path, key in ((DOCUMENTS, "documents"), (UNITS, "units"), (SCHEDULE, "schedule"), (GLOSSARY, "glossary")):
        assert roles[path] == (m.PageRole.REGISTRY, L["pages"][key])
    assert roles[TRAINERS] == (m.PageRole.REGISTRY, L["trainers"]["title"])
    assert roles[document_path("qd-88-ttg")] == (m.PageRole.REGISTRY, "Quyết định 88/QĐ-BTP")
    assert roles[unit_path("so-tu-phap")] == (m.PageRole.REGISTRY, "Sở Tư pháp")
    assert {p.role for path, p in pages.items() if path.startswith("on-tap/")} == {m.PageRole.STUDY}
    assert all(type(p.role) is m.PageRole and p.markdown for p in pages.values())


def test_a_page_for_every_section_document_and_unit(content, pages):
    expected = {HOME, FULL_TEXT, DOCUMENTS, UNITS, SCHEDULE, GLOSSARY, TRAINERS,
                *(section_path(s) for s in content.plan.sections),
                *(document_path(d.id) for d in content.documents), *(unit_path(u.id) for u in content.units),
                *(f"giang-vien/{s.id}.md" for s in content.plan.sections)}
    assert expected <= set(pages)
    assert pages[section_path(content.plan.sections[0])].markdown.count('id="I-1"') == 1


def test_section_handouts_are_titled_by_section(content, pages):
    title = content.labels["readers"]["handout"]["section_title"]
    assert pages["giang-vien/II.md"].title == title.format(title=content.labels["trainers"]["title"],
                                                          section="II. NHIỆM VỤ CỤ THỂ")


def test_nav_holds_the_plan_then_the_registries(content, renderer):
    L = content.labels
    nav = renderer.nav()
    assert nav[:4] == [{L["pages"]["home"]: HOME}, {"I. Mục đích, yêu cầu": "muc/I.md"},
                       {"II. Nhiệm vụ cụ thể": "muc/II.md"}, {"III. Tổ chức thực hiện": "muc/III.md"}]
    assert nav[4] == {L["pages"]["full_text"]: FULL_TEXT}
    assert nav[5] == {L["pages"]["documents"]: [DOCUMENTS, *(document_path(d.id) for d in content.documents)]}
    assert nav[6] == {L["pages"]["units"]: [UNITS, *(unit_path(u.id) for u in content.units)]}
    assert nav[7:10] == [{L["pages"]["schedule"]: SCHEDULE}, {L["pages"]["glossary"]: GLOSSARY},
                         {L["trainers"]["title"]: [TRAINERS, "giang-vien/I.md", "giang-vien/II.md",
                                                   "giang-vien/III.md"]}]
    assert len(nav) == 11


def test_a_page_role_is_a_member(renderer):
    assert renderer.page("glossary.md.j2", GLOSSARY, "t", "registry").role is m.PageRole.REGISTRY
    with pytest.raises(ValueError):
        renderer.page("glossary.md.j2", GLOSSARY, "t", "registy")


def test_a_failing_template_is_recorded_only_when_asked(content):
    r = Renderer(content, REPO / "templates", SITE_URL)
    with pytest.raises(Exception, match="undefined"):
        r.page("section.md.j2", "muc/x.md", "x", m.PageRole.CANONICAL)
    r.failures = []
    page = r.page("section.md.j2", "muc/x.md", "x", m.PageRole.CANONICAL, extra=1)
    assert page.markdown == "" and page.path == "muc/x.md"
    [(template, path, context, exc)] = r.failures
    assert (template, path, context) == ("section.md.j2", "muc/x.md", {"extra": 1}) and "undefined" in str(exc)


# -----------------------------------------------------------------------------
# Links from the page being rendered
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("helper, arg, here, link", [
    ("link", "van-ban/qd-88-ttg.md", "muc/II.md", "../van-ban/qd-88-ttg.md"),
    ("link", "index.md", "index.md", "index.md"),
    ("href", "van-ban/qd-88-ttg.md", "muc/II.md", "../van-ban/qd-88-ttg.html"),
    ("href", "muc/I.md#I-1", "index.md", "muc/I.html#I-1"),
    ("element", "I-1", "muc/II.md", "I.md#I-1"),
    ("element", "II-1", "muc/II.md", "#II-1"),
    ("element_href", "I-1", "index.md", "muc/I.html#I-1"),
    ("element_href", "II-1", "muc/II.md", "#II-1"),
    ("document", "qd-88-ttg", "muc/II.md", "../van-ban/qd-88-ttg.md"),
    ("document_href", "qd-88-ttg", "index.md", "van-ban/qd-88-ttg.html"),
    ("unit", "so-tu-phap", "muc/II.md", "../don-vi/so-tu-phap.md"),
    ("unit_href", "so-tu-phap", "don-vi/index.md", "so-tu-phap.html"),
    ("page", "tien-do.md", "muc/II.md", "../tien-do.md"),
    ("href_static", "qr/II-1.svg", "giang-vien/II.md", "../qr/II-1.svg"),
])
def test_links_are_relative_to_the_page(renderer, helper, arg, here, link):
    assert getattr(view(renderer, here), helper)(arg) == link


def test_section_link(content, renderer):
    assert view(renderer, "index.md").section(content.plan.sections[2]) == "muc/III.md"


# -----------------------------------------------------------------------------
# Text, numbers and titles
# -----------------------------------------------------------------------------

def test_text_is_escaped(renderer):
    v = view(renderer)
    assert v.text(None) == "" and v.text("") == "" and isinstance(v.text(None), Markup)
    assert v.text("a <b> & c") == "a &lt;b&gt; &amp; c"
    assert v.text("[^ not a reference]") == "[^ not a reference]"


def test_text_footnote_reference_with_a_plan_built_in_code(content):
    note = m.Footnote("fn-1", "1", (m.Block("fn-1-p", m.BlockKind.PARAGRAPH, text="Ghi chú."),))
    plan = m.Plan(content.plan.id, content.plan.document, content.plan.header, (), content.plan.sections,
                  (note,), None)
    c = m.Content(plan, content.documents, content.kinds, content.relation_types, content.units, content.terms,
                  content.labels)
    r = Renderer(c, REPO / "templates", SITE_URL)
    here = r.where["fn-1"]
    assert _View(r, here).text("Theo[^fn-1] <x>") == \
        'Theo<sup id="fnref:fn-1"><a class="footnote-ref" href="#fn-1">(1)</a></sup> &lt;x&gt;'


def block(text=None, title=None, kind=m.BlockKind.PARAGRAPH, number=None, *children):
    return m.Block("b", kind, number, title, text, tuple(children))


@pytest.mark.parametrize("element, words, titles, short", [
    (block(title="Tiêu đề dài một hai ba bốn năm", text="x"), 3, False, "Tiêu đề dài một hai ba bốn năm"),
    (block(title="Tiêu đề dài một hai ba bốn năm"), 3, True, "Tiêu đề dài…"),
    (block(title="Ba từ thôi"), 3, True, "Ba từ thôi"),
    (block(text="Một hai ba bốn[^fn] năm"), 4, False, "Một hai ba bốn…"),
    (block(text="Một hai"), 12, False, "Một hai"),
    (block(None, None, m.BlockKind.GROUP, None, block(), block(text="Con thứ hai nói"), block(text="x")), 2, False,
     "Con thứ…"),
    (block(None, None, m.BlockKind.GROUP, None, block(title="Tiêu đề con")), 12, False, "Tiêu đề con"),
    (block(), 12, False, ""),
    (m.Section("S", "I", "MỤC ĐÍCH", None, ()), 12, False, "MỤC ĐÍCH"),
])
def test_short_title_or_first_words(renderer, element, words, titles, short):
    assert view(renderer).short(element, words, titles=titles) == short


def test_number_and_place(content, renderer):
    v = view(renderer)
    task = content.plan.sections[1].blocks[0]
    assert v.number(task) == "II.1"
    assert v.place(task) == "II.1 Hoàn thiện thể chế về phổ biến, giáo dục pháp luật"
    assert v.place(content.plan.sections[0].blocks[0], words=2) == "I.1 Nâng cao…"


@pytest.mark.parametrize("number, mark", [("a", "a)"), ("đ", "đ)"), ("1", "1."), ("12", "12."), ("1.1", "1.1."),
                                          ("ab", "ab."), (None, ".")])
def test_mark_is_the_number_as_printed(renderer, number, mark):
    assert view(renderer).mark(block(number=number)) == mark


@pytest.mark.parametrize("value, shown", [("Sở", "Sở"), (3, "3"), ("<b>", "&lt;b&gt;")])
def test_unknown_shows_a_value(renderer, value, shown):
    assert view(renderer).unknown(value) == shown


@pytest.mark.parametrize("value", [None, ""])
def test_unknown_marks_what_the_source_does_not_give(content, renderer, value):
    L = content.labels
    assert view(renderer).unknown(value) == (f'<span class="plan-unknown" title="{L["official"]["unknown_title"]}">'
                                             f'{L["unknown"]}</span>')


# -----------------------------------------------------------------------------
# Who does it: the role word and the printed fields
# -----------------------------------------------------------------------------

class _Assignment:
    def __init__(self, role, mode=m.Mode.ASSIGN):
        self.role = role
        self.responsibility = m.Responsibility("r", (), mode=mode)


@pytest.mark.parametrize("role, mode, word", [
    (m.Role.LEAD, m.Mode.ASSIGN, "Chủ trì"),
    (m.Role.SUPPORT, m.Mode.ASSIGN, "Phối hợp"),
    (m.Role.IMPLEMENTER, m.Mode.ASSIGN, "Thực hiện"),
    (m.Role.LEAD, m.Mode.REQUEST, "Đề nghị (chủ trì)"),
    (m.Role.SUPPORT, m.Mode.REQUEST, "Đề nghị (phối hợp)"),
])
def test_role_word(renderer, role, mode, word):
    assert view(renderer).role(_Assignment(role, mode)) == word


TU_PHAP = '<a class="plan-unit plan-unit-{role}" href="../don-vi/so-tu-phap.html">{name}</a>'
NOI_VU = '<a class="plan-unit plan-unit-{role}" href="../don-vi/so-noi-vu.html">{name}</a>'


def party(role, *units, label=None, letter=None, text=None):
    return m.Party(role, units, m.Field(label, letter, text) if (label or letter or text) else None)


def row(cls, label, value, letter=None, ident=None):
    attr = f' id="{ident}"' if ident else ""
    prefix = f'<span class="plan-letter">{letter})</span> ' if letter else ""
    return f'<div class="plan-meta-row plan-meta-{cls}"><dt{attr}>{prefix}{label}:</dt><dd>{value}</dd></div>'


def dl(*rows):
    return "\n".join(['<dl class="plan-meta">', *rows, "</dl>"])


FIELDS = [
    # one printed line naming the units: names in it become links, in its own case
    ("wording", m.Responsibility("r", (party(m.Role.LEAD, "so-tu-phap"), party(m.Role.SUPPORT, "so-noi-vu")),
                                 m.Field("Cơ quan thực hiện", None, "sở tư pháp chủ trì, phối hợp Sở Nội vụ.")),
     None, False,
     dl(row("units", "Cơ quan thực hiện", '<span class="plan-source">'
            + TU_PHAP.format(role="lead", name="sở tư pháp") + " chủ trì, phối hợp "
            + NOI_VU.format(role="support", name="Sở Nội vụ") + ".</span>"))),
    # a unit the wording does not name follows it, with its role when there are several parties
    ("missing", m.Responsibility("r", (party(m.Role.LEAD, "so-tu-phap"), party(m.Role.SUPPORT, "so-noi-vu")),
                                 m.Field(None, None, "Sở Tư pháp & các đơn vị")),
     None, False,
     dl(row("units", "Đơn vị thực hiện", '<span class="plan-source">' + TU_PHAP.format(role="lead", name="Sở Tư pháp")
            + ' &amp; các đơn vị</span> <span class="plan-units">→ <span class="plan-role">Phối hợp:</span> '
            + NOI_VU.format(role="support", name="Sở Nội vụ") + "</span>"))),
    # a line per party, lettered: sorted by letter (đ after d), anchored, the timing last by its letter
    ("lettered", m.Responsibility("r", (party(m.Role.LEAD, "so-tu-phap", label="Cơ quan chủ trì", letter="d",
                                              text="Sở Tư pháp"),
                                        party(m.Role.SUPPORT, "so-noi-vu", label="Cơ quan phối hợp", letter="đ",
                                              text="Sở Nội vụ")),
                                  content=m.Field("Nội dung thực hiện", "c", "Rà soát <văn bản>.")),
     m.Timing("t", "Thời gian thực hiện", "Tháng 12/2025", (m.TimingKind.DEADLINE,), letter="e"), True,
     dl(row("content", "Nội dung thực hiện", "Rà soát &lt;văn bản&gt;.", "c"),
        row("units", "Cơ quan chủ trì", '<span class="plan-source">' + TU_PHAP.format(role="lead", name="Sở Tư pháp")
            + "</span>", "d", "r"),
        row("units", "Cơ quan phối hợp", '<span class="plan-source">'
            + NOI_VU.format(role="support", name="Sở Nội vụ") + "</span>", "đ"),
        row("timing", "Thời gian thực hiện", "Tháng 12/2025", "e", "t"))),
    # no wording at all: an editorial annotation, roles named when there are several
    ("annotation", m.Responsibility("r", (party(m.Role.LEAD, "so-tu-phap", "so-noi-vu"),
                                          party(m.Role.IMPLEMENTER, "so-noi-vu"))),
     None, False,
     dl(row("units", "Đơn vị (theo nội dung văn bản)",
            '<span class="plan-role">Chủ trì:</span> ' + TU_PHAP.format(role="lead", name="Sở Tư pháp") + "; "
            + NOI_VU.format(role="lead", name="Sở Nội vụ") + ' · <span class="plan-role">Thực hiện:</span> '
            + NOI_VU.format(role="implementer", name="Sở Nội vụ")))),
    ("one role", m.Responsibility("r", (party(m.Role.SUPPORT, "so-noi-vu"),)), None, False,
     dl(row("units", "Đơn vị (theo nội dung văn bản)", NOI_VU.format(role="support", name="Sở Nội vụ")))),
    # a request is tagged on its first line; unlettered rows keep their order
    ("request", m.Responsibility("r", (party(m.Role.LEAD, "so-tu-phap"),), m.Field("Đơn vị", None, "Sở Tư pháp"),
                                 m.Field(None, "b", "Phổ biến"), mode=m.Mode.REQUEST),
     m.Timing("t", None, "Hằng năm", (m.TimingKind.ANNUAL,)), True,
     dl(row("content", "", '<span class="plan-tag">Đề nghị</span> Phổ biến', "b"),
        row("units", "Đơn vị", '<span class="plan-source">' + TU_PHAP.format(role="lead", name="Sở Tư pháp")
            + "</span>", None, "r"),
        row("timing", "Thời gian (theo nội dung văn bản)", "Hằng năm", None, "t"))),
    # content only: the anchor goes on it
    ("content only", m.Responsibility("r", (), content=m.Field("Nội dung", None, "Rà soát")), None, True,
     dl(row("content", "Nội dung", "Rà soát", None, "r"))),
    # timing alone; a per-document timing links the document
    ("timing", None, m.Timing("t", "Thời hạn", "Theo <lịch>", (m.TimingKind.PER_DOCUMENT,), document="qd-88-ttg"),
     False,
     dl(row("timing", "Thời hạn", 'Theo &lt;lịch&gt; <a class="plan-doc-ref" href="../van-ban/qd-88-ttg.html">'
            "(Quyết định 88/QĐ-BTP)</a>"))),
]


@pytest.mark.parametrize("name, r, t, anchors, html", FIELDS, ids=[f[0] for f in FIELDS])
def test_printed_fields(content, renderer, name, r, t, anchors, html):
    L = content.labels
    assert (L["task"]["units"], L["task"]["annotation"], L["resp"]["timing_annotation"]) == \
        ("Đơn vị thực hiện", "Đơn vị (theo nội dung văn bản)", "Thời gian (theo nội dung văn bản)"), "labels the table assumes"
    assert view(renderer).fields(r, t, anchors=anchors) == html


def test_no_fields_no_list(renderer):
    assert view(renderer).fields(None, None) == "" and view(renderer).meta(block()) == ""


def test_meta_is_the_elements_own_fields_anchored(content, renderer):
    task = next(b for b in content.plan.walk() if b.id == "II-1-1")
    html = view(renderer).meta(task)
    assert f'id="{task.responsibility.id}"' in html and f'id="{task.timing.id}"' in html


# -----------------------------------------------------------------------------
# Citation attributes and backlinks
# -----------------------------------------------------------------------------

CITABLE = Citable("II-1", m.BlockKind.TASK, "muc/II.md", "nhiệm vụ II.1 — Kế hoạch 45", True)
DOCUMENT = Citable("qd-88-ttg", m.CitableKind.DOCUMENT, "van-ban/qd-88-ttg.md", "Quyết định 88/QĐ-BTP", False)


@pytest.mark.parametrize("citable, here, attributes", [
    (CITABLE, "muc/II.md", {"data-cite": "nhiệm vụ II.1 — Kế hoạch 45", "data-href": "II.html#II-1"}),
    (CITABLE, "giang-vien.html", {"data-cite": "nhiệm vụ II.1 — Kế hoạch 45", "data-href": "muc/II.html#II-1"}),
    (DOCUMENT, "muc/II.md", {"data-cite": "Quyết định 88/QĐ-BTP", "data-href": "../van-ban/qd-88-ttg.html"}),
])
def test_cite_attributes(citable, here, attributes):
    assert cite_attributes(citable, here) == attributes


def test_cite_writes_escaped_attributes(renderer):
    citable = renderer.citables["II-1"]
    assert "—" in citable.citation
    assert view(renderer, "toan-van.md").cite("II-1") == \
        f' data-cite="{html.escape(citable.citation)}" data-href="muc/II.html#II-1"'
    hostile = Citable("x", m.BlockKind.TASK, "muc/II.md", 'a "b" <c> & d', False)
    renderer.citables["x"] = hostile
    try:
        assert view(renderer).cite("x") == ' data-cite="a &#34;b&#34; &lt;c&gt; &amp; d" data-href="II.html#x"'
    finally:
        del renderer.citables["x"]


def test_backlinks(content):
    joiner = content.labels["cite"]["joiner"]
    found = [("muc/II.html", "II. Nhiệm vụ", Found("qd-88-ttg", "II-1", "88/QĐ-BTP", "Theo 88/QĐ-BTP <a>")),
             ("index.html", "Trang chủ", Found("qd-88-ttg", "trich-dan-qd-88-ttg-1", "88/QĐ-BTP", "x 88/QĐ-BTP"))]
    html = render_backlinks(found, "van-ban/qd-88-ttg.html", content,
                            {"II-1": Citable("II-1", m.BlockKind.TASK, "muc/II.md", f"nhiệm vụ II.1{joiner}Kế hoạch", True)})
    assert html == ('<ul class="plan-backlinks-list">'
                    '<li><a class="plan-backlink" href="../muc/II.html#II-1">nhiệm vụ II.1</a><br>'
                    '<span class="plan-excerpt">Theo <strong>88/QĐ-BTP</strong> &lt;a&gt;</span></li>'
                    '<li><a class="plan-backlink" href="../index.html#trich-dan-qd-88-ttg-1">Trang chủ</a><br>'
                    '<span class="plan-excerpt">x <strong>88/QĐ-BTP</strong></span></li></ul>')
    assert render_backlinks([], "van-ban/x.html", content, {}) == \
        f'<p class="plan-backlinks-none">{content.labels["documents"]["not_cited"]}</p>'


# -----------------------------------------------------------------------------
# Escaping
# -----------------------------------------------------------------------------

def test_templates_escape_by_construction(monkeypatch):
    monkeypatch.setattr(render, "_ENVIRONMENTS", {})   # a new environment, not the one cached for the process
    env = render._environment(REPO / "templates", NO_CACHE)
    assert env.from_string("{{ x }}|{{ y }}").render(x="<b>&", y=Markup("<i>")) == "&lt;b&gt;&amp;|<i>"


def test_trainers_page_prints_short_urls_on_the_sites_address(content):
    trainers = Renderer(content, REPO / "templates", SITE_URL).handouts()[0]
    assert trainers.path == TRAINERS and f"{SITE_URL}{SHORT_DIR}/II-1/" in trainers.markdown



@pytest.mark.parametrize("output, title, escaped", [
    # Material prints the escaped title through striptags, which unescapes it
    ("<title>a <b> c - Site</title>", "a &lt;b&gt; c", "<title>a &lt;b&gt; c - Site</title>"),
    ("<title>x & y</title><h1>x & y</h1>", "x &amp; y", "<title>x &amp; y</title><h1>x & y</h1>"),
    ("<title>T<</title><title>T<</title>", "T&lt;", "<title>T&lt;</title><title>T<</title>"),   # that text, once
    ("<title>x & y</title>", Markup("<i>x</i> &amp; y"), "<title>x &amp; y</title>"),
    ("<title>x & y</title>", "x & y", "<title>x &amp; y</title>"),
    ("<title>T</title>", "U", "<title>T</title>"),   # not the page's title: untouched
    ("<title>a<</title>", None, "<title>a<</title>"),
    ("<title>a<</title>", "", "<title>a<</title>"),
])
def test_escape_page_title(output, title, escaped):
    assert escape_page_title(output, title) == escaped


@pytest.mark.parametrize("text, shown", [
    ("a_b*c", "a\\_b\\*c"),
    ("1. Mục", "1\\. Mục"),
    ("x\ny", "x y"),
    ("a & b \"c\"", 'a &amp; b "c"'),
    ("[x](y) #z !w |v +u -t `s` {r} \\q", "\\[x\\]\\(y\\) \\#z \\!w \\|v \\+u \\-t \\`s\\` \\{r\\} \\\\q"),
])
def test_md_escape_shows_text_literally(text, shown):
    assert md_escape(text) == shown and isinstance(md_escape(text), Markup)
