"""The plan and its registries as frozen domain objects.

Everything here is built by `loader.load_content` from validated YAML; the
rest of the core takes these objects, never raw dicts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, NoReturn

from .docnumber import DocNumber

# Where a text marks a footnote: [^fn-1], the footnote's id (the content's own
# syntax, as in Python-Markdown). Every view that shows, strips or follows the
# mark uses this one pattern.
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")


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
class PlanDate:
    """A date as a plan writes it, possibly partial: 30/6/2025, 12/2025 or 2025.

    Nothing the source leaves out is filled in: a month or a year stays a
    month or a year. `sort_key` orders a partial date after every full date it
    contains (a deadline "12/2025" runs to the end of December).

    >>> PlanDate.parse("12/2025").precision, PlanDate.parse("12/2025").sort_key
    ('month', (2025, 12, 32))
    >>> str(PlanDate.parse("2025"))
    '2025'
    """

    text: str
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PlanDate:
        parts = [int(p) for p in text.split("/")]
        if len(parts) == 3:
            d, mo, y = parts
            dt.date(y, mo, d)  # raises ValueError for a date that does not exist
            return cls(text, y, mo, d)
        if len(parts) == 2:
            mo, y = parts
            if not 1 <= mo <= 12:
                raise ValueError("month out of range")
            return cls(text, y, mo)
        return cls(text, parts[0])

    @property
    def value(self) -> dt.date | None:
        """The calendar date, only when the source gives the day."""
        return dt.date(self.year, self.month, self.day) if self.day and self.month else None

    @property
    def last_day(self) -> dt.date:
        """The last calendar day the date covers: a deadline "12/2025" runs to 31/12/2025.

        >>> PlanDate.parse("2/2024").last_day, PlanDate.parse("2030").last_day
        (datetime.date(2024, 2, 29), datetime.date(2030, 12, 31))
        """
        if self.value is not None:
            return self.value
        if self.month is None:
            return dt.date(self.year, 12, 31)
        following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 13, self.day or 32)

    def __str__(self) -> str:
        return self.text


class PageRole(StrEnum):
    """What a generated page (render.Page) is for."""

    CANONICAL = "canonical"  # where plan elements live: backlinks and citations point there
    COPY = "copy"            # repeats the plan's text (Toàn văn)
    REGISTRY = "registry"    # shows data: documents, units, schedule, glossary, handouts
    STUDY = "study"          # self-study and quizzes: not canonical (no backlinks), not the plan's text


@dataclass(frozen=True)
class Field:
    """A labelled line as the source prints it: "b) Cơ quan chủ trì: Văn phòng Sở"."""

    label: str | None = None
    letter: str | None = None
    text: str | None = None


# -----------------------------------------------------------------------------
# Vocabularies
# -----------------------------------------------------------------------------
# Each closed set of words the content uses is an enum. StrEnum: a member *is*
# its YAML value, so templates print it and look labels up by it unchanged, and
# the code compares against members, never against string literals.
# tests/test_model.py checks each against its `enum` list in content/schema/.

class Role(StrEnum):
    """A unit's part in a responsibility (plan.schema.json: lead / implementers / support)."""

    LEAD = "lead"                # chủ trì
    SUPPORT = "support"          # phối hợp
    IMPLEMENTER = "implementer"  # đơn vị / cơ quan thực hiện

    @property
    def key(self) -> str:
        """The responsibility's key in plan.yaml that lists the units of this role."""
        return "implementers" if self is Role.IMPLEMENTER else self.value


class Mode(StrEnum):
    ASSIGN = "assign"    # Giao: a duty of the issuer's own units
    REQUEST = "request"  # Đề nghị: asked of a body outside the issuer


class _Word(StrEnum):
    """A word of the content's own vocabulary. Its repr is the word's, as YAML
    gives it: the model's reprs read as the content does, and quiz.content_seed,
    which hashes them to pick the questions, picks the same ones as with strings."""

    def __repr__(self) -> str:
        return repr(self.value)


class BlockKind(_Word):
    """What a block of the plan is; templates style it as `plan-<kind>`."""

    ITEM = "item"            # a numbered point of a purpose or requirement
    TASK = "task"            # a numbered task ("1. Tăng cường …")
    SUBTASK = "subtask"      # a task inside a task ("1.1.", "a)")
    TARGET = "target"        # a measurable target (chỉ tiêu)
    PARAGRAPH = "paragraph"  # running text
    BULLET = "bullet"        # a dash item ("- …")
    GROUP = "group"          # bullets under one shared responsibility or timing; no text of its own

    @property
    def is_task(self) -> bool:
        """A task or sub-task: what the outline, the handout and citations count as a task."""
        return self in (BlockKind.TASK, BlockKind.SUBTASK)


