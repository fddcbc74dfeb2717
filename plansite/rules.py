"""Semantic rules a schema cannot express: one small function per rule.

A rule takes the model the builder made of the content files that passed
their schema (`Model`, the parts of `model.Content` whose files are valid) and
the index of where each part is written (`Index`), and returns located
problems. `RULES` lists every rule, in order, with the files it needs;
`check` runs each rule whose files all passed their schema, so one run lists
every problem it can find, whichever other file is broken. Adding a rule is
one function here and one line in `RULES`, plus its row in tests/test_rules_table.py.

    >>> from plansite import model as m
    >>> from plansite.yamlsource import Source
    >>> units = Source("content/units.yaml", {"units": [{"id": "a", "parent": "a"}]})
    >>> unit = m.Unit("a", "A", m.UnitKind.INTERNAL, parent="a")
    >>> where = Index({"units": units})
    >>> where.put(unit, units, ("units", 0))
    >>> [p.message for p in unit_parent_cycles(Model(frozenset({"units"}), units=(unit,)), where)]
    ["unit 'a' is its own parent"]
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as m
from .citations import CitationIndex
from .errors import Problem
from .yamlsource import Source

# Python's `$` (used by jsonschema for "pattern") also matches before a final
# newline, so ids are checked again with fullmatch.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# Names of generated files and folders at the site's top level and in the
# folders whose pages are named after ids (van-ban/<id>.html, don-vi/<id>.html):
# an id equal to one of them replaces that page or folder.
RESERVED_NAMES = frozenset({
    "index", "404", "search", "assets", "sitemap", "k", "qr", "muc", "van-ban", "don-vi", "toan-van",
    "tien-do", "thuat-ngu", "giang-vien",
})
# Heading ids a template writes literally ({#ma-tran}) or builds from a vocabulary.
TEMPLATE_ANCHOR = re.compile(r"\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}|\sid=\"([A-Za-z0-9][A-Za-z0-9_-]*)\"")
# The file that defines each namespace of ids, and how a fix names it.
DEFINED_IN = {"unit": "units", "term": "glossary", "kind": "documents", "relation_type": "documents",
              "document": "documents", "note": "documents", "plan": "plan"}
WHERE_DEFINED = {"unit": "content/units.yaml", "document": "content/documents.yaml",
                 "term": "content/glossary.yaml", "kind": "kinds in content/documents.yaml",
                 "relation_type": "relation_types in content/documents.yaml"}
# Namespaces whose ids share one space of file names or anchors: plan elements and
# documents (k/<id>/ and page anchors), units (don-vi/<id>.html), terms.
URL_SPACES = (("plan", "document", "note"), ("unit",), ("term",))


# -----------------------------------------------------------------------------
# What a rule receives
# -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Model:
    """The parts of `model.Content` built from the files in `valid` (the
    others stay empty): plan, documents, units, glossary, labels."""

    valid: frozenset[str]
    plan: m.Plan | None = None
    documents: tuple[m.Document, ...] = ()
    kinds: tuple[m.DocumentKind, ...] = ()
    relation_types: tuple[m.RelationType, ...] = ()
    units: tuple[m.Unit, ...] = ()
    terms: tuple[m.Term, ...] = ()
    labels: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Definition:
    """An id as the content defines it; an old id kept in `moved_from` names the id it was renamed to."""

    namespace: str       # a key of DEFINED_IN
    id: str
    source: Source
    path: tuple
    renamed_to: str | None = None


@dataclass(frozen=True)
class Reference:
    """An id written where an element of `namespace` is meant."""

    namespace: str
    target: str
    source: Source
    path: tuple


@dataclass(frozen=True)
class Place:
    """Where a model object is written, and (for a parsed value) the text as written."""

    source: Source
    path: tuple
    written: str | None = None


@dataclass
class Index:
    """Where the model's parts are written, filled by the builder.

    Model objects are looked up by identity (two equal blocks are two places);
    `unbuilt` holds the paths of values the builder could not build (a date
    that does not exist, a number that does not parse), already reported.
    """

    sources: Mapping[str, Source]
    definitions: list[Definition] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    unbuilt: set[tuple[str, tuple]] = field(default_factory=set)
    schema_dir: Path = Path("content/schema")
    templates_dir: Path = Path("templates")
    _places: dict[int, tuple[Any, Place]] = field(default_factory=dict, repr=False)

    def put(self, obj: Any, source: Source, path: tuple, written: str | None = None) -> None:
        self._places[id(obj)] = (obj, Place(source, path, written))  # keeps obj alive: its id stays its own

    def at(self, obj: Any) -> Place:
        held, place = self._places[id(obj)]
        assert held is obj  # a stale id: the object was never located
        return place

    def problem(self, obj: Any, message: str, fix: str, *sub: str | int) -> Problem:
        """A problem located at `obj`, or at its field `sub`."""
        place = self.at(obj)
        return place.source.problem(place.path + sub, message, fix)

    def line(self, source: Source, path: tuple) -> str:
        """'content/x.yaml:12': how a message points to another place."""
        return f"{source.file}:{source.where(path)[0]}"

    def line_of(self, obj: Any, *sub: str | int) -> str:
        """`line` of `obj`, or of its field `sub`."""
        place = self.at(obj)
        return self.line(place.source, place.path + sub)

    def is_unbuilt(self, obj: Any, key: str) -> bool:
        place = self.at(obj)
        return (place.source.file, place.path + (key,)) in self.unbuilt

    def first_definitions(self, namespace: str) -> dict[str, Definition]:
        """Each id of `namespace` at its first definition."""
        out: dict[str, Definition] = {}
        for d in self.definitions:
            if d.namespace == namespace:
                out.setdefault(d.id, d)
        return out


Rule = Callable[[Model, Index], list[Problem]]


def check(model: Model, where: Index) -> list[Problem]:
    """Every problem of every rule whose files are all valid."""
    return [p for needs, fn in RULES if model.valid.issuperset(needs) for p in fn(model, where)]


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

def _elements(plan: m.Plan) -> Iterator[m.Section | m.Block]:
    """Every section and every block (preamble, sections, footnotes)."""
    yield from plan.sections
    yield from plan.walk()


def _timings(plan: m.Plan) -> Iterator[m.Timing]:
    """Every timing of a section or block."""
    return (e.timing for e in _elements(plan) if e.timing is not None)


def _cycles(graph: dict[str, list[tuple[str, Any]]]) -> list[tuple[list[str], Any]]:
    """Each cycle once (as its nodes, first repeated at the end) with the
    edge's payload that closes it, in the order the file defines the nodes."""
    done: set[str] = set()
    out = []

    def visit(trail: list[str]) -> None:
        for target, payload in graph.get(trail[-1], []):
            if target in trail:  # no edge leads from a node to itself: the rules report those first
                out.append((trail[trail.index(target):] + [target], payload))
            elif target not in done:
                visit(trail + [target])
        done.add(trail[-1])

    for node in graph:
        if node not in done:
            visit([node])
    return out


