"""Paragraphs -> the plan's structure (the importer's intermediate form).

Header, basis paragraphs, sections by Roman numeral, blocks nested by their
numbering (1. / 1.1. / a) / - / +), labelled fields attached to the element
they follow, footnotes, Nơi nhận and the signature. Nothing here writes YAML
or decides the schema's field names: `emit` and `fields` do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import real_date
from .layout import Para
from .review import Review
from .sources import FOOTNOTE_CLOSE, FOOTNOTE_OPEN, ImportFailure

ROMAN = re.compile(r"([IVXLC]{1,6})\.\s*(.+)")
MARKERS = [  # (type, regex): the text after the marker is group "rest"
    ("num3", re.compile(r"(?P<n>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?P<rest>\S.*)")),
    ("num2", re.compile(r"(?P<n>\d{1,2}\.\d{1,2})\.?\s+(?P<rest>\S.*)")),
    ("num", re.compile(r"(?P<n>\d{1,2})\.\s+(?P<rest>\S.*)")),
    ("letter", re.compile(r"(?P<n>[a-zđ])\)\s*(?P<rest>\S.*)")),
    ("dash", re.compile(r"[-–—•]\s*(?P<rest>\S.*)")),
    ("plus", re.compile(r"\+\s*(?P<rest>\S.*)")),
]
NUMBERED = ("num", "num2", "num3", "letter")
TERMINAL = (".", ":", ";", "!", "?")
FOOTNOTE_MARK = re.compile(r"(?<=[^\s(])\((\d{1,2})\)|" + FOOTNOTE_OPEN + r"(\d+)" + FOOTNOTE_CLOSE)
DATE_WORDS = re.compile(r"(?P<place>[^,]*?)\s*,\s*ngày\s+(?P<d>\d{1,2}|[.…]+)\s+tháng\s+(?P<m>\d{1,2}|[.…]+)\s+"
                        r"năm\s+(?P<y>\d{4}|[.…]+)", re.I)
NUMBER_LINE = re.compile(r"Số\s*:\s*(?P<n>\d*)\s*[/]?\s*(?P<s>[^\s].*)?", re.I)


@dataclass
class Field:
    role: str            # implementers | lead | support | timing | content
    label: str
    text: str
    letter: str | None
    where: int


@dataclass
class Node:
    kind: str
    number: str | None
    text: str
    where: int
    marker: str | None                   # marker type (num, letter, dash …) or None for a paragraph
    parent: Node | Section | None = None
    title: str | None = None
    children: list[Node] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    id: str = ""
    annotation_units: list[str] = field(default_factory=list)   # units the prose names (organisation section)
    annotation_timing: str | None = None
    annotation_role: str | None = None                          # their role, read from the wording
    annotation_mode: str | None = None                          # "request" (Đề nghị …) or None
    closed: bool = False                 # ends a run of bullets that fields close (_Pending)


@dataclass
class Section:
    number: str
    title: str
    role: str
    where: int
    children: list[Node] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    id: str = ""
    marker: str | None = "roman"
    parent: None = None


@dataclass
class Signature:
    prefix: str | None = None
    authority: str | None = None
    title: str | None = None
    name: str | None = None
    lines: list[str] = field(default_factory=list)
    authority_lines: list[str] = field(default_factory=list)


@dataclass
class Header:
    parent_body: str | None = None
    issuing_body: str | None = None
    number: str | None = None
    symbol: str | None = None
    place: str | None = None
    date: str | None = None
    date_text: str | None = None
    kind: str = "KẾ HOẠCH"
    subject: str | None = None
    where: int = 1


@dataclass
class Draft:
    header: Header
    preamble: list[Node]
    sections: list[Section]
    footnotes: list[tuple[str, list[Node]]]
    recipients_label: str | None
    recipients: list[tuple[str, int]]
    signature: Signature | None


class Parser:
    def __init__(self, vocab: dict, review: Review, source_name: str):
        self.v = vocab
        self.review = review
        self.name = source_name
        labels = []
        for group in vocab["fields"]:
            for label in group["labels"]:
                labels.append((label, group["role"]))
        labels.sort(key=lambda x: len(x[0]), reverse=True)
        alternation = "|".join(re.escape(label) for label, _ in labels)
        self.field_re = re.compile(
            rf"(?:(?P<letter>[a-zđ])\)\s*)?(?P<label>{alternation})\s*(?P<extra>\([^)]*\))?\s*:\s*(?P<text>.*)",
            re.I | re.S)
        self.label_role = {label.lower(): role for label, role in labels}
        # An unknown label: a short phrase before a colon on a bullet, e.g. "- Đơn vị giám sát: …".
        self.unknown_label_re = re.compile(r"(?P<label>[A-ZĐ][^:;.,]{2,40}?)\s*:\s*(?P<text>\S.*)")

    # -- entry ---------------------------------------------------------------

    def parse(self, paras: list[Para]) -> Draft:
        notes_at = next((i for i, p in enumerate(paras) if p.zone != "footnote" and
                         p.text.startswith(self.v["editorial_notes_heading"])), None)
        if notes_at is not None:
            dropped = [p for p in paras[notes_at:] if p.zone != "footnote"]
            self.review.add("structure", paras[notes_at].where, f"{len(dropped)} paragraph(s) of editorial notes "
                            "(“Ghi chú biên tập”, added by the site's own export) were left out; add them back "
                            "as notes: where they still apply")
            paras = paras[:notes_at] + [p for p in paras[notes_at:] if p.zone == "footnote"]
        # decorative rules under the header ("-----", "___") are layout, not text
        body = [p for p in paras if p.zone in ("body", "header", "closing")
                and not re.fullmatch(r"[-_=.*~–—\s]{3,}", p.text)]
        notes = [p for p in paras if p.zone == "footnote"]
        first_section = next((i for i, p in enumerate(body) if p.zone == "body" and self._roman(p)), None)
        if first_section is None:
            raise ImportFailure(self.name, "no section numbered with a Roman numeral (I., II., …) was found, "
                                "so this does not read as a plan (Kế hoạch)",
                                "check that this is the plan; its sections must be numbered I., II., III.")
        header, preamble_paras = self._header(body[:first_section])
        preamble = [self._paragraph_node(p) for p in preamble_paras]
        sections, closing = self._sections(body[first_section:])
        label, recipients, signature = self._closing(closing)
        footnotes = self._footnotes(notes)
        return Draft(header, preamble, sections, footnotes, label, recipients, signature)

    # -- header --------------------------------------------------------------

    def _header(self, paras: list[Para]) -> tuple[Header, list[Para]]:
        header = Header()
        kind_at = next((i for i, p in enumerate(paras) if _squash(p.text) == _squash(self.v["plan_kind"])), None)
        if kind_at is None:
            self.review.add("header", paras[0].where if paras else None,
                            "no “KẾ HOẠCH” line before section I; the kind and subject were left to fill in",
                            path=("header",))
            header.subject = None
            return header, [p for p in paras if p.zone == "body"]
        header.where = paras[kind_at].where
        top = paras[:kind_at]
        rest = paras[kind_at + 1:]
        # the trích yếu: the paragraph after KẾ HOẠCH (and any line continuing it in lower case)
        subject: list[Para] = []
        while rest and rest[0].zone == "body" and (not subject or rest[0].text[:1].islower()):
            subject.append(rest.pop(0))
        header.subject = " ".join(p.text for p in subject) or None
        bodies = []
        for p in top:
            text = p.text.strip()
            if _squash(text) in {_squash(t) for t in self.v["national_title"] + self.v["motto"]} or \
                    re.fullmatch(r"[-_–—=.*\s]+", text):
                continue
            if m := NUMBER_LINE.fullmatch(text):
                header.number = m["n"] or None
                symbol = (m["s"] or "").strip().lstrip("/").strip()
                header.symbol = symbol or None
                continue
            if m := DATE_WORDS.match(text):
                header.place = m["place"].strip() if re.search(r"\w", m["place"]) else None
                if m["d"].isdigit() and m["m"].isdigit() and m["y"].isdigit() and \
                        real_date(f"{int(m['d'])}/{int(m['m'])}/{m['y']}"):
                    header.date = f"{int(m['d']):02d}/{int(m['m'])}/{m['y']}" if int(m["d"]) < 10 and \
                        m["d"].startswith("0") else f"{int(m['d'])}/{int(m['m'])}/{m['y']}"
                header.date_text = text[len(m["place"]):].lstrip(" ,")
                continue
            if p.zone != "header" or p.column == 0:
                bodies.append(text)
        bodies = [b.strip() for b in bodies if b.strip()]
        if len(bodies) >= 2:
            header.parent_body, header.issuing_body = bodies[0], " ".join(bodies[1:])
        elif bodies:
            header.issuing_body = bodies[0]
        return header, [p for p in rest if p.zone == "body"]

    # -- sections and blocks ---------------------------------------------------

    def _roman(self, p: Para) -> re.Match | None:
        if p.zone != "body":
            return None
        text = f"{p.marker} {p.text}" if p.marker and ROMAN.fullmatch(f"{p.marker} x") else p.text
        m = ROMAN.fullmatch(text.strip())
        if not m:
            return None
        title = m.group(2)
        letters = [c for c in title if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
            return m
        return None

    def _role(self, title: str) -> str:
        upper = title.upper()
        for entry in self.v["section_roles"]:
            if any(w in upper for w in entry["words"]):
                return entry["role"]
        return "other"

    def _sections(self, paras: list[Para]) -> tuple[list[Section], list[Para]]:
        sections: list[Section] = []
        stack: list[Node] = []
        last: Node | Section | None = None
        field_target: Node | Section | _Pending | None = None
        closing: list[Para] = []
        pending: list[_Pending] = []
        for i, p in enumerate(paras):
            if p.zone == "closing" or _squash(p.text).startswith(_squash(self.v["recipients_label"])) or (
                    re.match(rf"(?:{'|'.join(re.escape(x) for x in self.v['signature_prefixes'])})\s+\S", p.text)
                    and _caps(p.text)):
                closing = paras[i:]
                break
            if m := self._roman(p):
                section = Section(m.group(1), m.group(2).strip(), self._role(m.group(2)), p.where)
                sections.append(section)
                stack, last, field_target = [], section, None
                continue
            section = sections[-1]
            mtype, number, rest = self._marker(p)
            fld = self._field(rest, p.where)
            if fld is not None and mtype == "letter" and fld.letter is None:
                fld.letter = number   # "b) Cơ quan chủ trì: …"
            if fld is not None:
                if field_target is None:
                    target = self._field_target(mtype, last, section)
                    field_target = target
                    if isinstance(last, Node) and target is not None and last.parent is target \
                            and mtype is not None and last.marker == mtype:
                        # fields closing a run of bullets: a group, if more follows in the same parent
                        run: list[Node] = []
                        for sibling in reversed(target.children):
                            if sibling.marker != mtype or sibling.closed:
                                break
                            run.insert(0, sibling)
                        field_target = _Pending(target, run)
                        pending.append(field_target)
                self._attach(field_target, fld)
                continue
            field_target = None
            self._unknown_label(rest, p.where)
            node = Node("paragraph", number, rest, p.where, mtype)
            if mtype is None:
                after_bullet = bool(stack) and stack[-1].marker in ("dash", "plus")
                while stack and stack[-1].marker not in NUMBERED:
                    stack.pop()
                parent = stack[-1] if stack else section
                if after_bullet:
                    self.review.add("attached", p.where, "an unnumbered paragraph after a bullet was attached to "
                                    "the element holding the bullets, not to the bullet itself; check",
                                    anchor=p.where)
            else:
                types = [n.marker for n in stack]
                if mtype in types:
                    del stack[types.index(mtype):]
                parent = stack[-1] if stack else section
                stack.append(node)
            node.parent = parent
            node.kind = self._kind(mtype, section.role, parent)
            parent.children.append(node)
            last = node
        for group in pending:
            group.settle()
        for section in sections:
            self._finish(section)
        return sections, closing

    def _marker(self, p: Para) -> tuple[str | None, str | None, str]:
        if p.marker:
            text = f"{p.marker} {p.text}"
        else:
            text = p.text
        for mtype, regex in MARKERS:
            if m := regex.fullmatch(text.strip()):
                return mtype, m.groupdict().get("n"), m["rest"].strip()
        return None, None, p.text.strip()

    def _kind(self, mtype: str | None, role: str, parent) -> str:
        if mtype is None:
            return "paragraph"
        if role == "tasks":
            return {"num": "task", "num2": "subtask", "num3": "subtask"}.get(mtype, "bullet")
        if role == "targets" and mtype == "letter":
            return "target"
        if mtype in ("num", "num2", "num3"):
            return "item"
        return "bullet"

    def _field(self, text: str, where: int) -> Field | None:
        m = self.field_re.fullmatch(text)
        if m is None:
            return None
        role = self.label_role[m["label"].lower()]
        label = m["label"] + (f" {m['extra']}" if m["extra"] else "")
        body = m["text"].strip()
        if not body:
            return None
        return Field(role, label, body, m["letter"], where)

    def _unknown_label(self, text: str, where: int) -> None:
        m = self.unknown_label_re.fullmatch(text)
        if m and m["label"].startswith(tuple(self.v["field_like"])) and len(m["label"].split()) <= 6:
            self.review.add("field", where, f"“{m['label']}:” looks like a field label but is not one the "
                            "importer knows; the line was kept as text — make it a responsibility or timing by "
                            "hand, or add the label to plansite/importer/vocabulary.yaml")

    def _field_target(self, mtype: str | None, last: Node | Section | None, section: Section) -> Node | Section | None:
        """The element a field line belongs to: fields that close a list of
        bullets (same marker) or follow a paragraph belong to the element that
        holds them; any other field belongs to the element right before it."""
        if last is None or last is section:
            return section
        if mtype is not None and last.marker == mtype:
            return last.parent
        if last.marker is None:
            return last.parent
        return last

    def _attach(self, target, fld: Field) -> None:
        if isinstance(target, _Pending):
            target.fields.append(fld)
            return
        if any(f.role == fld.role for f in target.fields) and fld.role != "content":
            self.review.add("attached", fld.where, f"a second “{fld.label}” for the same element; it was kept as "
                            "a separate line of text — check which element it belongs to")
            # keep it as text of a paragraph under the element, so nothing is lost
            node = Node("paragraph", None, f"{fld.label}: {fld.text}", fld.where, None, target)
            target.children.append(node)
            return
        target.fields.append(fld)

    def _finish(self, container) -> None:
        """Titles, and a heading item's single paragraph taken as its text."""
        for node in container.children:
            self._finish(node)
            if node.marker in NUMBERED:
                if node.kind == "task":
                    node.title, node.text = node.text, None
                elif (node.children or node.fields) and not node.text.rstrip().endswith(TERMINAL):
                    node.title, node.text = node.text, None
                    if len(node.children) == 1 and node.children[0].kind == "paragraph" and \
                            not node.children[0].fields and not node.children[0].children:
                        node.text = node.children.pop().text

    def _paragraph_node(self, p: Para) -> Node:
        return Node("paragraph", None, p.text.strip(), p.where, None)

    # -- closing ---------------------------------------------------------------

    def _closing(self, paras: list[Para]) -> tuple[str | None, list[tuple[str, int]], Signature | None]:
        if not paras:
            return None, [], None
        label = None
        recipients: list[tuple[str, int]] = []
        sig_lines: list[Para] = []
        in_recipients = False
        for p in paras:
            text = p.text.strip()
            if _squash(text).startswith(_squash(self.v["recipients_label"])):
                label = text.split(":")[0].strip()
                in_recipients = True
                rest = text.split(":", 1)[1].strip() if ":" in text else ""
                if rest:
                    recipients.append((rest.lstrip("-–• ").strip(), p.where))
                continue
            if p.zone == "closing" and p.column == 1:
                sig_lines.append(p)
                continue
            if in_recipients and (p.marker in ("-", "+") or re.match(r"[-–—•+]\s*\S", text)):
                entry = text if p.marker else re.sub(r"^[-–—•+]\s*", "", text)
                recipients.append((entry, p.where))
                continue
            sig_lines.append(p)
        return label, recipients, self._signature(sig_lines)

    def _signature(self, paras: list[Para]) -> Signature | None:
        """Authority lines (TM./KT./… first), the signer's title (the last line in capitals), the name."""
        if not paras:
            return None
        sig = Signature(lines=[p.text for p in paras])
        prefixes = tuple(p + " " for p in self.v["signature_prefixes"])
        caps = []
        for p in paras:
            text = p.text.strip()
            if text.startswith(prefixes):
                sig.authority_lines.append(text)
            elif _caps(text):
                caps.append(text)
            elif not text.startswith("(") and sig.name is None and re.search(r"\w", text):
                sig.name = text   # a blank left for the signer ("…") is no name
        if caps:
            sig.title = caps[-1]
            sig.authority_lines += caps[:-1]
        if sig.authority_lines:
            first = sig.authority_lines[0]
            head, _, rest = first.partition(" ")
            if head + " " in prefixes:
                sig.prefix, sig.authority = head, rest.strip() or None
            else:
                sig.authority = first
        return sig

    # -- footnotes -------------------------------------------------------------

    def _footnotes(self, paras: list[Para]) -> list[tuple[str, list[Node]]]:
        out: dict[str, list[Node]] = {}
        for p in paras:
            out.setdefault(p.footnote or "", []).append(Node("paragraph", None, p.text.strip(), p.where, None))
        return list(out.items())


class _Pending:
    """Fields that close a run of bullets. If the parent holds more after them, the
    bullets and fields form a group of their own; otherwise the fields are the parent's."""

    def __init__(self, parent: Node | Section, run: list[Node]):
        self.parent, self.run = parent, run
        self.fields: list[Field] = []
        self.count = len(parent.children)
        for node in run:
            node.closed = True

    def settle(self) -> None:
        more = self.parent.children[self.count:]
        if not more or not self.run:
            if any(f.role == g.role for f in self.fields for g in self.parent.fields):
                self.parent.fields += [f for f in self.fields if all(f.role != g.role for g in self.parent.fields)]
            else:
                self.parent.fields += self.fields
            return
        group = Node("group", None, "", self.run[0].where, "group", self.parent, fields=self.fields)
        start = self.parent.children.index(self.run[0])
        for node in self.run:
            node.parent = group
        group.children = list(self.run)
        self.parent.children[start:start + len(self.run)] = [group]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