class SectionRole(_Word):
    """What a section of the plan is for (a plan's own headings vary; this does not)."""

    PURPOSE = "purpose"            # Mục đích, yêu cầu
    TARGETS = "targets"            # Chỉ tiêu
    TASKS = "tasks"                # Nhiệm vụ, giải pháp
    FUNDING = "funding"            # Kinh phí
    ORGANIZATION = "organization"  # Tổ chức thực hiện
    OTHER = "other"


class UnitKind(_Word):
    INTERNAL = "internal"  # a unit of the issuer (phòng, đơn vị trực thuộc)
    EXTERNAL = "external"  # a body outside it


class TimingKind(_Word):
    """How a timing runs; the order here is the schedule's (Tiến độ) order of headings."""

    DEADLINE = "deadline"
    PERIOD = "period"
    ANNUAL = "annual"
    MONTHLY = "monthly"
    RECURRING = "recurring"
    SUPERIOR_SCHEDULE = "superior_schedule"
    PER_DOCUMENT = "per_document"
    OPEN_ENDED = "open_ended"
    FREE = "free"

    @property
    def dated(self) -> bool:
        """Kinds the schedule sorts by date and groups by year."""
        return self in (TimingKind.DEADLINE, TimingKind.PERIOD)


class Validity(_Word):
    """Whether a document is in force, as a public page confirmed it (documents.schema.json: status)."""

    IN_FORCE = "con-hieu-luc"  # còn hiệu lực
    EXPIRED = "het-hieu-luc"   # hết hiệu lực


class CitableKind(StrEnum):
    """What a citable element (permalinks.Citable) is when it is not a block of the plan;
    a block is cited as its BlockKind. Not a content word: the code makes these."""

    PREAMBLE = "preamble"    # a paragraph before the first section
    SECTION = "section"
    FOOTNOTE = "footnote"
    RECIPIENT = "recipient"  # a line of "Nơi nhận"
    DOCUMENT = "document"    # a registered document: its page, not an anchor on one


# The vocabularies as template globals, for every Jinja environment (the site's
# pages and the official documents): templates compare against members
# ({% if b.kind == BlockKind.GROUP %}), never against string literals.
TEMPLATE_VOCABULARIES: Mapping[str, type[StrEnum]] = {
    e.__name__: e for e in (BlockKind, SectionRole, UnitKind, TimingKind, Role, Mode, Validity, CitableKind)}


@dataclass(frozen=True)
class Party:
    """Units in one role; `field` is their own printed line, if the source gives one."""

    role: Role
    units: tuple[str, ...]
    field: Field | None = None


@dataclass(frozen=True)
class Responsibility:
    """Who does it, every wording as written.

    `field` is one printed line naming all parties ("Đơn vị thực hiện: Phòng
    X chủ trì phối hợp …"); a party with a field of its own is a line of its
    own ("Cơ quan phối hợp: …"). Neither: an editorial annotation.
    """

    id: str
    parties: tuple[Party, ...]
    field: Field | None = None
    content: Field | None = None   # "Nội dung thực hiện: …"
    mode: Mode = Mode.ASSIGN

    def of(self, role: Role) -> tuple[str, ...]:
        return tuple(u for p in self.parties if p.role == role for u in p.units)

    @property
    def lead(self) -> tuple[str, ...]:
        return self.of(Role.LEAD)

    @property
    def support(self) -> tuple[str, ...]:
        return self.of(Role.SUPPORT)

    @property
    def implementers(self) -> tuple[str, ...]:
        return self.of(Role.IMPLEMENTER)

    @property
    def units(self) -> tuple[str, ...]:
        return self.lead + self.implementers + self.support

    def _party_field(self, role: Role) -> Field | None:
        return next((p.field for p in self.parties if p.role == role and p.field), None)

    @property
    def label(self) -> str | None:
        f = self.field or self._party_field(Role.LEAD) or self._party_field(Role.IMPLEMENTER)
        return f.label if f else None

    @property
    def text(self) -> str | None:
        f = self.field or self._party_field(Role.LEAD) or self._party_field(Role.IMPLEMENTER)
        return f.text if f else None

    @property
    def support_label(self) -> str | None:
        f = self._party_field(Role.SUPPORT)
        return f.label if f else None

    @property
    def support_text(self) -> str | None:
        f = self._party_field(Role.SUPPORT)
        return f.text if f else None

    def wordings(self) -> tuple[str, ...]:
        """Every wording the source gives, in print order."""
        fields = [self.content, self.field, *(p.field for p in self.parties)]
        return tuple(x for f in fields if f for x in (f.label, f.text) if x)


# Vietnamese alphabetical order of list letters: "đ)" follows "d)", not "z)".
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


def letter_key(letter: str) -> tuple[int, str]:
    """Sort key of a list letter in Vietnamese order.

    >>> sorted("eđdc", key=letter_key)
    ['c', 'd', 'đ', 'e']
    """
    return (LETTERS.index(letter), "") if letter in LETTERS else (len(LETTERS), letter)