def template_anchors(templates_dir: Path) -> set[str]:
    """The heading ids the templates write literally (none if the folder does not exist)."""
    return {a or b for template in templates_dir.glob("*.j2")
            for a, b in TEMPLATE_ANCHOR.findall(template.read_bytes().decode())}  # UTF-8, whatever the locale


def reserved_names(anchors: set[str], labels: Mapping) -> frozenset[str]:
    """Every id the site itself uses, casefolded: generated pages and folders, the templates'
    heading ids (`template_anchors`), unit kinds (units.md.j2 heads each group with its kind as its id)
    and timing kinds. The importer never generates them."""
    kinds = set(m.UnitKind) | {k.replace("_", "-") for k in labels.get("timing_kinds", {})}
    return frozenset(r.casefold() for r in RESERVED_NAMES | anchors | kinds)


def _url_space(where: Index, namespaces: tuple[str, ...]) -> list[Definition]:
    """The ids of one URL space, the plan's before the documents' (file by file, in file order)."""
    files = [DEFINED_IN[n] for n in namespaces]
    space = [d for d in where.definitions if d.namespace in namespaces]
    return sorted(space, key=lambda d: files.index(DEFINED_IN[d.namespace]))


# -----------------------------------------------------------------------------
# Ids and references
# -----------------------------------------------------------------------------

def ids_are_ascii(model: Model, where: Index) -> list[Problem]:
    """An id is part of URLs and file names: ASCII letters, digits, '-' and '_' only
    (the schema's pattern lets a final line break through)."""
    return [d.source.problem(d.path, f"id {d.id!r} has characters other than ASCII letters, digits, '-' and '_'",
                             "remove spaces and line breaks")
            for d in where.definitions if not ID.fullmatch(d.id)]


