"""Write a plan (content YAML data) out as the documents offices really have:
a .docx typed in Word (automatic numbering, header and signature tables, real
footnotes, italic field labels) and a plain-text export. The importer tests
read these back. Only what a printed plan shows is written: ids, notes and
editorial annotations (responsibility without a label) are not.
"""

from __future__ import annotations

import re
from pathlib import Path

from plansite.loader import LONG_DATE, read_signature

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\]")


# -----------------------------------------------------------------------------
# The printed plan as a list of paragraphs
# -----------------------------------------------------------------------------

def printed(plan: dict) -> dict:
    """{'header_left', 'header_right', 'body': [(style, text)], 'recipients', 'signature', 'footnotes'}.

    Styles: section, num (1.), num2 (1.1.), letter (a)), dash (-), plus (+), plain, field-dash, field-plus,
    kind (KẾ HOẠCH), subject.
    """
    h = plan["header"]
    left = [x for x in (h.get("parent_body"), h.get("issuing_body")) if x]
    left = [left[0].upper()] + [x.upper() for x in left[1:]] if left else []
    left.append(f"Số: {h.get('number') or '     '}/{h.get('symbol') or '…'}")
    right = [NATIONAL, MOTTO]
    date = h.get("date")
    if date:   # as the document writes it: the long form verbatim, d/m/yyyy spelled out
        if not LONG_DATE.fullmatch(date):
            date = "ngày {} tháng {} năm {}".format(*date.split("/"))
        right.append(f"{h.get('place') or '……'}, {date}")
    else:
        right.append(f"{h.get('place') or '……'}, ngày … tháng … năm …")
    body: list[tuple[str, str | None, str]] = [("kind", None, h["kind"]), ("subject", None, h["subject"])]
    for block in plan.get("preamble", []):
        body.append(("plain", None, block["text"]))
    for section in plan["sections"]:
        body.append(("section", None, f"{section['number']}. {section['title']}"))
        for block in section["blocks"]:
            _block(block, body, parent_marker=None)
    recipients = [e["text"] for e in (plan.get("recipients") or {}).get("entries", [])]
    sig = read_signature(h.get("signature"))   # authority lines as written (TM. …, KT. …), title, name
    signature = [str(line) for line in sig.authority] + [x for x in (sig.title, sig.name) if x] if sig else []
    footnotes = {f["id"]: [b["text"] for b in f["blocks"]] for f in plan.get("footnotes", [])}
    return {"header_left": left, "header_right": right, "body": body, "recipients_label":
            (plan.get("recipients") or {}).get("label", "Nơi nhận"), "recipients": recipients,
            "signature": signature, "footnotes": footnotes}


def _marker(block: dict, parent_marker: str | None) -> str:
    number = block.get("number")
    if number:
        if re.fullmatch(r"\d+", number):
            return "num"
        if re.fullmatch(r"\d+\.\d+", number):
            return "num2"
        return "letter"
    if block["kind"] == "paragraph":
        return "plain"
    return "plus" if parent_marker == "dash" else "dash"


def _field_lines(block: dict) -> list[tuple[str | None, str]]:
    """The labelled lines a printed plan shows for the element's responsibility and timing,
    as (letter, "Label: text"), in the order of their letters."""
    lines: list[tuple[str | None, str]] = []
    r = block.get("responsibility") or {}
    if r.get("content"):
        lines.append((r["content"].get("letter"), f"{r['content']['label']}: {r['content']['text']}"))
    if r.get("label"):
        lines.append((r.get("letter"), f"{r['label']}: {r['text']}"))
    for role in ("lead", "implementers", "support"):
        party = r.get(role)
        if isinstance(party, dict) and party.get("label"):
            lines.append((party.get("letter"), f"{party['label']}: {party['text']}"))
    if r.get("support_label"):
        lines.append((None, f"{r['support_label']}: {r['support_text']}"))
    t = block.get("timing") or {}
    if t.get("label"):
        lines.append((t.get("letter"), f"{t['label']}: {t['text']}"))
    if all(letter for letter, _ in lines):
        lines.sort(key=lambda x: x[0])
    return lines


def _fields(block: dict, marker: str) -> list[tuple[str, str | None, str]]:
    style = "field-plus" if marker == "dash" else "field-dash"
    return [("field-letter", letter, text) if letter else (style, None, text)
            for letter, text in _field_lines(block)]


def _block(block: dict, body: list, parent_marker: str | None) -> None:
    children = block.get("blocks", [])
    if block["kind"] == "group":
        # a group prints as its bullets, then the lines that govern them
        for child in children:
            _block(child, body, parent_marker)
        style = "field-plus" if parent_marker == "dash" else "field-dash"
        body.extend((style, None, text) for _, text in _field_lines(block))
        return
    marker = _marker(block, parent_marker)
    own = block.get("title") or block.get("text")
    body.append((marker, block.get("number"), own))
    if block.get("title") and block.get("text"):
        body.append(("plain", None, block["text"]))
    fields = _fields(block, marker)
    numbered_children = any(c.get("number") for c in children)
    if numbered_children or not children:
        body.extend(fields)       # table-like: the fields right under the heading
    for child in children:
        _block(child, body, marker)
    if children and not numbered_children:
        body.extend(fields)       # after the bullets they govern, as the seed prints them


