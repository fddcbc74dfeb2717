"""The content graph: documents are nodes; stated relations and citations in
the plan's text are edges. Pages, backlinks and matrices are views of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import model as m
from .citations import CitationIndex, excerpt

FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")


@dataclass(frozen=True)
class Citation:
    """One place in the plan that cites a document."""

    doc_id: str
    block: m.Block
    written: str
    excerpt: str


@dataclass(frozen=True)
class Assignment:
    """A unit's part in a block: lead (chủ trì/thực hiện) or support (phối hợp)."""

    unit_id: str
    role: str
    section: m.Section
    block: m.Block


class Graph:
    def __init__(self, content: m.Content):
        self.content = content
        self.index = CitationIndex.from_registry(content.documents, content.kinds)
        self.citations: list[Citation] = []
        for block in content.plan.walk():
            for text in (block.title, block.text):
                if not text:
                    continue
                clean = _strip_footnote_refs(text)
                for mention in self.index.find(clean):
                    if mention.doc_id:
                        self.citations.append(Citation(mention.doc_id, block, mention.written,
                                                       excerpt(clean, mention.start, mention.end)))
        # Pages ask per document and per unit; indexing once keeps a build linear in content size.
        self._citations_of: dict[str, list[Citation]] = {}
        for c in self.citations:
            self._citations_of.setdefault(c.doc_id, []).append(c)
        self._assignments = self._collect_assignments()
        self._assignments_of: dict[str, list[Assignment]] = {}
        for a in self._assignments:
            self._assignments_of.setdefault(a.unit_id, []).append(a)
        self._relations_in: dict[str, list[tuple[m.RelationType, m.Document]]] = {}
        for other in content.documents:
            for r in other.relations:
                self._relations_in.setdefault(r.target, []).append((content.relation_type(r.type), other))

    # -- documents -------------------------------------------------------------

    def cited_by_plan(self, doc_id: str) -> list[Citation]:
        return list(self._citations_of.get(doc_id, ()))

    def relations_out(self, doc: m.Document) -> list[tuple[m.RelationType, m.Document]]:
        return [(self.content.relation_type(r.type), self.content.document(r.target)) for r in doc.relations]

    def relations_in(self, doc: m.Document) -> list[tuple[m.RelationType, m.Document]]:
        return list(self._relations_in.get(doc.id, ()))

    def issued_by(self, unit_id: str) -> list[m.Document]:
        return [d for d in self.content.documents if d.issuer == unit_id]

    # -- units -----------------------------------------------------------------

    def assignments(self) -> list[Assignment]:
        return list(self._assignments)

    def _collect_assignments(self) -> list[Assignment]:
        out = []
        for section in self.content.plan.sections:
            for block in section.walk():
                r = block.responsibility
                if r is None:
                    continue
                out += [Assignment(u, "lead", section, block) for u in r.lead]
                out += [Assignment(u, "support", section, block) for u in r.support]
        return out

    def assignments_of(self, unit_id: str) -> list[Assignment]:
        return list(self._assignments_of.get(unit_id, ()))

    def assigned_units(self) -> list[m.Unit]:
        ids = self._assignments_of.keys()
        return [u for u in self.content.units if u.id in ids]

    def recipient_of(self, unit_id: str) -> list[m.Recipient]:
        rec = self.content.plan.recipients
        return [e for e in rec.entries if e.unit == unit_id] if rec else []

    # -- schedule --------------------------------------------------------------

    def timed_blocks(self) -> list[tuple[m.Section, m.Block]]:
        return [(s, b) for s in self.content.plan.sections for b in s.walk() if b.timing is not None]

    def by_timing_kind(self) -> list[tuple[str, list[tuple[m.Section, m.Block]]]]:
        order = ["deadline", "period", "superior_schedule", "recurring", "open_ended"]
        groups = []
        for kind in order:
            members = [(s, b) for s, b in self.timed_blocks() if kind in b.timing.kinds]
            if members:
                groups.append((kind, members))
        return groups


def _strip_footnote_refs(text: str) -> str:
    return FOOTNOTE_REF.sub("", text)