def ids_unique(model: Model, where: Index) -> list[Problem]:
    """Two elements of one namespace with one id: links and references could not tell them apart."""
    first: dict[tuple[str, str], Definition] = {}
    out = []
    for d in where.definitions:
        seen = first.setdefault((d.namespace, d.id), d)
        if seen is not d:
            out.append(d.source.problem(d.path, f"id '{d.id}' is already used ({where.line(seen.source, seen.path)})",
                                        "give this element a different id; ids must be unique"))
    return out


def ids_unique_ignoring_case(model: Model, where: Index) -> list[Problem]:
    """Ids that differ only in case name the same file on Windows and macOS
    (and the same short URL for anyone who retypes it)."""
    out = []
    for namespaces in URL_SPACES:
        first: dict[str, Definition] = {}
        for d in _url_space(where, namespaces):
            other = first.setdefault(d.id.casefold(), d)
            if other.id != d.id:
                out.append(d.source.problem(
                    d.path, f"id '{d.id}' differs only in case from '{other.id}' ({where.line(other.source, other.path)})",
                    "rename one of them: their pages or links would overwrite each other on Windows and macOS"))
    return out


def reserved_ids(model: Model, where: Index) -> list[Problem]:
    """An id equal to a generated page, folder or heading id would replace it
    or duplicate an HTML id on the page."""
    reserved = reserved_names(template_anchors(where.templates_dir), model.labels)
    return [d.source.problem(d.path, f"id '{d.id}' is reserved: the site generates a page, folder or heading with "
                                     f"this name", "choose another id (e.g. add a prefix)")
            for namespaces in URL_SPACES for d in _url_space(where, namespaces) if d.id.casefold() in reserved]


def ids_shared_by_plan_and_documents(model: Model, where: Index) -> list[Problem]:
    """Plan elements and documents share the short-URL space k/<id>/."""
    plan_ids = where.first_definitions("plan")
    out = []
    for ident, d in where.first_definitions("document").items():
        if ident in plan_ids:
            other = plan_ids[ident]
            out.append(d.source.problem(
                d.path, f"id '{ident}' is also used in {where.line(other.source, other.path)}; "
                f"both would get the short URL k/{ident}/", "rename one of them"))
    return out


def references_exist(model: Model, where: Index) -> list[Problem]:
    """A reference names an id its file defines (references into a file that
    failed its schema are not judged: its ids cannot be looked up)."""
    ids: dict[str, dict[str, Definition]] = {}
    out = []
    for ref in where.references:
        if DEFINED_IN[ref.namespace] not in model.valid:
            continue
        if ref.namespace not in ids:
            ids[ref.namespace] = where.first_definitions(ref.namespace)
        known = ids[ref.namespace]
        if ref.target not in known:
            guess = difflib.get_close_matches(ref.target, list(known))
            fix = f"did you mean '{guess[0]}'?" if guess else f"add it to {WHERE_DEFINED[ref.namespace]} or fix the id"
            out.append(ref.source.problem(
                ref.path, f"{ref.namespace.replace('_', ' ')} '{ref.target}' does not exist", fix))
    return out


def references_not_renamed(model: Model, where: Index) -> list[Problem]:
    """A reference to an old id (kept in moved_from so old links work) should name the new one
    (only units and documents keep old ids)."""
    renamed = {(d.namespace, d.id): d.renamed_to for d in where.definitions if d.renamed_to is not None}
    out = []
    for ref in where.references:
        new = renamed.get((ref.namespace, ref.target))
        if new is not None:
            out.append(ref.source.problem(
                ref.path, f"{ref.namespace} '{ref.target}' was renamed to '{new}' (moved_from)",
                f"refer to '{new}'"))
    return out


# -----------------------------------------------------------------------------
# The plan: blocks, responsibility, timing
# -----------------------------------------------------------------------------

def groups_have_no_text(model: Model, where: Index) -> list[Problem]:
    """A group only gathers bullets; text of its own would not be shown as the source prints it."""
    assert model.plan is not None
    return [where.problem(b, "a group has no text or title of its own",
                          "use kind: bullet (or item) for a block with its own text", "kind")
            for b in model.plan.walk() if b.kind is m.BlockKind.GROUP and (b.text is not None or b.title is not None)]


def groups_hold_blocks(model: Model, where: Index) -> list[Problem]:
    """An empty group shows nothing."""
    assert model.plan is not None
    return [where.problem(b, "a group holds no blocks", "put the bullets it groups under blocks:")
            for b in model.plan.walk() if b.kind is m.BlockKind.GROUP and not b.blocks]


