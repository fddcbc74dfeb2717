"""Semantic rules a schema cannot express: one small function per rule.

Each rule reads the content files it names (as loaded by yamlsource, already
valid against their schema) and returns located problems. `check` runs every
rule whose files all passed their schema, so one run lists every problem it
can find, whichever other file is broken.

    >>> from plansite.yamlsource import Source
    >>> units = Source("content/units.yaml", {"units": [{"id": "a", "parent": "a"}]})
    >>> [p.message for p in unit_parent_cycles(Files({"units": units}))]
    ["unit 'a' is its own parent"]
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem
from .slug import slugify
from .yamlsource import Source

FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# Names of generated files and folders at the site's top level and in the
# folders whose pages are named after ids (van-ban/<id>.html, don-vi/<id>.html):
# an id equal to one of them replaces that page or folder.
RESERVED_NAMES = frozenset({
    "index", "404", "search", "assets", "sitemap", "k", "qr", "muc", "van-ban", "don-vi", "toan-van",
    "tien-do", "thuat-ngu", "giang-vien",
})
# Heading ids a template writes literally ({#ma-tran}) or builds from a vocabulary.
TEMPLATE_ANCHOR = re.compile(r"\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}|\sid=\"([A-Za-z0-9][A-Za-z0-9_-]*)\"")
UNIT_KINDS = ("internal", "external")  # units.md.j2 heads each group with the kind as its id


@dataclass(frozen=True)
class Files:
    """The content files that parsed and passed their schema, by name (plan,
    documents, units, glossary, labels), and where the schemas and templates are."""

    sources: Mapping[str, Source]
    schema_dir: Path | None = None
    templates_dir: Path | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, name: str) -> bool:
        return name in self.sources

    def __getitem__(self, name: str) -> Source:
        return self.sources[name]


Rule = Callable[[Files], list[Problem]]
RULES: list[tuple[tuple[str, ...], Rule]] = []


def rule(*needs: str) -> Callable[[Rule], Rule]:
    """Register a rule that runs when every file in `needs` is valid."""
    def register(fn: Rule) -> Rule:
        RULES.append((needs, fn))
        return fn
    return register


def check(files: Files) -> list[Problem]:
    """Every problem of every rule whose files are all valid."""
    return [p for needs, fn in RULES if all(n in files for n in needs) for p in fn(files)]


# -----------------------------------------------------------------------------
# Ids
# -----------------------------------------------------------------------------

def _ids(node: Any, path: tuple = ()) -> Iterator[tuple[str, tuple]]:
    """Every `id:` and `moved_from:` entry below `node`, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "id" and isinstance(value, str):
                yield value, path + (key,)
            elif key == "moved_from" and isinstance(value, list):
                yield from ((v, path + (key, i)) for i, v in enumerate(value) if isinstance(v, str))
            else:
                yield from _ids(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _ids(value, path + (i,))


def _url_spaces(files: Files) -> list[list[tuple[Source, str, tuple]]]:
    """Ids that share one space of file names or anchors: plan elements and
    documents (k/<id>/ and page anchors), units (don-vi/<id>.html), terms."""
    spaces = []
    for names, keys in ((("plan", "documents"), ("sections", "preamble", "footnotes", "recipients", "header",
                                                  "documents")),
                        (("units",), ("units",)), (("glossary",), ("terms",))):
        space = []
        for name in names:
            if name in files:
                src = files[name]
                for key in keys:
                    space += [(src, ident, path) for ident, path in _ids(src.data.get(key), (key,))]
        spaces.append(space)
    return spaces


def _at(src: Source, path: tuple) -> str:
    return f"{src.file}:{src.where(path)[0]}"


def template_anchors(templates_dir: Path | None) -> set[str]:
    """The heading ids the templates write literally."""
    found: set[str] = set()
    if templates_dir is not None and templates_dir.is_dir():
        for template in sorted(templates_dir.glob("*.j2")):
            for a, b in TEMPLATE_ANCHOR.findall(template.read_text(encoding="utf-8")):
                found.add(a or b)
    return found


def reserved_names(anchors: set[str], labels: Mapping) -> frozenset[str]:
    """Every id the site itself uses, casefolded: generated pages and folders, the templates'
    heading ids (`template_anchors`), unit kinds and timing kinds. The importer never generates them."""
    kinds = set(UNIT_KINDS) | {k.replace("_", "-") for k in labels.get("timing_kinds", {})}
    return frozenset(r.casefold() for r in RESERVED_NAMES | anchors | kinds)


def _template_anchors(files: Files) -> set[str]:
    if "anchors" not in files._cache:
        files._cache["anchors"] = template_anchors(files.templates_dir)
    return files._cache["anchors"]


@rule("plan", "documents", "units", "glossary", "labels")
def reserved_ids(files: Files) -> list[Problem]:
    """An id equal to a generated page, folder or heading id would replace it
    or duplicate an HTML id on the page."""
    reserved = reserved_names(_template_anchors(files), files["labels"].data)
    out = []
    for space in _url_spaces(files):
        for src, ident, path in space:
            if ident.casefold() in reserved:
                out.append(src.problem(path, f"id '{ident}' is reserved: the site generates a page, folder or "
                                             f"heading with this name", "choose another id (e.g. add a prefix)"))
    return out


@rule()
def ids_unique_ignoring_case(files: Files) -> list[Problem]:
    """Ids that differ only in case name the same file on Windows and macOS
    (and the same short URL for anyone who retypes it)."""
    out = []
    for space in _url_spaces(files):
        first: dict[str, tuple[Source, str, tuple]] = {}
        for src, ident, path in space:
            key = ident.casefold()
            if key in first and first[key][1] != ident:
                other_src, other, other_path = first[key]
                out.append(src.problem(
                    path, f"id '{ident}' differs only in case from '{other}' ({_at(other_src, other_path)})",
                    "rename one of them: their pages or links would overwrite each other on Windows and macOS"))
            first.setdefault(key, (src, ident, path))
    return out


# -----------------------------------------------------------------------------
# Glossary
# -----------------------------------------------------------------------------

@rule("glossary")
def glossary_forms_unique(files: Files) -> list[Problem]:
    """A term or variant written in two entries: only one of them could win."""
    src = files["glossary"]
    seen: dict[str, tuple[str, tuple]] = {}
    out = []
    for i, term in enumerate(src.data["terms"]):
        forms = [(term["term"], ("terms", i, "term"))] + [
            (v, ("terms", i, "variants", j)) for j, v in enumerate(term.get("variants", []))]
        for form, path in forms:
            if form in seen and seen[form][0] != term["id"]:
                owner, first = seen[form]
                out.append(src.problem(path, f"'{form}' is already a form of term '{owner}' ({_at(src, first)})",
                                       "keep each term or variant in one entry: merge the two entries or remove "
                                       "the repeated form"))
            seen.setdefault(form, (term["id"], path))
    return out


# -----------------------------------------------------------------------------
# Documents and units: relations, parents
# -----------------------------------------------------------------------------

@rule("documents")
def relation_self_and_cycles(files: Files) -> list[Problem]:
    """A document related to itself, directly or through others, by one type of relation."""
    src = files["documents"]
    edges: dict[str, dict[str, list[tuple[str, tuple]]]] = {}
    out = []
    for i, doc in enumerate(src.data["documents"]):
        for j, rel in enumerate(doc.get("relations", [])):
            path = ("documents", i, "relations", j, "target")
            if rel["target"] == doc["id"]:
                out.append(src.problem(path, f"document '{doc['id']}' is related to itself ({rel['type']})",
                                       "remove this relation or correct its target"))
                continue
            edges.setdefault(rel["type"], {}).setdefault(doc["id"], []).append((rel["target"], path))
    for rtype, graph in edges.items():
        for cycle, path in _cycles(graph):
            out.append(src.problem(path, f"the relations '{rtype}' form a cycle: {' → '.join(cycle)}",
                                   "remove or reverse one of these relations"))
    return out


@rule("units")
def unit_parent_cycles(files: Files) -> list[Problem]:
    """A unit that is its own parent, directly or through others."""
    src = files["units"]
    graph: dict[str, list[tuple[str, tuple]]] = {}
    out = []
    for i, unit in enumerate(src.data["units"]):
        if "parent" not in unit:
            continue
        path = ("units", i, "parent")
        if unit["parent"] == unit["id"]:
            out.append(src.problem(path, f"unit '{unit['id']}' is its own parent",
                                   "remove parent: or name the unit it belongs to"))
            continue
        graph.setdefault(unit["id"], []).append((unit["parent"], path))
    for cycle, path in _cycles(graph):
        out.append(src.problem(path, f"the units' parents form a cycle: {' → '.join(cycle)}",
                               "remove parent: from the unit at the top of the hierarchy"))
    return out


def _cycles(graph: dict[str, list[tuple[str, tuple]]]) -> list[tuple[list[str], tuple]]:
    """Each cycle once (as its nodes, first repeated at the end) with the path
    of the edge that closes it, in the order the file defines the nodes."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    out = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target, path in graph.get(node, []):
            if state.get(target) == 1:
                out.append((trail[trail.index(target):] + [node, target] if target in trail
                            else [node, target], path))
            elif target not in state:
                visit(target, trail + [node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])
    return out


@rule("documents")
def one_plan_document(files: Files) -> list[Problem]:
    """Only the plan itself carries is_plan: true."""
    src = files["documents"]
    marked = [(i, d["id"]) for i, d in enumerate(src.data["documents"]) if d.get("is_plan")]
    return [src.problem(("documents", i, "is_plan"),
                        f"document '{ident}' is marked is_plan: true, and so is '{marked[0][1]}' "
                        f"({_at(src, ('documents', marked[0][0], 'is_plan'))})",
                        "only the plan this site publishes has is_plan: true; remove it from the other")
            for i, ident in marked[1:]]


# -----------------------------------------------------------------------------
# The plan: dates, footnotes
# -----------------------------------------------------------------------------

def _blocks(node: Any, path: tuple) -> Iterator[tuple[dict, tuple]]:
    """Every block (a mapping with an id and a kind, at any depth) with its path."""
    if isinstance(node, dict):
        if "id" in node and "kind" in node:
            yield node, path
        for key, value in node.items():
            yield from _blocks(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _blocks(value, path + (i,))


def _date(text: Any) -> dt.date | None:
    match = DATE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    d, m, y = (int(x) for x in match.groups())
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None  # reported by the loader


@rule("plan")
def periods_in_order(files: Files) -> list[Problem]:
    """A period that ends before it starts."""
    src = files["plan"]
    out = []
    for block, path in _blocks(src.data, ()):
        timing = block.get("timing")
        if not isinstance(timing, dict):
            continue
        start, end = _date(timing.get("start")), _date(timing.get("end"))
        if start and end and end < start:
            out.append(src.problem(path + ("timing", "end"),
                                   f"the period ends ({timing['end']}) before it starts ({timing['start']})",
                                   "swap start: and end:, or correct one of the dates"))
    return out


@rule("plan")
def footnotes_referenced_once(files: Files) -> list[Problem]:
    """A footnote mark used twice gives two elements the same HTML id."""
    src = files["plan"]
    first: dict[str, tuple] = {}
    out = []
    for block, path in _blocks(src.data, ()):
        for key in ("title", "text"):
            for ref in FOOTNOTE_REF.findall(block.get(key) or ""):
                if ref in first:
                    out.append(src.problem(path + (key,), f"footnote [^{ref}] is referenced a second time "
                                                          f"(first at {_at(src, first[ref])})",
                                           "reference each footnote once; for a second note, add a footnote "
                                           "with its own id"))
                else:
                    first[ref] = path + (key,)
    return out


# -----------------------------------------------------------------------------
# Text
# -----------------------------------------------------------------------------

def _strings(node: Any, path: tuple = ()) -> Iterator[tuple[str, tuple]]:
    if isinstance(node, str):
        yield node, path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, path + (i,))


@rule()
def no_blank_text(files: Files) -> list[Problem]:
    """A title or text of spaces only passes `minLength` but shows nothing."""
    out = []
    for name in ("plan", "documents", "units", "glossary"):
        if name in files:
            src = files[name]
            out += [src.problem(path, f"{'/'.join(map(str, path))} holds only spaces",
                                "write the text, or remove the key if it is optional")
                    for value, path in _strings(src.data) if not value.strip()]
    return out


# -----------------------------------------------------------------------------
# Labels
# -----------------------------------------------------------------------------

@rule("labels")
def label_placeholders(files: Files) -> list[Problem]:
    """A label the code fills in (cite: task: "nhiệm vụ {number}") may use only
    the placeholders the code supplies; anything else crashes the build."""
    if files.schema_dir is None:
        return []
    try:
        schema = json.loads((files.schema_dir / "labels.schema.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # reported by the schema pass
    src = files["labels"]
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

    walk(src.data, schema, ())
    return out
