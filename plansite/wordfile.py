"""The plan as an editable Word file (python-docx), laid out as Nghị định 30/2020/NĐ-CP prescribes.

What an office opens to prepare next year's plan: A4 with ND 30's margins,
Times New Roman 14 pt (Liberation Serif has its metrics where Word is
absent), the header as a borderless two-column table, numbers written as
text (never Word's auto-numbering, which renumbers when edited), the source's
footnote as a real Word footnote with its "(1)" mark, and Nơi nhận beside the
signature in a closing table. The header's lines come from `official.layout`,
the same layout the site and the PDF use.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile

from . import model as m
from .cache import NO_CACHE, DiskCache, code_version, key, version
from .official import UNBREAKABLE, Line, layout, plain

NAMESPACE = "docx"
FONT = "Times New Roman"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EPOCH = dt.datetime(1980, 1, 1)  # the earliest date a zip member can carry


def _name(data_key: str) -> str:
    return key(data_key, version("python-docx"), code_version(__file__),
               code_version(__file__.replace("wordfile.py", "official.py"))) + ".docx"


def cached_docx(data_key: str, cache: DiskCache) -> bytes | None:
    """The plan's DOCX for `data_key` if the build cache holds it, without making it."""
    return cache.get(NAMESPACE, _name(data_key))


def plan_docx(content: m.Content, data_key: str, cache: DiskCache = NO_CACHE) -> bytes:
    """DOCX bytes of the plan; `data_key` is a hash of the content it is made from (the open-data JSON)."""
    name = _name(data_key)
    hit = cache.get(NAMESPACE, name)
    if hit is not None:
        return hit
    data = _build(content)
    cache.put(NAMESPACE, name, data)
    return data


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