TIMING_KINDS = tuple(TimingKind)


@dataclass(frozen=True)
class Timing:
    """When, as written (`text`), classified by `kinds`, with any dates the source gives."""

    id: str
    label: str | None
    text: str
    kinds: tuple[TimingKind, ...]
    deadline: PlanDate | None = None
    start: PlanDate | None = None
    end: PlanDate | None = None
    letter: str | None = None
    day_month: str | None = None   # annual: "15/11" (ngày 15 tháng 11 hằng năm)
    document: str | None = None    # per_document: the registered document whose schedule applies

    @property
    def primary(self) -> TimingKind:
        """The kind the schedule files it under: the first the editor lists."""
        return self.kinds[0]

    @property
    def sort_key(self) -> tuple:
        date = self.deadline or self.end or self.start
        return date.sort_key if date else (9999, 13, 32)

    def wordings(self) -> tuple[str, ...]:
        return tuple(x for x in (self.label, self.text) if x)


def printed_fields(r: Responsibility | None, t: Timing | None) -> tuple[Field, ...]:
    """The lines the source prints under an element, in its order ("a) Nội dung thực
    hiện: …", "b) Cơ quan chủ trì: …", "c) Cơ quan phối hợp: …", "d) Thời gian thực
    hiện: …"): by letter when every line has one, else content, responsibility, each
    party's own line, timing. Parties with no line and a timing with no label are
    editorial annotations, not printed text: the official document leaves them out.
    """
    fields: list[Field | None] = []
    if r is not None:
        fields += [r.content, r.field, *(p.field for p in r.parties)]
    if t is not None and t.label:
        fields.append(Field(t.label, t.letter, t.text))
    out = [f for f in fields if f is not None and (f.label or f.text)]
    if out and all(f.letter for f in out):
        out.sort(key=lambda f: letter_key(f.letter or ""))
    return tuple(out)


@dataclass(frozen=True)
class Block:
    id: str
    kind: BlockKind
    number: str | None = None
    title: str | None = None
    text: str | None = None
    blocks: tuple[Block, ...] = ()
    responsibility: Responsibility | None = None
    timing: Timing | None = None
    notes: tuple[Note, ...] = ()
    moved_from: tuple[str, ...] = ()

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.blocks:
            yield from child.walk()

    @property
    def words(self) -> tuple[str, ...]:
        """What the block says: its title or text; a group, which has neither, its members' texts."""
        own = self.title or self.text
        if own:
            return (own,)
        return tuple(w for b in self.blocks for w in b.words)


@dataclass(frozen=True)
class Section:
    id: str
    number: str
    title: str
    role: SectionRole | None
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...] = ()
    moved_from: tuple[str, ...] = ()
    responsibility: Responsibility | None = None
    timing: Timing | None = None

    def walk(self) -> Iterator[Block]:
        for block in self.blocks:
            yield from block.walk()

    @property
    def words(self) -> tuple[str, ...]:
        return (self.title,)


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
class AuthorityLine:
    """One line above the signer's title: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "GIÁM ĐỐC".

    >>> AuthorityLine.parse("KT. CHỦ TỊCH")
    AuthorityLine(prefix='KT.', text='CHỦ TỊCH')
    >>> str(AuthorityLine.parse("GIÁM ĐỐC"))
    'GIÁM ĐỐC'
    """

    prefix: str | None  # TM. (thay mặt), KT. (ký thay), Q. (quyền), TL. (thừa lệnh), TUQ. (thừa ủy quyền)
    text: str

    PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")

    @classmethod
    def parse(cls, written: str) -> AuthorityLine:
        head, _, rest = written.partition(" ")
        if head in cls.PREFIXES and rest.strip():
            return cls(head, rest.strip())
        return cls(None, written.strip())

    def __str__(self) -> str:
        return f"{self.prefix} {self.text}" if self.prefix else self.text


@dataclass(frozen=True)
class Signature:
    """The signature block top to bottom (Nghị định 30/2020, ô 7a–7b); any part may be absent."""

    authority: tuple[AuthorityLine, ...]
    title: str | None
    name: str | None


