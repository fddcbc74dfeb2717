"""Lines of a text or PDF extraction -> the paragraphs they were cut from.

A PDF extraction breaks every paragraph into lines, hyphenates words across
lines, numbers pages, and puts a page's footnotes between two halves of a
sentence. This module undoes that: it joins lines into paragraphs (telling
where it was unsure), repairs hyphenated breaks, drops page numbers and lifts
footnotes out into their own paragraphs. A .docx has real paragraphs and
skips all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .review import Review
from .sources import Line, SourceText

TERMINAL = (".", ":", ";", "!", "?", "./.")
PAGE_NUMBER = re.compile(r"(?:-\s*)?\d{1,3}(?:\s*-)?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?")
# A line that opens a new element: I., 1., 1.1., a), -, +, (1) footnote, "Nơi nhận".
MARKER = re.compile(r"""
    (?: [IVXLC]{1,6}\.\s          # section: I. II. …
      | \d{1,2}(?:\.\d{1,2}){0,3}\.?\s(?=\S)   # 1. 1.1. 1.1.1
      | [a-zđ]\)\s                # a) b) đ)
      | [-–—•+]\s                 # - + bullets
      | Nơi\ nhận\b
    )""", re.X)
FOOTNOTE_START = re.compile(r"\((\d{1,2})\)\s+\S")
FOOTNOTE_MARK = re.compile(r"(?<=[^\s(])\((\d{1,2})\)")


@dataclass
class Para:
    """A paragraph of the source, with the line it starts on."""

    text: str
    where: int
    zone: str = "body"          # body | header | closing | footnote
    marker: str | None = None   # Word numbering label (.docx)
    footnote: str | None = None  # footnote label (zone footnote)
    column: int = 0             # table column (.docx header/closing)


def paragraphs(source: SourceText, review: Review, basis_openers: list[str]) -> list[Para]:
    if source.structured:
        return [Para(line.text, line.where, line.zone, line.marker, line.footnote, line.indent)
                for line in source.lines]
    lines = [line for line in source.lines if not _is_page_number(line)]
    if source.kind == "pdf":
        lines = _split_columns(lines)
    body, notes = _lift_footnotes(lines)
    out = _join(body, review, basis_openers, "body")
    for label, note_lines in notes:
        for para in _join(note_lines, review, basis_openers, "footnote"):
            para.zone, para.footnote = "footnote", label
            out.append(para)
    return out


def _is_page_number(line: Line) -> bool:
    return bool(PAGE_NUMBER.fullmatch(line.text.strip())) and (line.page_start or line.indent > 20
                                                                or line.text.strip().startswith(("-", "Trang")))


def _split_columns(lines: list[Line]) -> list[Line]:
    """pdftotext -layout prints the header's and the closing's two columns side by side
    (issuing body | national title; Nơi nhận | signature): split them, left column first,
    as Word's tables are read."""
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    zone = "header"
    for line in lines:
        text = line.text.strip()
        if zone == "header" and re.fullmatch(r"K\s*Ế\s+H\s*O\s*Ạ\s*C\s*H", text):
            out += left + right
            left, right, zone = [], [], "body"
        elif zone == "body" and text.lower().startswith("nơi nhận"):
            zone = "closing"
        if zone == "body":
            out.append(Line(" ".join(text.split()), line.where, page_start=line.page_start, indent=line.indent,
                            after_rule=line.after_rule))
            continue
        parts = re.split(r"\s{3,}", text)
        if len(parts) > 1:
            left.append(Line(parts[0], line.where, zone=zone, indent=0))
            right.append(Line(" ".join(parts[1:]), line.where, zone=zone, indent=1))
        elif line.indent > 30:
            right.append(Line(text, line.where, zone=zone, indent=1))
        else:
            left.append(Line(" ".join(text.split()), line.where, zone=zone, indent=0))
    if zone == "header":  # no KẾ HOẠCH line: leave the text as it was
        return [Line(" ".join(ln.text.split()), ln.where, page_start=ln.page_start, indent=ln.indent,
                     after_rule=ln.after_rule) for ln in lines]
    return out + left + right