def responsibilities_name_a_unit(model: Model, where: Index) -> list[Problem]:
    """A responsibility with no unit puts the task on nobody's page."""
    assert model.plan is not None
    return [where.problem(e.responsibility, "responsibility names no unit",
                          "add lead:, implementers: or support: with unit ids from content/units.yaml")
            for e in _elements(model.plan)
            if e.responsibility is not None and not any(p.units for p in e.responsibility.parties)]


# The fields each kind of timing needs, and how to add them.
TIMING_NEEDS = {m.TimingKind.DEADLINE: (("deadline",), "add deadline: d/m/yyyy, m/yyyy or yyyy as written"),
                m.TimingKind.PERIOD: (("start", "end"), "add start: and/or end: (d/m/yyyy, m/yyyy or yyyy)"),
                m.TimingKind.PER_DOCUMENT: (("document",), "add document: <id of the document in documents.yaml>")}


def timings_have_their_fields(model: Model, where: Index) -> list[Problem]:
    """A deadline needs its date, a period a start or an end, a per-document timing its document
    (a date that is there but does not exist is reported by the builder, not again here)."""
    assert model.plan is not None
    out = []
    for t in _timings(model.plan):
        for kind, (keys, fix) in TIMING_NEEDS.items():
            if kind in t.kinds and not any(getattr(t, k) or where.is_unbuilt(t, k) for k in keys):
                out.append(where.problem(t, f"timing of kind '{kind}' has no {' or '.join(keys)}", fix))
    return out


def annual_days_exist(model: Model, where: Index) -> list[Problem]:
    """An annual date (day_month: 15/11) must exist in some year: 29/2 does, 30/2 does not."""
    assert model.plan is not None
    out = []
    for t in _timings(model.plan):
        if not t.day_month:
            continue
        try:
            dt.datetime.strptime(f"{t.day_month}/2024", "%d/%m/%Y")  # a leap year: 29/2 exists
        except ValueError:
            out.append(where.problem(t, f"{t.day_month!r} is not a real day", "write d/m, e.g. 15/11", "day_month"))
    return out


def periods_in_order(model: Model, where: Index) -> list[Problem]:
    """A period that ends before it starts."""
    assert model.plan is not None
    out = []
    for t in _timings(model.plan):
        if t.start is None or t.end is None or t.start.value is None or t.end.value is None:
            continue
        if t.end.value < t.start.value:
            out.append(where.problem(t, f"the period ends ({t.end}) before it starts ({t.start})",
                                     "swap start: and end:, or correct one of the dates", "end"))
    return out


# -----------------------------------------------------------------------------
# The plan: footnotes, citations
# -----------------------------------------------------------------------------

def _footnote_refs(plan: m.Plan) -> Iterator[tuple[m.Block, str, str]]:
    """(block, field, footnote id) of each [^id] in the plan's text, in order."""
    for block in plan.walk():
        for field_name in ("title", "text"):
            text = getattr(block, field_name)
            if text:
                for ref in m.FOOTNOTE_REF.findall(text):
                    yield block, field_name, ref


def footnote_references_resolve(model: Model, where: Index) -> list[Problem]:
    """A [^id] mark with no footnote of that id."""
    assert model.plan is not None
    defined = {f.id for f in model.plan.footnotes}
    return [where.problem(block, f"footnote reference [^{ref}] has no footnote",
                          f"add a footnote with id '{ref}' under footnotes: or fix the reference", field_name)
            for block, field_name, ref in _footnote_refs(model.plan) if ref not in defined]


def footnotes_referenced(model: Model, where: Index) -> list[Problem]:
    """A footnote no mark points to is never shown where it belongs."""
    assert model.plan is not None
    used = {ref for _, _, ref in _footnote_refs(model.plan)}
    return [where.problem(f, f"footnote '{f.id}' is never referenced",
                          f"put [^{f.id}] in the text where the footnote mark belongs", "id")
            for f in model.plan.footnotes if f.id not in used]


def footnotes_referenced_once(model: Model, where: Index) -> list[Problem]:
    """A footnote mark used twice gives two elements the same HTML id."""
    assert model.plan is not None
    first: dict[str, Place] = {}
    out = []
    for block, field_name, ref in _footnote_refs(model.plan):
        place = where.at(block)
        if ref in first:
            out.append(where.problem(block, f"footnote [^{ref}] is referenced a second time (first at "
                                            f"{where.line(first[ref].source, first[ref].path)})",
                                     "reference each footnote once; for a second note, add a footnote with its own id",
                                     field_name))
        else:
            first[ref] = Place(place.source, place.path + (field_name,))
    return out