@dataclass(frozen=True)
class Header:
    """The document's header as written. None = the source does not give it;
    inside a text, "…" marks a part it does not give ("UBND tỉnh …")."""

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
    has_parent: bool = True  # False: issued by a body with no parent (a UBND's own plan)


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
                if block.kind.is_task:
                    yield section, block

    def elements(self) -> Iterator[tuple[Section, Section | Block]]:
        """Each section, then its blocks: everything that can carry responsibility or timing."""
        for section in self.sections:
            yield section, section
            for block in section.walk():
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

    A document without a confirmed status has none (shown as "không rõ").
    """

    value: Validity
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
    kind: UnitKind
    parent: str | None = None
    description: str | None = None
    moved_from: tuple[str, ...] = ()
    members: tuple[str, ...] = ()   # a group ("Các phòng, đơn vị trực thuộc Sở") and the units in it


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    expansion: str
    abbr: bool = False
    variants: tuple[str, ...] = ()
    definition: str | None = None
    related: tuple[str, ...] = ()


class LabelError(KeyError):
    """A label the code asks for is not in content/labels.yaml."""

    def __str__(self) -> str:
        return str(self.args[0])


class LabelGroup(dict):
    """A group of UI labels: a read-only dict whose missing key names its path.

    A dict, so every view reads it as before (`L["pages"]["home"]` in Python,
    `L.pages.home` in templates) and JSON, `**` and pickle take it as is.

    >>> g = LabelGroup({"resp": {"lead": "Chủ trì"}})
    >>> g["resp"]["lead"]
    'Chủ trì'
    >>> g["resp"]["leed"]
    Traceback (most recent call last):
    ...
    plansite.model.LabelError: label 'resp.leed' is not in content/labels.yaml (see content/schema/labels.schema.json)
    """

    def __init__(self, data: Mapping[str, Any], path: str = ""):
        super().__init__((k, LabelGroup(v, f"{path}{k}.") if isinstance(v, Mapping) else v) for k, v in data.items())
        self._path = path

    def __missing__(self, key: str) -> NoReturn:
        raise LabelError(f"label '{self._path}{key}' is not in content/labels.yaml "
                         "(see content/schema/labels.schema.json)")

    def __reduce__(self):  # pickle and copy rebuild it, never item by item (items are read-only)
        return (type(self), (dict(self), self._path))

    def _read_only(self, *args, **kwargs) -> NoReturn:
        raise TypeError("labels are read-only: edit content/labels.yaml")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only


class Labels(LabelGroup):
    """Every UI label (content/labels.yaml), typed by group.

    The annotations are the groups the code and templates need:
    tests/test_model.py checks they equal labels.schema.json's required
    properties, and that every literal label path in plansite/ and templates/
    is declared in the schema, so a misspelt key fails a test, not a page.
    Attribute access (`labels.resp["lead"]`) is typed; item access works too.
    """

    site_name: str
    unknown: str
    unknown_long: str
    editorial_note: str
    permalink: str
    footnote_back: str
    search_dialog: str
    pages: LabelGroup
    header: LabelGroup
    task: LabelGroup
    timing_kinds: LabelGroup
    documents: LabelGroup
    units: LabelGroup
    schedule: LabelGroup
    glossary: LabelGroup
    numbering: LabelGroup
    resp: LabelGroup
    preview: LabelGroup
    official: LabelGroup
    history: LabelGroup
    readers: LabelGroup
    study: LabelGroup
    cite: LabelGroup
    redirect: LabelGroup
    copy: LabelGroup  # type: ignore[assignment]  # the label group shadows dict.copy for attribute access
    trainers: LabelGroup

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Labels:
        """The labels of a validated labels.yaml (the schema requires every group)."""
        return cls(data)

    def __getattribute__(self, name: str) -> Any:
        # The declared groups read as attributes, before dict's own (`copy`).
        if name in _LABEL_GROUPS:
            return self[name]
        return super().__getattribute__(name)


_LABEL_GROUPS = frozenset(Labels.__annotations__)


@dataclass(frozen=True)
class Content:
    """The whole content graph: the plan plus the registries it refers to."""

    plan: Plan
    documents: tuple[Document, ...]
    kinds: tuple[DocumentKind, ...]
    relation_types: tuple[RelationType, ...]
    units: tuple[Unit, ...]
    terms: tuple[Term, ...]
    labels: Labels = field(hash=False, compare=False)

    def document(self, doc_id: str) -> Document:
        return self._by_id["documents"][doc_id]

    def unit(self, unit_id: str) -> Unit:
        return self._by_id["units"][unit_id]

    def groups_of(self, unit_id: str) -> tuple[Unit, ...]:
        """The groups a unit belongs to, nearest first (a group of a group too)."""
        return self._groups.get(unit_id, ())

    @cached_property
    def _groups(self) -> dict[str, tuple[Unit, ...]]:
        direct: dict[str, list[Unit]] = {}
        for group in self.units:
            for member in group.members:
                direct.setdefault(member, []).append(group)
        out = {}
        for unit_id in direct:
            found: list[Unit] = []
            frontier = [unit_id]
            while frontier:
                step = list(dict.fromkeys(g for f in frontier for g in direct.get(f, ())
                                          if g not in found and g.id != unit_id))
                found += step
                frontier = [g.id for g in step]
            out[unit_id] = tuple(found)
        return out

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
