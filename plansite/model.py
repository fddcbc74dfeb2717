"""The plan and its registries as frozen domain objects.

Everything here is built by `loader.load_content` from validated YAML; the
rest of the core takes these objects, never raw dicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from .docnumber import DocNumber


@dataclass(frozen=True)
class WrittenDate:
    """A date kept as the source writes it (01/9/2021), with its value."""

    text: str
    value: dt.date

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Note:
    id: str
    text: str


@dataclass(frozen=True)
class Responsibility:
    id: str
    label: str | None
    text: str | None
    lead: tuple[str, ...]
    support: tuple[str, ...]
    support_label: str | None = None
    support_text: str | None = None

    @property
    def units(self) -> tuple[str, ...]:
        return self.lead + self.support


@dataclass(frozen=True)
class Timing:
    id: str
    label: str | None
    text: str
    kinds: tuple[str, ...]
    deadline: WrittenDate | None = None
    start: WrittenDate | None = None
    end: WrittenDate | None = None


@dataclass(frozen=True)
class Block:
    id: str
    kind: str
    number: str | None = None
    title: str | None = None
    text: str | None = None
    blocks: tuple["Block", ...] = ()
    responsibility: Responsibility | None = None
    timing: Timing | None = None
    notes: tuple[Note, ...] = ()
    moved_from: tuple[str, ...] = ()

    def walk(self) -> Iterator["Block"]:
        yield self
        for child in self.blocks:
            yield from child.walk()


@dataclass(frozen=True)
class Section:
    id: str
    number: str
    title: str
    role: str | None
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...] = ()
    moved_from: tuple[str, ...] = ()

    def walk(self) -> Iterator[Block]:
        for block in self.blocks:
            yield from block.walk()


@dataclass(frozen=True)
class Footnote:
    id: str
    label: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Recipient:
    id: str
    text: str
    unit: str | None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Recipients:
    label: str
    entries: tuple[Recipient, ...]


@dataclass(frozen=True)
class Signature:
    prefix: str | None
    authority: str | None
    title: str | None
    name: str | None


@dataclass(frozen=True)
class Header:
    parent_body: str | None
    province: str | None
    issuing_body: str | None
    number: str | None
    symbol: str | None
    place: str | None
    date: WrittenDate | None
    kind: str
    subject: str
    signature: Signature | None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Plan:
    id: str
    document: str
    header: Header
    preamble: tuple[Block, ...]
    sections: tuple[Section, ...]
    footnotes: tuple[Footnote, ...]
    recipients: Recipients | None

    def walk(self) -> Iterator[Block]:
        """Every block in source order, footnote paragraphs last."""
        for block in self.preamble:
            yield from block.walk()
        for section in self.sections:
            yield from section.walk()
        for footnote in self.footnotes:
            for block in footnote.blocks:
                yield from block.walk()

    def tasks(self) -> Iterator[tuple[Section, Block]]:
        for section in self.sections:
            for block in section.walk():
                if block.kind in ("task", "subtask"):
                    yield section, block


@dataclass(frozen=True)
class DocumentKind:
    id: str
    name: str


@dataclass(frozen=True)
class RelationType:
    id: str
    forward: str
    backward: str


@dataclass(frozen=True)
class Relation:
    type: str
    target: str


@dataclass(frozen=True)
class DocumentStatus:
    """Whether a document is in force, as a public page confirmed it on a day.

    value: "con-hieu-luc" (còn hiệu lực) or "het-hieu-luc" (hết hiệu lực);
    a document without a confirmed status has none (shown as "không rõ").
    """

    value: str
    checked: WrittenDate | None
    evidence: str          # URL of the public page that says so


@dataclass(frozen=True)
class Document:
    id: str
    kind: str
    number: DocNumber | None
    number_text: str | None
    title: str | None
    date: WrittenDate | None
    issuer: str | None
    subject: str | None
    is_plan: bool = False
    cited_as: tuple[str, ...] = ()
    also_numbered: tuple[DocNumber, ...] = ()
    relations: tuple[Relation, ...] = ()
    notes: tuple[Note, ...] = ()
    moved_from: tuple[str, ...] = ()
    source: str | None = None               # official page (national database, issuer's portal)
    status: DocumentStatus | None = None    # None: in force or not is unknown


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    parent: str | None = None
    description: str | None = None
    moved_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    expansion: str
    abbr: bool = False
    variants: tuple[str, ...] = ()
    definition: str | None = None
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Content:
    """The whole content graph: the plan plus the registries it refers to."""

    plan: Plan
    documents: tuple[Document, ...]
    kinds: tuple[DocumentKind, ...]
    relation_types: tuple[RelationType, ...]
    units: tuple[Unit, ...]
    terms: tuple[Term, ...]
    labels: dict = field(hash=False, compare=False)

    def document(self, doc_id: str) -> Document:
        return self._by_id["documents"][doc_id]

    def unit(self, unit_id: str) -> Unit:
        return self._by_id["units"][unit_id]

    def kind(self, kind_id: str) -> DocumentKind:
        return self._by_id["kinds"][kind_id]

    def relation_type(self, type_id: str) -> RelationType:
        return self._by_id["relation_types"][type_id]

    @cached_property
    def _by_id(self) -> dict[str, dict]:
        # Templates look registries up per page and per row; a scan each time
        # would make the build quadratic in content size. (cached_property
        # writes the instance __dict__ directly, so it works on a frozen class.)
        return {name: {x.id: x for x in getattr(self, name)}
                for name in ("documents", "units", "kinds", "relation_types")}

    def document_label(self, doc: Document) -> str:
        """Short name: 'Chỉ thị 33/CT-TTg', or the title of an unnumbered one."""
        if doc.number_text:
            return f"{self.kind(doc.kind).name} {doc.number_text}"
        return doc.title or doc.id

    def term(self, term_id: str) -> Term:
        return next(t for t in self.terms if t.id == term_id)