def _build(content: m.Content) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    plan, L = content.plan, content.labels
    lay = layout(plan.header, L)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Word stores twips: round up, so 15 mm never becomes 14.99 mm (ND 30's ranges are minimums).
    section.top_margin, section.bottom_margin = _mm(20), _mm(20)
    section.left_margin, section.right_margin = _mm(30), _mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True  # no page number on page 1 (ND 30)

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    rpr.append(parse_xml(f'<w:lang xmlns:w="{W}" w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>'))
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.15
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Cm(1)

    props = doc.core_properties
    props.title = f"{plan.header.kind.capitalize()}: {plan.header.subject}"
    props.subject = plan.header.subject
    props.author = plan.header.issuing_body or ""
    props.language = "vi-VN"
    props.keywords = plan.header.kind
    # Same content, same bytes (the build cache and its tests rely on it): no clock in the file.
    stamp = dt.datetime.combine(plan.header.date.value, dt.time()) if plan.header.date else EPOCH
    props.created = props.modified = stamp
    props.last_modified_by = props.author
    props.revision = 1

    # Page number centred at the top from page 2 on.
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.first_line_indent = Cm(0)
    run = head.add_run()
    for xml in (f'<w:fldChar xmlns:w="{W}" w:fldCharType="begin"/>',
                f'<w:instrText xmlns:w="{W}" xml:space="preserve"> PAGE </w:instrText>',
                f'<w:fldChar xmlns:w="{W}" w:fldCharType="end"/>'):
        run._r.append(parse_xml(xml))

    def para(container, text="", *, size=14, bold=False, italic=False, center=False, indent=True, after=6,
             left=False):
        p = container.add_paragraph()
        f = p.paragraph_format
        f.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else (WD_ALIGN_PARAGRAPH.LEFT if left else None)
        if not indent or center:
            f.first_line_indent = Cm(0)
        f.space_after = Pt(after)
        if text:
            r = p.add_run(text)
            r.font.size, r.bold, r.italic = Pt(size), bold, italic
        return p

    def line(container, parts: Line, **kw):
        return para(container, plain(parts), **kw)

    def rule(p, width_cm: float, cell_cm: float):
        """A short rule under a header block: a bottom border on an empty paragraph, indented to `width_cm`."""
        side = max((cell_cm - width_cm) / 2, 0)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(side)
        p.paragraph_format.space_after = Pt(0)
        ppr = p._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:pBdr xmlns:w="{W}"><w:top w:val="single" w:sz="6" w:space="1" '
                             f'w:color="000000"/></w:pBdr>'))
        size = p.add_run()
        size.font.size = Pt(2)

    def no_borders(table):
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(parse_xml(
            f'<w:tblBorders xmlns:w="{W}">' + "".join(
                f'<w:{b} w:val="nil"/>' for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>"))

    def first(cell):
        """A cell's first paragraph holds its first line (python-docx starts cells with one)."""
        p = cell.paragraphs[0]
        p.paragraph_format.first_line_indent = Cm(0)
        return p

    # ô 1–4: the header table, two blocks side by side.
    body_cm, nation_cm = 6.7, 9.8
    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    no_borders(header)
    _widths(header, Cm(body_cm), Cm(nation_cm))
    left, right = header.cell(0, 0), header.cell(0, 1)
    p = first(left)
    if lay.parent:
        _run(p, plain(lay.parent), Pt(12.5))
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        p = left.add_paragraph()
    _run(p, plain(lay.issuer), Pt(12.5), bold=True)
    _center(p, Cm)
    rule(left.add_paragraph(), 2.2, body_cm)
    p = first(right)
    _run(p, lay.national_title, Pt(12.5), bold=True)
    _center(p, Cm)
    p = right.add_paragraph()
    _run(p, lay.motto, Pt(13.5), bold=True)
    _center(p, Cm)
    rule(right.add_paragraph(), 5.9, nation_cm)
    p = first(header.cell(1, 0))
    _run(p, plain(lay.number), Pt(13))
    _center(p, Cm)
    p = first(header.cell(1, 1))
    _run(p, plain(lay.place_date), Pt(14), italic=True)
    _center(p, Cm)

    # ô 5a: tên loại, trích yếu, short rule.
    para(doc, lay.kind, bold=True, center=True, after=0).paragraph_format.space_before = Pt(12)
    para(doc, lay.subject, bold=True, center=True, after=0)
    rule(para(doc, center=True, after=12), 4.0, 16.5)

    footnotes: list[tuple[str, list[str]]] = []
    notes = {f.id: f for f in plan.footnotes}

    def text_para(prefix: str, text: str, *, bold=False):
        p = para(doc)
        last = 0
        chunks: list[tuple[str, m.Footnote | None]] = []
        for match in m.FOOTNOTE_REF.finditer(text):
            chunks.append((text[last:match.start()], None))
            chunks.append(("", notes[match.group(1)]))
            last = match.end()
        chunks.append((text[last:], None))
        if prefix:
            _add_text(p, prefix, bold)
        for chunk, note in chunks:
            if note is None:
                _add_text(p, chunk, bold)
                continue
            footnotes.append((note.label, [b.text or "" for b in note.blocks]))
            mark = f"({note.label})"
            # A custom mark (Word's own markup for one): the source prints "(1)", which Word's
            # numbering formats cannot. LibreOffice 7.4 ignores the custom mark and adds its number.
            p._p.append(parse_xml(
                f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:customMarkFollows="1" w:id="{len(footnotes)}"/></w:r>'))
            p._p.append(parse_xml(
                f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:t>{_escape(mark)}</w:t></w:r>'))
        return p

    def number(b: m.Block) -> str:
        if not b.number:
            return ""
        return f"{b.number}) " if len(b.number) == 1 and b.number.isalpha() else f"{b.number}. "

    def fields(el):
        """The lines the source prints under an element (model.printed_fields)."""
        for f in m.printed_fields(el.responsibility, el.timing):
            text_para(f"{f.letter}) " if f.letter else "- ", f"{f.label}: {f.text or ''}" if f.label else f.text)

    def blocks(items):
        for b in items:
            if b.kind == m.BlockKind.GROUP:
                pass  # no words of its own: its members, then the lines they share
            elif b.title:
                text_para(number(b), b.title, bold=True)
                if b.text:
                    text_para("", b.text)
            elif b.kind == m.BlockKind.BULLET:
                text_para("- ", b.text or "")
            else:
                text_para(number(b), b.text or "")
            blocks(b.blocks)
            fields(b)

    blocks(plan.preamble)
    for s in plan.sections:
        text_para("", f"{s.number}. {s.title}", bold=True)
        blocks(s.blocks)
        fields(s)

    # ô 9 and 7: Nơi nhận left (smaller), signature right.
    closing = doc.add_table(rows=1, cols=2)
    closing.autofit = False
    no_borders(closing)
    rec, sig = closing.cell(0, 0), closing.cell(0, 1)
    _widths(closing, Cm(7.5), Cm(9.0))
    p = first(rec)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(12)
    if plan.recipients:
        _run(p, f"{plan.recipients.label}:", Pt(12), bold=True, italic=True)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for e in plan.recipients.entries:
            q = rec.add_paragraph()
            q.paragraph_format.first_line_indent = Cm(0)
            q.paragraph_format.space_after = Pt(0)
            q.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _run(q, f"- {e.text}", Pt(11))
    p = first(sig)
    p.paragraph_format.space_before = Pt(12)
    for i, auth in enumerate(lay.authority):
        if i:
            p = sig.add_paragraph()
        _run(p, plain(auth), Pt(14), bold=True)
        _center(p, Cm)
    p = sig.add_paragraph()
    p.paragraph_format.space_before = Pt(60)  # room for the signature and seal
    _run(p, plain(lay.name), Pt(14), bold=True)
    _center(p, Cm)

    editorial = _editorial_notes(plan)
    if editorial:
        para(doc, after=0)
        p = para(doc, L["official"]["editorial_notes"], size=11, bold=True, indent=False, left=True)
        p.paragraph_format.space_before = Pt(18)
        for n in editorial:
            para(doc, n.text, size=11, indent=False)

    if footnotes:
        _add_footnotes(doc, footnotes)
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The package again with every member dated EPOCH (python-docx stamps the time of saving)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=EPOCH.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _editorial_notes(plan: m.Plan) -> list[m.Note]:
    """Every editorial note of the plan, in document order: after the document, never inside it."""
    notes = list(plan.header.notes)
    for s in plan.sections:
        notes += s.notes
    notes += [n for b in plan.walk() for n in b.notes]
    if plan.recipients:
        notes += [n for e in plan.recipients.entries for n in e.notes]
    return notes


def _mm(value: float):
    import math

    from docx.shared import Twips
    return Twips(math.ceil(value * 1440 / 25.4))


def _add_text(p, text: str, bold: bool) -> None:
    """Runs of text; in numbers like 218-QĐ/TU the hyphen never breaks the line (w:noBreakHyphen)."""
    from docx.oxml import parse_xml

    last = 0
    for match in UNBREAKABLE.finditer(text):
        if match.start() > last:
            p.add_run(text[last:match.start()]).bold = bold
        inner = "<w:noBreakHyphen/>".join(f'<w:t xml:space="preserve">{_escape(x)}</w:t>' if x else ""
                                          for x in match.group().split("-"))
        p._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:rPr>{"<w:b/>" if bold else ""}</w:rPr>{inner}</w:r>'))
        last = match.end()
    if last < len(text):
        p.add_run(text[last:]).bold = bold


def _widths(table, *widths) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word does)."""
    from docx.oxml import parse_xml
    table._tbl.tblPr.append(parse_xml(f'<w:tblLayout xmlns:w="{W}" w:type="fixed"/>'))
    for col, width in zip(table.columns, widths):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _run(p, text: str, size, bold=False, italic=False):
    r = p.add_run(text)
    r.font.size, r.bold, r.italic = size, bold, italic
    return r


def _center(p, Cm):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_after = 0


def _add_footnotes(doc, footnotes: list[tuple[str, list[str]]]) -> None:
    """A real footnotes part (python-docx has no API for it): the source's "(n)" marks stay as written."""
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = []
    for i, (label, paragraphs) in enumerate(footnotes, start=1):
        ps = []
        for j, text in enumerate(paragraphs):
            lead = f"({label}) " if j == 0 else ""
            runs = "<w:noBreakHyphen/>".join(
                f'<w:t xml:space="preserve">{_escape(x)}</w:t>' for x in (lead + _plain(text)).split("-"))
            ps.append(f'<w:p><w:pPr><w:jc w:val="both"/><w:spacing w:after="40"/><w:ind w:firstLine="567"/></w:pPr>'
                      f'<w:r><w:rPr><w:sz w:val="24"/></w:rPr>{runs}</w:r></w:p>')
        body.append(f'<w:footnote w:id="{i}">{"".join(ps)}</w:footnote>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
           '</w:p></w:footnote>' + "".join(body) + "</w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _escape(text: str) -> str:
    """Text for a WordprocessingML element (&, <, >), as xml.sax.saxutils.escape does —
    whose import pulls in urllib.request, http.client and ssl."""
    return html.escape(text, quote=False)