def citations_resolve(model: Model, where: Index) -> list[Problem]:
    """Every document number or citing phrase in the plan's text is a registered document."""
    assert model.plan is not None
    index = CitationIndex.from_registry(model.documents, model.kinds)
    return [where.problem(block, f"the text cites {mention.written!r}, which is not in content/documents.yaml",
                          "register the document in content/documents.yaml or correct the number", field_name)
            for block in model.plan.walk() for field_name in ("title", "text") if getattr(block, field_name)
            for mention in index.find(getattr(block, field_name)) if mention.doc_id is None]


# -----------------------------------------------------------------------------
# Documents
# -----------------------------------------------------------------------------

def plan_document_is_marked(model: Model, where: Index) -> list[Problem]:
    """The document plan.yaml names as itself carries is_plan: true."""
    assert model.plan is not None
    plan_id = model.plan.document
    doc = next((d for d in model.documents if d.id == plan_id), None)
    if doc is None or doc.is_plan:
        return []
    return [where.problem(doc, f"document '{doc.id}' is the plan (plan.yaml: document) but lacks is_plan: true",
                          "add is_plan: true", "id")]


def one_plan_document(model: Model, where: Index) -> list[Problem]:
    """Only the plan itself carries is_plan: true."""
    marked = [d for d in model.documents if d.is_plan]
    return [where.problem(d, f"document '{d.id}' is marked is_plan: true, and so is '{marked[0].id}' "
                             f"({where.line_of(marked[0], 'is_plan')})",
                          "only the plan this site publishes has is_plan: true; remove it from the other", "is_plan")
            for d in marked[1:]]


def document_numbers_unique(model: Model, where: Index) -> list[Problem]:
    """Two registry entries with one number (however written): citations could link either."""
    seen: dict[tuple, Place] = {}
    out = []
    for d in model.documents:
        for number in (d.number, *d.also_numbered):
            if number is None:
                continue
            place = where.at(number)
            if number.key in seen:
                out.append(place.source.problem(
                    place.path, f"document number {place.written!r} is already registered "
                    f"(line {place.source.where(seen[number.key].path)[0]})", "register each document once"))
            seen[number.key] = place
    return out


def documents_can_be_cited(model: Model, where: Index) -> list[Problem]:
    """A document the text can cite neither by number nor by phrase would never be linked."""
    return [where.problem(d, f"document '{d.id}' has neither a number nor cited_as phrases",
                          "add cited_as: the exact phrase the plan uses to cite it")
            for d in model.documents
            if d.number is None and not where.is_unbuilt(d, "number") and not d.cited_as and not d.is_plan]


def documents_have_a_name(model: Model, where: Index) -> list[Problem]:
    """Without a number the site names a document by its title."""
    return [where.problem(d, f"document '{d.id}' has no number and no title", "add title: so the site can name it")
            for d in model.documents if d.number is None and not where.is_unbuilt(d, "number") and not d.title]


def relation_self_and_cycles(model: Model, where: Index) -> list[Problem]:
    """A document related to itself, directly or through others, by one type of relation."""
    edges: dict[str, dict[str, list[tuple[str, m.Relation]]]] = {}
    out = []
    for d in model.documents:
        for rel in d.relations:
            if rel.target == d.id:
                out.append(where.problem(rel, f"document '{d.id}' is related to itself ({rel.type})",
                                         "remove this relation or correct its target", "target"))
                continue
            edges.setdefault(rel.type, {}).setdefault(d.id, []).append((rel.target, rel))
    for rtype, graph in edges.items():
        for cycle, rel in _cycles(graph):
            out.append(where.problem(rel, f"the relations '{rtype}' form a cycle: {' → '.join(cycle)}",
                                     "remove or reverse one of these relations", "target"))
    return out


# -----------------------------------------------------------------------------
# Units and glossary
# -----------------------------------------------------------------------------

def unit_parent_cycles(model: Model, where: Index) -> list[Problem]:
    """A unit that is its own parent, directly or through others."""
    graph: dict[str, list[tuple[str, m.Unit]]] = {}
    out = []
    for u in model.units:
        if u.parent is None:
            continue
        if u.parent == u.id:
            out.append(where.problem(u, f"unit '{u.id}' is its own parent",
                                     "remove parent: or name the unit it belongs to", "parent"))
            continue
        graph.setdefault(u.id, []).append((u.parent, u))
    for cycle, u in _cycles(graph):
        out.append(where.problem(u, f"the units' parents form a cycle: {' → '.join(cycle)}",
                                 "remove parent: from the unit at the top of the hierarchy", "parent"))
    return out


