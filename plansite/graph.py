"""The content graph: documents are nodes; stated relations and citations in
the plan's text are edges. Pages, backlinks and matrices are views of it."""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .citations import CitationIndex, excerpt

# The schedule's heading for assignments with no timing anywhere above them (label timing_kinds.none).
NO_TIMING = "none"


@dataclass(frozen=True)
class Citation:
    """One place in the plan that cites a document."""

    doc_id: str
    block: m.Block
    written: str
    excerpt: str


@dataclass(frozen=True)
class Assignment:
    """A unit's part in an element (section or block): lead (chủ trì),
    implementer (thực hiện) or support (phối hợp); `via` is the group the
    duty reaches the unit through, if it is a shared one (Nhiệm vụ chung)."""

    unit_id: str
    role: m.Role
    section: m.Section
    element: m.Section | m.Block
    responsibility: m.Responsibility
    timing: m.Timing | None
    via: m.Unit | None = None

    @property
    def block(self) -> m.Section | m.Block:
        return self.element


@dataclass(frozen=True)
class Entry:
    """One line of the schedule (Tiến độ): an element, its timing and who does it."""

    section: m.Section
    element: m.Section | m.Block
    timing: m.Timing | None
    responsibility: m.Responsibility | None


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
        self._order = {el.id: i for i, (_, el) in enumerate(content.plan.elements())}
        self.numbers: dict[str, str] = {}
        self._parent: dict[str, m.Section | m.Block] = {}
        self._section_of: dict[str, m.Section] = {}
        for section in content.plan.sections:
            self._number_section(section)
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
        for section, el in self.content.plan.elements():
            r = el.responsibility
            if r is None:
                continue
            timing = self.timing_of(el)
            for party in r.parties:
                out += [Assignment(u, party.role, section, el, r, timing) for u in party.units]
        return out

    def assignments_of(self, unit_id: str) -> list[Assignment]:
        return list(self._assignments_of.get(unit_id, ()))

    def inherited_of(self, unit_id: str) -> list[tuple[m.Unit, list[Assignment]]]:
        """Duties of the groups a unit belongs to (Nhiệm vụ chung), group by group."""
        out = []
        for group in self.content.groups_of(unit_id):
            items = [Assignment(unit_id, a.role, a.section, a.element, a.responsibility, a.timing, group)
                     for a in self._assignments_of.get(group.id, ())]
            if items:
                out.append((group, items))
        return out

    def all_duties_of(self, unit_id: str) -> list[Assignment]:
        """Own and shared duties in plan order (the unit's checklist)."""
        items = self.assignments_of(unit_id) + [a for _, group in self.inherited_of(unit_id) for a in group]
        return sorted(items, key=lambda a: self._order[a.element.id])

    def assigned_elements(self) -> list[tuple[m.Section, m.Section | m.Block]]:
        return [(s, el) for s, el in self.content.plan.elements() if el.responsibility is not None]

    def units_under(self, element: m.Section | m.Block) -> list[str]:
        """Every unit assigned in an element's subtree (for the outline), in order, once."""
        blocks = element.walk() if isinstance(element, m.Block) else element.walk()
        out: list[str] = []
        for b in blocks:
            for u in (b.responsibility.units if b.responsibility else ()):
                if u not in out:
                    out.append(u)
        return out

    def outline(self, section: m.Section) -> list[tuple[m.Section | m.Block, list[str]]]:
        """The home page's outline of a section: its tasks with every unit assigned
        anywhere inside them, then each assignment outside a task."""
        tasks = [b for b in section.blocks if b.kind.is_task]
        covered = {x.id for b in tasks for x in b.walk()}
        items: list[tuple[m.Section | m.Block, list[str]]] = [(b, self.units_under(b)) for b in tasks]
        items += [(el, list(el.responsibility.units)) for s, el in self.assigned_elements()
                  if s is section and el.id not in covered and el.responsibility is not None]
        return sorted(items, key=lambda item: self._order[item[0].id])

    def matrix(self) -> tuple[list[m.Section | m.Block], list[tuple[m.Unit, list[Assignment | None]]]]:
        """Columns (assigned elements) and one row per unit: its assignment in each
        column, own or shared through a group (Assignment.via), or None."""
        columns = [el for _, el in self.assigned_elements()]
        rows = []
        for unit in self.assigned_units():
            cells = []
            own = {a.element.id: a for a in self.assignments_of(unit.id)}
            shared = {a.element.id: a for _, group in self.inherited_of(unit.id) for a in group}
            for el in columns:
                cells.append(own.get(el.id) or shared.get(el.id))
            rows.append((unit, cells))
        return columns, rows

    # -- numbering -------------------------------------------------------------

    def number(self, element: m.Section | m.Block) -> str:
        """Full hierarchical number: "II.4", "III (gạch đầu dòng 2)", "II.2.1.b"."""
        return self.numbers[element.id]

    def section_of(self, element: m.Section | m.Block) -> m.Section:
        return self._section_of[element.id]

    def parent_of(self, element: m.Section | m.Block) -> m.Section | m.Block | None:
        return self._parent.get(element.id)

    def timing_of(self, element: m.Section | m.Block) -> m.Timing | None:
        """The element's timing, or the nearest enclosing element's."""
        return self._inherited(element, "timing")

    def responsibility_of(self, element: m.Section | m.Block) -> m.Responsibility | None:
        """The element's responsibility, or the nearest enclosing element's."""
        return self._inherited(element, "responsibility")

    def _inherited(self, element, name: str):
        while element is not None:
            if getattr(element, name) is not None:
                return getattr(element, name)
            element = self.parent_of(element)
        return None

    def _number_section(self, section: m.Section) -> None:
        self.numbers[section.id] = section.number
        self._section_of[section.id] = section
        self._number_children(section, section.blocks, [section.number], [], _counter())

    def _number_children(self, parent, blocks, nums: list[str], suffix: list[str], counter: dict) -> None:
        L = self.content.labels["numbering"]
        section = self._section_of[parent.id]
        for b in blocks:
            self._parent[b.id] = parent
            self._section_of[b.id] = section
            if b.kind is m.BlockKind.GROUP:
                # A group is transparent for counting: its bullets continue the run.
                first = counter[m.BlockKind.BULLET] + 1
                self._number_children(b, b.blocks, nums, suffix, counter)
                last = counter[m.BlockKind.BULLET]
                numbered = [c.number for c in b.blocks if c.number]
                if numbered and not suffix:
                    own = _fmt(nums + [f"{numbered[0]}–{numbered[-1]}" if len(numbered) > 1 else numbered[0]], [])
                elif last >= first:
                    n = str(first) if last == first else f"{first}–{last}"
                    own = _fmt(nums, suffix + [L[m.BlockKind.BULLET].format(n=n)])
                else:
                    own = _fmt(nums, suffix)
                self.numbers[b.id] = own
                continue
            if b.number:
                if suffix:
                    own_nums, own_suffix = nums, suffix[:-1] + [f"{suffix[-1]}.{b.number}"]
                elif nums and b.number.startswith(nums[-1] + "."):
                    own_nums, own_suffix = nums[:-1] + [b.number], []
                else:
                    own_nums, own_suffix = nums + [b.number], []
            else:
                # Unnumbered: counted as a bullet ("gạch đầu dòng 2") or else as a paragraph ("đoạn 2").
                kind = m.BlockKind.BULLET if b.kind is m.BlockKind.BULLET else m.BlockKind.PARAGRAPH
                counter[kind] += 1
                own_nums, own_suffix = nums, suffix + [L[kind].format(n=counter[kind])]
            self.numbers[b.id] = _fmt(own_nums, own_suffix)
            self._number_children(b, b.blocks, own_nums, own_suffix, _counter())

    def assigned_units(self) -> list[m.Unit]:
        """Units with a duty of their own or through a group, in registry order."""
        ids = self._assignments_of.keys()
        return [u for u in self.content.units
                if u.id in ids or any(g.id in ids for g in self.content.groups_of(u.id))]

    def recipient_of(self, unit_id: str) -> list[m.Recipient]:
        rec = self.content.plan.recipients
        return [e for e in rec.entries if e.unit == unit_id] if rec else []

    # -- schedule --------------------------------------------------------------

    def schedule(self) -> list[tuple[m.TimingKind | str, list[tuple[str | None, list[Entry]]]]]:
        """Tiến độ: every timed or assigned element once, under its timing's main kind.

        Dated kinds are sorted by their (possibly partial) date and grouped by
        year; an assignment with no timing anywhere above it goes under "none".
        """
        entries: dict[m.TimingKind | str, list[Entry]] = {}
        for section, el in self.content.plan.elements():
            if el.timing is None and el.responsibility is None:
                continue
            timing = self.timing_of(el)
            kind = timing.primary if timing else NO_TIMING
            entries.setdefault(kind, []).append(Entry(section, el, timing, self.responsibility_of(el)))
        out: list[tuple[m.TimingKind | str, list[tuple[str | None, list[Entry]]]]] = []
        for kind in (*m.TimingKind, NO_TIMING):
            items = entries.get(kind)
            if not items:
                continue
            if isinstance(kind, m.TimingKind) and kind.dated:
                # Filed under a timing kind: every entry here has a timing.
                items = sorted(items, key=lambda e: e.timing.sort_key if e.timing else ())  # stable: plan order
                years: dict[str | None, list[Entry]] = {}
                for e in items:
                    date = e.timing and (e.timing.deadline or e.timing.end or e.timing.start)
                    years.setdefault(str(date.year) if date else None, []).append(e)
                out.append((kind, list(years.items())))
            else:
                out.append((kind, [(None, items)]))
        return out

    def by_timing_kind(self) -> list[tuple[m.TimingKind | str, list[tuple[m.Section, m.Section | m.Block]]]]:
        return [(kind, [(e.section, e.element) for _, group in groups for e in group])
                for kind, groups in self.schedule()]


def _counter() -> dict[m.BlockKind, int]:
    """Running counts of unnumbered blocks under one parent, by the word that numbers them."""
    return {m.BlockKind.BULLET: 0, m.BlockKind.PARAGRAPH: 0}


def _fmt(nums: list[str], suffix: list[str]) -> str:
    return ".".join(nums) + (f" ({', '.join(suffix)})" if suffix else "")


def _strip_footnote_refs(text: str) -> str:
    return m.FOOTNOTE_REF.sub("", text)