def _lift_footnotes(lines: list[Line]) -> tuple[list[Line], list[tuple[str, list[Line]]]]:
    """Footnote bodies "(1) …" at a page foot, out of the running text."""
    marks = {m.group(1) for line in lines for m in FOOTNOTE_MARK.finditer(line.text)}
    body: list[Line] = []
    notes: list[tuple[str, list[Line]]] = []
    current: list[Line] | None = None
    for line in lines:
        start = FOOTNOTE_START.match(line.text)
        if start and start.group(1) in marks and (line.after_rule or current is not None
                                                  or _looks_like_foot(line, lines)):
            label = start.group(1)
            marks.discard(label)
            current = [Line(line.text[len(f"({label})"):].strip(), line.where, line.zone,
                            indent=line.indent)]
            notes.append((label, current))
            continue
        if current is not None:
            prev = current[-1].text
            ends = prev.rstrip().endswith(TERMINAL)
            lower = line.text[:1].islower()
            if line.page_start or (lower and (ends or line.indent != 0)) or MARKER.match(line.text):
                current = None
            else:
                current.append(line)
                continue
        body.append(line)
    return body, notes


def _looks_like_foot(line: Line, lines: list[Line]) -> bool:
    """Without a rule line: a "(N)" line wider than the body text around it."""
    widths = sorted(len(ln.text) for ln in lines)
    typical = widths[int(len(widths) * 0.9)] if widths else 0
    return len(line.text) > typical * 1.15


def _width(lines: list[Line]) -> int:
    widths = sorted(len(ln.text) for ln in lines)
    return widths[int(len(widths) * 0.9)] if widths else 80


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _join(lines: list[Line], review: Review, basis_openers: list[str], zone: str) -> list[Para]:
    if not lines:
        return []
    # A text cut into lines has lines that go on a sentence in lower case; a text of one
    # paragraph a line (Word's plain-text export) has almost none.
    body = [ln for ln in lines if ln.zone == "body"]
    starts_lower = sum(1 for ln in body if ln.text[:1].islower() and not MARKER.match(ln.text))
    wrapped = starts_lower >= max(1, len(body) * 0.05)
    width = _width(lines)
    openers = tuple(o + " " for o in basis_openers)
    out: list[Para] = []
    current: Para | None = None
    current_lines = 0
    seen_section = False
    prev: Line | None = None
    for line in lines:
        text = line.text
        new = True
        if current is not None and prev is not None and line.zone == prev.zone == "body" and wrapped:
            new = _breaks(prev.text, text, current_lines, width, seen_section, openers)
            if new and prev.text.rstrip().endswith(TERMINAL) and not MARKER.match(text) \
                    and len(prev.text) >= 0.92 * width and text[:1].isupper():
                review.add("join", line.where, f"a full line ends a sentence and the next starts a new "
                           f"paragraph here (“…{prev.text[-30:]}” / “{text[:30]}…”); check that they are "
                           "two paragraphs in the source", anchor=line.where)
        if new or current is None:  # (no current paragraph means new)
            current = Para(text, line.where, zone if line.zone == "body" else line.zone, column=line.indent
                           if line.zone in ("header", "closing") else 0)
            out.append(current)
            current_lines = 1
        else:
            joined, hyphen = _glue(current.text, text)
            if hyphen:
                review.add("join", line.where, f"joined a word broken by a hyphen at the line end: "
                           f"“{hyphen}”; check it is one word", anchor=current.where)
            current.text = joined
            current_lines += 1
        if re.match(r"[IVXLC]{1,6}\.\s", text):
            seen_section = True
        prev = line
    return out


def _breaks(prev: str, text: str, prev_lines: int, width: int, seen_section: bool, openers: tuple) -> bool:
    """Does `text` start a new paragraph after the line `prev`?"""
    if MARKER.match(text) or re.match(r"[IVXLC]{1,6}\.\s", prev):
        return True
    if _is_caps(prev) or _is_caps(text):
        return True
    if text[:1].islower() or text[:1].isdigit() and not MARKER.match(text):
        return False
    if prev.rstrip().endswith(TERMINAL):
        return True
    if not seen_section and text.startswith(openers):
        return True
    limit = 0.45 if prev_lines == 1 else 0.6
    return len(prev) < limit * width


def _glue(left: str, right: str) -> tuple[str, str | None]:
    """Join two lines; a word hyphenated at the line end is joined without a space."""
    tail, head = re.search(r"\S*\w-$", left), re.match(r"\S+", right)
    if tail and head and right[:1].isalnum():
        return left + right, tail.group() + head.group()
    return f"{left} {right}", None
