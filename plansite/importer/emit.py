"""The intermediate structure -> the content files' data (plan, documents, units, glossary).

Ids follow the project's scheme: sections by Roman numeral (II), numbered
elements by their number under their parent (II-1, II-1-1, I-2-a), unnumbered
bullets by letter in order (II-1-a), paragraphs by position (II-3-p1),
fields by suffix (II-1-dv, II-1-tg), footnotes fn-N, recipients nn-N.
"""

from __future__ import annotations

import re
import string
from typing import Any

from ..loader import LONG_DATE
from .fields import Capabilities, FieldEmitter, UnitWords, timing_in_prose
from .registry import Documents, Ids, Units, glossary, make_id
from .review import Review
from .sources import FOOTNOTE_CLOSE, FOOTNOTE_OPEN
from .structure import Draft, Field, Node, Section

FOOTNOTE_MARK_TXT = re.compile(r"(?<=[^\s(])\((\d{1,2})\)")
FOOTNOTE_MARK_DOCX = re.compile(re.escape(FOOTNOTE_OPEN) + r"(\d+)" + re.escape(FOOTNOTE_CLOSE))
ISSUER_IN_BASIS = re.compile(r"(?:^|,\s*)(?P<body>(?:Sở|UBND|Ủy ban|Ban|Phòng|Trung tâm|Văn phòng)\s[^,;:]*?)\s+"
                             r"(?:xây dựng|ban hành)\s+(?:Kế hoạch|kế hoạch)")