def unit_groups_acyclic(model: Model, where: Index) -> list[Problem]:
    """A group may not contain itself, directly or through other groups."""
    members = {u.id: u.members for u in model.units}
    out = []
    for u in model.units:
        seen: set[str] = set()
        frontier = list(u.members)
        while frontier:
            x = frontier.pop()
            if x == u.id:
                out.append(where.problem(u, f"group '{u.id}' contains itself (through its members)",
                                         "remove the member that leads back to this group", "members"))
                break
            if x not in seen:
                seen.add(x)
                frontier += members.get(x, ())
    return out


def glossary_forms_unique(model: Model, where: Index) -> list[Problem]:
    """A term or variant written in two entries: only one of them could win."""
    seen: dict[str, tuple[str, Place]] = {}
    out = []
    for t in model.terms:
        place = where.at(t)
        forms = [(t.term, place.path + ("term",))] + [
            (v, place.path + ("variants", j)) for j, v in enumerate(t.variants)]
        for form, path in forms:
            if form in seen and seen[form][0] != t.id:
                owner, first = seen[form]
                out.append(place.source.problem(
                    path, f"'{form}' is already a form of term '{owner}' ({where.line(first.source, first.path)})",
                    "keep each term or variant in one entry: merge the two entries or remove the repeated form"))
            seen.setdefault(form, (t.id, Place(place.source, path)))
    return out


# -----------------------------------------------------------------------------
# Labels
# -----------------------------------------------------------------------------

def label_placeholders(model: Model, where: Index) -> list[Problem]:
    """A label the code fills in (cite: task: "nhiệm vụ {number}") may use only
    the placeholders the code supplies; anything else crashes the build."""
    try:
        schema = json.loads((where.schema_dir / "labels.schema.json").read_bytes())
    except (OSError, ValueError):
        return []  # reported by the schema pass
    src = where.sources["labels"]
    out = []

    def walk(data: Any, node: dict, path: tuple) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                sub = node.get("properties", {}).get(key)
                if isinstance(sub, dict):
                    walk(value, sub, path + (key,))
            return
        allowed = node.get("x-placeholders")
        if allowed is None or not isinstance(data, str):
            return
        name = "/".join(path)
        want = " and ".join("{" + a + "}" for a in allowed)
        try:
            used = [f for _, f, spec, conv in string.Formatter().parse(data) if f is not None]
        except ValueError:
            out.append(src.problem(path, f"label {name} has an unmatched '{{' or '}}'",
                                   f"use only {want}; write {{{{ or }}}} for a literal brace"))
            return
        for field_name in used:
            if field_name not in allowed:
                out.append(src.problem(path, f"label {name} uses the placeholder {{{field_name}}}, which the site "
                                             f"does not fill in", f"use only {want}"))

    walk(model.labels, schema, ())
    return out


# -----------------------------------------------------------------------------
# The registry: every rule, in order, with the files it needs
# -----------------------------------------------------------------------------

RULES: tuple[tuple[tuple[str, ...], Rule], ...] = (
    ((), ids_are_ascii),
    ((), ids_unique),
    ((), ids_unique_ignoring_case),
    (("labels",), reserved_ids),
    ((), ids_shared_by_plan_and_documents),
    ((), references_exist),
    ((), references_not_renamed),
    (("plan",), groups_have_no_text),
    (("plan",), groups_hold_blocks),
    (("plan",), responsibilities_name_a_unit),
    (("plan",), timings_have_their_fields),
    (("plan",), annual_days_exist),
    (("plan",), periods_in_order),
    (("plan",), footnote_references_resolve),
    (("plan",), footnotes_referenced),
    (("plan",), footnotes_referenced_once),
    (("plan", "documents"), citations_resolve),
    (("plan", "documents"), plan_document_is_marked),
    (("documents",), one_plan_document),
    (("documents",), document_numbers_unique),
    (("documents",), documents_can_be_cited),
    (("documents",), documents_have_a_name),
    (("documents",), relation_self_and_cycles),
    (("units",), unit_parent_cycles),
    (("units",), unit_groups_acyclic),
    (("glossary",), glossary_forms_unique),
    (("labels",), label_placeholders),
)