# -----------------------------------------------------------------------------
# Plain text (one paragraph a line, as Word's "Plain Text" export)
# -----------------------------------------------------------------------------

PREFIX = {"dash": "- ", "plus": "+ ", "field-dash": "- ", "field-plus": "+ "}


def write_txt(plan: dict, path: Path) -> list[str]:
    p = printed(plan)
    lines = p["header_left"] + p["header_right"]
    for style, number, text in p["body"]:
        lines.append(_prefix(style, number) + text)
    if p["recipients"]:
        lines.append(f"{p['recipients_label']}:")
        lines += [f"- {r}" for r in p["recipients"]]
    lines += p["signature"]
    if p["footnotes"]:
        lines.append("_" * 20)
        for n, texts in enumerate(p["footnotes"].values(), 1):
            lines.append(f"({n}) {texts[0]}")
            lines += texts[1:]
    text = "\n".join(lines) + "\n"
    text = FOOTNOTE_REF.sub(lambda m: f"({list(p['footnotes']).index(m.group(1)) + 1})", text)
    path.write_text(text, encoding="utf-8")
    return text.splitlines()


def _prefix(style: str, number: str | None) -> str:
    """What Word's numbering prints before the paragraph (a text export keeps it)."""
    if style in ("num", "num2"):
        return f"{number}. "
    if style in ("letter", "field-letter"):
        return f"{number}) "
    return PREFIX.get(style, "")


# -----------------------------------------------------------------------------
# Word
# -----------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_docx(plan: dict, path: Path) -> list[str]:
    """The plan as Word would hold it; returns the paragraphs' texts (for the text check)."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    p = printed(plan)
    doc = docx.Document()
    written: list[str] = []
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.insert(1, parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="91">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/></w:lvl>'
        '</w:abstractNum>'))
    next_num = [100]

    def new_num(abstract: int) -> int:
        next_num[0] += 1
        numbering.append(parse_xml(
            f'<w:num xmlns:w="{W_NS}" w:numId="{next_num[0]}"><w:abstractNumId w:val="{abstract}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        return next_num[0]

    bullets = new_num(91)
    numbers = new_num(90)

    def numbered(par, num_id: int, level: int) -> None:
        ppr = par._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/>'
                             f'<w:numId w:val="{num_id}"/></w:numPr>'))

    # header table: issuing body left, national title right
    table = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (p["header_left"], p["header_right"])):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
        written += lines

    footnote_ids: dict[str, int] = {}

    def add_text(par, text: str, label_italic: bool = False) -> None:
        pieces = FOOTNOTE_REF.split(text)
        for i, piece in enumerate(pieces):
            if i % 2 == 1:
                fid = piece
                n = footnote_ids.setdefault(fid, len(footnote_ids) + 1)
                run = par.add_run()
                run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W_NS}" w:id="{n}"/>'))
                continue
            if label_italic and ": " in piece and i == 0:
                label, rest = piece.split(": ", 1)
                par.add_run(label).italic = True      # the label in italics, the colon outside it
                par.add_run(": " + rest)
            elif piece:
                par.add_run(piece)

    for style, number, text in p["body"]:
        par = doc.add_paragraph()
        if style == "section":
            nums = new_num(90)   # each section restarts its numbering
            numbers = nums
            add_text(par, text)
            par.runs[0].bold = True
        elif style in ("num", "num2", "letter"):
            numbered(par, numbers, {"num": 0, "num2": 1, "letter": 2}[style])
            add_text(par, text)
        elif style in ("dash", "plus", "field-dash", "field-plus"):
            numbered(par, bullets, 1 if style.endswith("plus") else 0)
            add_text(par, text, label_italic=style.startswith("field"))
        elif style == "field-letter":
            add_text(par, f"{number}) {text}", label_italic=False)
        elif style == "kind":
            add_text(par, text)
            par.runs[0].bold = True
        else:
            add_text(par, text)
        written.append(_prefix(style, number) + FOOTNOTE_REF.sub(lambda m: f"({footnote_ids[m.group(1)]})", text))

    # closing table: Nơi nhận left, signature right
    closing = doc.add_table(rows=1, cols=2)
    left, right = closing.rows[0].cells
    if p["recipients"]:
        left.paragraphs[0].text = f"{p['recipients_label']}:"
        for entry in p["recipients"]:
            left.add_paragraph(f"- {entry}")
    if p["signature"]:
        right.paragraphs[0].text = p["signature"][0]
        for line in p["signature"][1:]:
            right.add_paragraph(line)
    written += ([f"{p['recipients_label']}:"] if p["recipients"] else []) + p["recipients"] + p["signature"]

    if footnote_ids:
        notes = []
        for fid, n in footnote_ids.items():
            paras = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_xml(t)}</w:t></w:r></w:p>'
                            for t in p["footnotes"][fid])
            notes.append(f'<w:footnote w:id="{n}">{paras}</w:footnote>')
            written += p["footnotes"][fid]
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
               '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
               '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
               '</w:p></w:footnote>' + "".join(notes) + "</w:footnotes>")
        part = Part(PackURI("/word/footnotes.xml"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                    xml.encode("utf-8"), doc.part.package)
        doc.part.relate_to(part, RT.FOOTNOTES)
    doc.save(str(path))
    return written


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