class Emitter:
    def __init__(self, draft: Draft, vocab: dict, schema: dict, review: Review, structured: bool,
                 reserved: frozenset[str] = frozenset()):
        self.d = draft
        self.reserved = reserved   # ids the site uses itself (rules.reserved_names)
        self.structured = structured
        self.v = vocab
        self.schema = schema
        self.review = review
        self.caps = Capabilities.from_schema(schema)
        self.section_fields = "responsibility" in schema.get("$defs", {}).get("section", {}).get("properties", {})
        self.header_schema = schema.get("$defs", {}).get("header", {})
        self.ids = Ids(reserved)
        self.units = Units(vocab, reserved)
        self.documents = Documents(vocab, self.units, review, self.ids)
        self.fields = FieldEmitter(vocab, self.caps, self.units, review, self.documents.schedule_of)
        self.words = UnitWords(vocab)
        self.footnote_ids: dict[str, str] = {}
        self.texts: list[str] = []
        self.source_ids: dict[int, str] = {}   # source line -> id of the element (or field) it became

    # -- helpers -----------------------------------------------------------

    def claim(self, ident: str) -> str:
        return self.ids.claim(ident)

    def fix(self, text: str) -> str:
        """Footnote marks -> [^fn-N]; the text kept otherwise as written."""
        def txt(m):
            label = m.group(1)
            return f"[^{self.footnote_ids[label]}]" if label in self.footnote_ids else m.group(0)
        text = (FOOTNOTE_MARK_DOCX if self.structured else FOOTNOTE_MARK_TXT).sub(txt, text)
        self.texts.append(text)
        return text

    # -- build -------------------------------------------------------------

    def build(self) -> tuple[dict, dict, dict, dict]:
        d = self.d
        # footnote ids first: the text refers to them
        for n, (label, _) in enumerate(d.footnotes, 1):
            self.footnote_ids[label] = self.claim(f"fn-{n}")
        # every text is scanned for document numbers before fields are resolved
        for text, where in self._all_texts():
            self.documents.scan(text, where)
        self.documents.resolve()
        header = self._header()
        plan_id = self._plan_id(header)
        preamble = []
        for i, node in enumerate(d.preamble, 1):
            ident = self.claim("can-cu" if len(d.preamble) == 1 else f"can-cu-{i}")
            preamble.append({"id": ident, "kind": "paragraph", "text": self.fix(node.text)})
        sections = [self._section(s, i) for i, s in enumerate(d.sections)]
        footnotes = []
        for label, nodes in d.footnotes:
            fid = self.footnote_ids[label]
            blocks = []
            for j, note in enumerate(nodes, 1):
                blocks.append({"id": self.claim(f"{fid}-p{j}"), "kind": "paragraph", "text": self.fix(note.text)})
                self.source_ids[note.where] = blocks[-1]["id"]
            footnotes.append({"id": fid, "label": fid[3:], "blocks": blocks})
        plan: dict = {"id": plan_id, "document": plan_id, "header": header}
        if preamble:
            plan["preamble"] = preamble
        plan["sections"] = sections
        used = " ".join(self.texts)
        footnotes = [f for f in footnotes if f"[^{f['id']}]" in used]
        if footnotes:
            plan["footnotes"] = footnotes
        if d.recipients:
            entries = []
            for i, (text, _where) in enumerate(d.recipients, 1):
                entry = {"id": self.claim(f"nn-{i}"), "text": text}
                name = self.words.clean(text)
                if name and not name.lower().startswith("lưu"):
                    entry["unit"] = self.units.add(name, internal=False)
                entries.append(entry)
            plan["recipients"] = {"label": d.recipients_label or self.v["recipients_label"], "entries": entries}
        documents = self._documents(plan_id, header)
        units = {"units": self.units.data() or [{"id": self.units.ids.claim("don-vi"), "name": "Đơn vị",
                                                 "kind": "internal"}]}
        terms = {"terms": glossary(self.texts, self.v, self.reserved)}
        return plan, documents, units, terms

    def _all_texts(self):
        d = self.d
        for node in d.preamble:
            yield node.text, node.where
        for s in d.sections:
            yield from self._node_texts(s)
        for _, nodes in d.footnotes:
            for n in nodes:
                yield n.text, n.where

    def _node_texts(self, node):
        for f in node.fields:
            yield f.text, f.where
        if isinstance(node, Node):
            for t in (node.title, node.text):
                if t:
                    yield t, node.where
        for child in node.children:
            yield from self._node_texts(child)

    # -- header and plan document ---------------------------------------------

    def _header(self) -> dict:
        h = self.d.header
        issuing = h.issuing_body
        basis = " ".join(n.text for n in self.d.preamble)
        m = ISSUER_IN_BASIS.search(basis)
        self.issuer_name = None
        if m:
            self.issuer_name = m["body"].strip()
            if issuing is None:
                issuing = self.issuer_name
                self.review.add("inferred", self.d.preamble[0].where if self.d.preamble else None,
                                f"the issuing body “{issuing}” was taken from the basis paragraph (no header "
                                "with it was found); check", path=("header", "issuing_body"))
        if h.subject is None:
            self.review.add("header", h.where, "no subject (trích yếu) found; write it in header.subject",
                            path=("header", "subject"))
        header = {"parent_body": h.parent_body, "province": None, "issuing_body": issuing, "number": h.number,
                  "symbol": h.symbol, "place": h.place, "date": _written_date(h.date, h.date_text),
                  "kind": self.v["plan_kind"],
                  "subject": h.subject or "Chưa rõ trích yếu", "signature": self._signature()}
        if "province" not in self.header_schema.get("required", []):
            del header["province"]   # an older field the schema no longer asks for
        for key in ("number", "symbol", "date", "place"):
            if header[key] is None:
                self.review.add("header", h.where, f"header.{key} is not in the source; it stays null "
                                "(shown as unknown)", path=("header", key))
        return header

    def _signature(self) -> dict | None:
        """The signature in the schema's shape: authority lines as written (TM. …, KT. …) where the
        schema takes them, else one prefix + authority."""
        sig = self.d.signature
        if not sig or not (sig.authority_lines or sig.title or sig.name):
            return None
        authority = self.schema.get("$defs", {}).get("signature", {}).get("properties", {}).get("authority", {})
        types = authority.get("type", [])
        if "array" in (types if isinstance(types, list) else [types]):
            lines = sig.authority_lines
            return {"authority": (lines[0] if len(lines) == 1 else lines) if lines else None,
                    "title": sig.title, "name": sig.name}
        if len(sig.authority_lines) > 1:
            self.review.add("header", None, f"the signature's lines {sig.authority_lines} do not fit the "
                            "schema's one prefix and authority; only the first was kept", path=("header", "signature"))
        prefix = sig.prefix if sig.prefix in self.v["signature_prefixes"] else None
        return {"prefix": prefix, "authority": sig.authority, "title": sig.title, "name": sig.name}

    def _plan_id(self, header: dict) -> str:
        year = None
        if header["date"] and (y := re.search(r"\d{4}$", header["date"])):
            year = y[0]
        elif m := re.search(r"\b(20\d\d)\b", header["subject"]):
            year = m.group(1)
        ident = "kh" + (f"-{header['number']}" if header["number"] else "") + (f"-{year}" if year else "")
        return self.claim(ident if ident != "kh" else "ke-hoach")

    def _documents(self, plan_id: str, header: dict) -> dict:
        number = f"{header['number']}/{header['symbol']}" if header["number"] and header["symbol"] else None
        issuer_name = self.issuer_name or header["issuing_body"]
        issuer = self.units.add(issuer_name, internal=False) if issuer_name else None
        if issuer:
            self.units.parent = issuer
        subject = header["subject"]
        plan_doc = {"id": plan_id, "kind": "ke-hoach", "number": number,
                    "title": f"{self.v['plan_kind'].capitalize()} {subject[:1].lower()}{subject[1:]}",
                    "date": self.d.header.date, "issuer": issuer, "subject": subject, "is_plan": True}
        if number:  # the plan citing itself is the plan, not another document
            from ..docnumber import DocNumber

            key = DocNumber.parse(number).key
            self.documents.by_key.pop(key, None)
        relations = []
        for node in self.d.preamble:
            kind = "based_on" if node.text.lower().startswith("căn cứ") else "implements"
            target = self.documents.find_in(node.text)
            if target:
                relations.append({"type": kind, "target": target})
        if relations:
            plan_doc["relations"] = relations
        docs = self.documents.data(plan_doc)
        return {"kinds": self.documents.kinds_data(), "relation_types": self.v["relation_types"], "documents": docs}

    # -- sections and blocks -----------------------------------------------------

    def _section(self, s: Section, index: int) -> dict:
        ident = self.claim(s.number)
        out: dict[str, Any] = {"id": ident, "number": s.number, "title": s.title, "role": s.role}
        blocks = self._children(s, ident)
        extra: list[Field] = []
        if s.fields:
            if self.section_fields:
                self._fields(out, s, ident, extra)
            else:
                extra = s.fields
        for f in extra:
            blocks.append({"id": self.claim(f"{ident}-p{len(blocks) + 1}"), "kind": "paragraph",
                           "text": self.fix(f"{f.label}: {f.text}")})
            self.review.add("field", f.where, f"“{f.label}” on the section itself has no place in the schema; it "
                            "was kept as a paragraph")
        out["blocks"] = blocks
        return out

    def _children(self, parent, parent_id: str, member_of: str | None = None) -> list[dict]:
        out = []
        bullets = paragraphs = groups = 0
        for node in parent.children:
            if node.kind == "group":
                groups += 1
                ident = self.claim(f"{parent_id}-g" + ("" if groups == 1 else str(groups)))
                group = self._block(node, ident, parent, member_of=ident)
                bullets += len(node.children)
                out.append(group)
                continue
            if member_of is not None:
                bullets += 1
                ident = f"{member_of}-{bullets}"
            elif node.marker is None:
                paragraphs += 1
                ident = f"{parent_id}-p{paragraphs}"
            elif node.number:
                ident = f"{parent_id}-{node.number.split('.')[-1]}"
            else:
                bullets += 1
                ident = f"{parent_id}-{_letters(bullets)}"
            out.append(self._block(node, self.claim(ident), parent))
        return out

    def _block(self, node: Node, ident: str, parent, member_of: str | None = None) -> dict:
        out: dict = {"id": ident, "kind": node.kind}
        self.source_ids.setdefault(node.where, ident)
        if node.number:
            out["number"] = node.number
        if node.title:
            out["title"] = self.fix(node.title)
        if node.text:
            out["text"] = self.fix(node.text)
        blocks = self._children(node, ident, member_of)
        section = _section_of(node)
        if section is not None and not any(f.role != "timing" for f in node.fields) and node.kind != "group":
            self._prose_fields(node, section, ident)
        leftover: list = []
        if blocks:
            out["blocks"] = blocks
        self._fields(out, node, ident, leftover)
        for f in leftover:
            out.setdefault("blocks", []).append({"id": self.claim(f"{ident}-p{len(out.get('blocks', [])) + 1}"),
                                                 "kind": "paragraph", "text": self.fix(f"{f.label}: {f.text}")})
        if "text" not in out and "title" not in out and "blocks" not in out:
            out["text"] = "…"
        return out

    def _prose_fields(self, node: Node, section: Section, ident: str) -> None:
        """Units and timing stated in prose, without labels: the duty sentences of the
        organisation section ("Giao Văn phòng Sở theo dõi …", "Đề nghị … phối hợp …") and,
        in a plan organised by agency, a task whose title is the agency ("2. Sở Tài chính")."""
        text = node.text or node.title or ""
        unit = role = None
        if section.role == "organization":
            found = self.words.in_prose(text)
            if found:
                unit, role = found
            timing = timing_in_prose(text, self.v)
            if timing and self.v.get("prose_timing"):
                node.annotation_timing = timing
        elif section.role == "tasks" and node.kind == "task" and node.title and \
                not any(f.role != "timing" for f in node.fields):
            unit = self.words.title_unit(node.title)
            role = "implementers"
        if unit:
            node.annotation_units = [unit]
            node.annotation_role = role
            node.annotation_mode = "request" if text.startswith(tuple(self.v["request_words"])) else None
            self.review.add("inferred", node.where, f"“{unit}” was taken as the unit in charge from the "
                            "wording (no label); check", path=("block", ident))

    def _fields(self, out: dict, node, ident: str, leftover: list) -> None:
        for f in node.fields:
            self.source_ids[f.where] = f"{ident}-tg" if f.role == "timing" else f"{ident}-dv"
        resp, left = self.fields.responsibility(ident, node.fields, getattr(node, "annotation_units", []),
                                                getattr(node, "annotation_role", None),  # a Section has none
                                                getattr(node, "annotation_mode", None))
        leftover += left
        if resp:
            out["responsibility"] = resp
        timing, left = self.fields.timing(ident, node.fields, getattr(node, "annotation_timing", None))
        leftover += left
        if timing:
            out["timing"] = timing


def _written_date(short: str | None, written: str | None) -> str | None:
    """The header's date as the document writes it ("ngày 17 tháng 11 năm 2025") when it is that
    real date, else d/m/yyyy (None when the source gives no real date).

    >>> _written_date("17/11/2025", "ngày 17  tháng 11 năm 2025"), _written_date("5/3/2025", "ngày 05/3/2025")
    ('ngày 17 tháng 11 năm 2025', '5/3/2025')
    """
    m = LONG_DATE.fullmatch(" ".join((written or "").split()))
    if short and m and [int(x) for x in m.groups()] == [int(x) for x in short.split("/")]:
        return m[0]
    return short


def _section_of(node):
    while node is not None and not isinstance(node, Section):
        node = node.parent
    return node


def _letters(n: int) -> str:
    letters = string.ascii_lowercase
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = letters[r] + out
    return out


__all__ = ["Emitter", "make_id"]
