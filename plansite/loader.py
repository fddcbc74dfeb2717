"""Load `content/` into a validated `Content` model, or report every problem.

Checks in two passes: JSON Schema (shapes, types, unknown keys) per file, then
what a schema cannot express: unique ids, references that resolve, real dates,
NFC text, document numbers that parse, footnotes and citations that resolve.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import model as m
from . import rules
from .cache import NO_CACHE, DiskCache, code_version, key as cache_key, version
from .citations import CitationIndex
from .docnumber import DocNumber
from .errors import ContentError, Problem
from .yamlsource import Source, load as load_yaml

FILES = {
    "plan": "plan.yaml",
    "documents": "documents.yaml",
    "units": "units.yaml",
    "glossary": "glossary.yaml",
    "labels": "labels.yaml",
}
SCHEMA_DIR = "schema"
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# The issuing date in the header as ND 30 writes it out.
LONG_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
# Python's `$` (used by jsonschema for "pattern") also matches before a final
# newline, so ids and dates are checked again with fullmatch.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def load_content(content_dir: Path, *, display_root: Path | None = None,
                 cache: DiskCache = NO_CACHE, templates_dir: Path | None = None) -> m.Content:
    """Load and validate every content file; raise ContentError listing all problems.

    Stages run on every file they can: each file is read and checked against
    its schema; the semantic checks (the model's and plansite/rules.py) then
    run on every file that passed, so one run lists every problem it can find.
    With a `cache`, a file whose bytes and schema passed the schema check
    before is not checked again (the semantic checks always run).
    """
    content_dir = Path(content_dir)
    root = display_root if display_root is not None else content_dir.parent
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    valid: set[str] = set()
    for name, filename in FILES.items():
        path = content_dir / filename
        display = _display(path, root)
        source, found = load_yaml(path, display)
        if not found:
            schema_path = content_dir / SCHEMA_DIR / f"{name}.schema.json"
            found = _check_schema_cached(source, path, schema_path, cache, _display(schema_path, root))
            found += _check_nfc(source, source.data, ())
        problems += found
        sources[name] = source
        if not found:
            valid.add(name)
    checker = _Checker(sources, valid)
    content = checker.build()
    problems += checker.problems
    if templates_dir is None:
        templates_dir = content_dir.parent / "templates"
    problems += rules.check(rules.Files({n: sources[n] for n in valid}, content_dir / SCHEMA_DIR, templates_dir))
    if problems or content is None:
        raise ContentError(problems)
    return content


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -----------------------------------------------------------------------------
# Schema pass
# -----------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _validator(schema_path: Path, schema_text: str) -> jsonschema.Draft202012Validator:
    import jsonschema  # a tenth of a second to import: only when a file must be checked

    schema = json.loads(schema_text)
    jsonschema.Draft202012Validator.check_schema(schema)  # a broken schema is reported, not raised later
    return jsonschema.Draft202012Validator(_inline_refs(schema))


# Keywords that do not validate: a node with only these besides "$ref" is the referenced schema.
_ANNOTATIONS = {"$ref", "$comment", "description", "title", "examples"}
# Keywords whose values are data, not schemas: never rewritten.
_DATA = {"const", "enum", "default", "examples"}


def _inline_refs(schema: dict) -> dict:
    """The schema with each local, non-recursive `$ref` replaced by its target.

    Same verdicts and messages (every error is raised by the referenced
    keywords either way), but jsonschema no longer resolves a reference at
    every node of the document, which was a third of the time to check a plan.
    Recursive references (a block holds blocks) stay references; `$defs`
    stays, so they still resolve. So do references right under `not`,
    `anyOf` and `oneOf`, whose messages quote their subschemas, and data
    (`const`, `enum`, `default`, `examples`) is never touched.
    """
    defs = schema.get("$defs", {})

    def walk(node, stack: tuple[str, ...], inline: bool = True):
        if isinstance(node, list):
            return [walk(x, stack) for x in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if inline and isinstance(ref, str) and ref.startswith("#/$defs/") and set(node) <= _ANNOTATIONS:
            name = ref[len("#/$defs/"):]
            if name in defs and name not in stack:
                return walk(defs[name], stack + (name,))
        out = {}
        for k, v in node.items():
            if k == "$defs" or k in _DATA:
                out[k] = v
            elif k == "not":
                out[k] = walk(v, stack, inline=False)
            elif k in ("anyOf", "oneOf") and isinstance(v, list):
                out[k] = [walk(x, stack, inline=False) for x in v]
            else:
                out[k] = walk(v, stack)
        return out

    out = walk(schema, ())
    if "$defs" in schema:
        out["$defs"] = {name: walk(d, (name,)) for name, d in defs.items()}
    return out


_TYPE_NAMES = {"string": "text", "object": "a mapping (key: value)", "array": "a list (- item)",
               "integer": "a whole number", "boolean": "true or false", "null": "null (unknown)",
               "number": "a number"}


def _type_name(value: Any) -> str:
    return {str: "text", dict: "a mapping", list: "a list", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing (null)"}.get(type(value), type(value).__name__)


def _check_schema_cached(source: Source, path: Path, schema_path: Path, cache: DiskCache,
                         schema_display: str | None = None) -> list[Problem]:
    schema_display = schema_display or schema_path.as_posix()
    if not cache:
        return _check_schema(source, schema_path, schema_display)
    try:
        # The key holds the exact bytes checked, so a hit is the same verdict.
        name = cache_key(path.read_bytes(), schema_path.read_bytes(), version("jsonschema"), version("referencing"),
                         code_version(__file__))
    except OSError:
        return _check_schema(source, schema_path, schema_display)
    if cache.get("schema-ok", name) is not None:
        return []
    problems = _check_schema(source, schema_path, schema_display)
    if not problems:
        cache.put("schema-ok", name, b"")
    return problems


def _check_schema(source: Source, schema_path: Path, schema_display: str) -> list[Problem]:
    import jsonschema

    restore = f"restore it from git (git checkout -- {schema_display}) or fix it"
    try:
        text = schema_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [Problem(schema_display, 1, 1, "the schema file is missing", restore)]
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(schema_display, 1, 1, f"the schema file cannot be read ({exc})", restore)]
    try:
        validator = _validator(schema_path, text)
    except json.JSONDecodeError as exc:
        return [Problem(schema_display, exc.lineno, exc.colno, f"the schema file is not valid JSON: {exc.msg}",
                        restore)]
    except jsonschema.SchemaError as exc:
        where = "/".join(map(str, exc.absolute_path)) or "the top level"
        return [Problem(schema_display, 1, 1, f"the schema file is not a valid JSON Schema at {where}: "
                                              f"{exc.message}", restore)]
    problems = []
    for error in validator.iter_errors(source.data):
        problems += _schema_problems(source, error)
    return problems


def _schema_problems(source: Source, error: jsonschema.ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    where = "/".join(str(p) for p in path) or "the file"
    kind, inst, expected = error.validator, error.instance, error.validator_value
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        out = []
        for key in sorted((k for k in inst if k not in allowed), key=str):  # YAML keys may be numbers
            guess = difflib.get_close_matches(str(key), allowed, n=1)
            fix = (f"did you mean '{guess[0]}'?" if guess
                   else f"remove it; allowed keys here: {', '.join(allowed)}")
            out.append(source.problem(path + (key,), f"unknown key '{key}' in {where}", fix, key=True))
        return out
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [source.problem(path, f"{where} is missing the required field '{missing}'",
                               f"add '{missing}:' to this block")]
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        want = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        return [source.problem(path, f"{where} should be {want}, not {_type_name(inst)}",
                               f"write {want} here" + (" (quote dates and numbers as text, e.g. \"1\")"
                                                        if "string" in types else ""))]
    if kind == "pattern":
        if "id" in str(path[-1] if path else ""):
            fix = "use only ASCII letters, digits, '-' and '_' (e.g. II-3-a); never Vietnamese letters"
        elif expected.startswith("^[0-9]{1,2}/"):
            fix = "write the date as d/m/yyyy, e.g. 26/11/2021"
        elif "TM|KT" in expected:  # a signature's authority line
            fix = "write the line as printed: an optional TM./KT./Q./TL./TUQ., one space, the title (KT. GIÁM ĐỐC)"
        elif "tháng" in expected:  # the header's issuing date
            fix = "write the date as the document does: 17/11/2025 or ngày 17 tháng 11 năm 2025"
        else:
            fix = f"match the pattern {expected}"
        return [source.problem(path, f"{where} has an invalid value {inst!r}", fix)]
    if kind == "enum":
        options = ", ".join(str(v) for v in expected)
        guess = difflib.get_close_matches(str(inst), [str(v) for v in expected], n=1)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of: {options}"
        return [source.problem(path, f"{where} has the value {inst!r}, which is not allowed", fix)]
    if kind in ("minLength", "minItems"):
        return [source.problem(path, f"{where} is empty", "write a value or remove the key")]
    if kind == "uniqueItems":
        return [source.problem(path, f"{where} lists the same value twice", "remove the repeated value")]
    if kind == "anyOf" and error.schema.get("anyOf") and all("required" in s for s in error.schema["anyOf"]):
        return [source.problem(path, f"{where} has no text, title or blocks", "add 'text:' (the verbatim sentence)")]
    if kind in ("anyOf", "oneOf"):
        return [source.problem(path, f"{where} is not valid: {error.message}", "see the schema in content/schema/")]
    return [source.problem(path, f"{where}: {error.message}", "see the schema in content/schema/")]


def _check_nfc(source: Source, value: Any, path: tuple) -> list[Problem]:
    if isinstance(value, str):
        if not unicodedata.is_normalized("NFC", value):
            bad = next((c for c in value if not unicodedata.is_normalized("NFC", c)), None)
            detail = ""
            for i in range(len(value)):
                frag = value[max(0, i - 1): i + 2]
                if not unicodedata.is_normalized("NFC", frag):
                    detail = f" near {unicodedata.normalize('NFC', value[max(0, i - 8): i + 8])!r}"
                    break
            return [source.problem(path, f"text is not Unicode NFC (decomposed diacritics){detail}",
                                   "run `python -m plansite normalize` or retype the accented letters")]
        return []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _check_nfc(source, v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _check_nfc(source, v, path + (i,))]
    return []


# -----------------------------------------------------------------------------
# Semantic pass and model building
# -----------------------------------------------------------------------------

@dataclass
class _Ref:
    source: Source
    path: tuple
    target: str
    namespace: str


class _Checker:
    """Builds the model from schema-valid data, collecting semantic problems."""

    # The file that defines each namespace of ids.
    DEFINED_IN = {"unit": "units", "term": "glossary", "kind": "documents", "relation_type": "documents",
                  "document": "documents", "note": "documents", "plan": "plan"}

    def __init__(self, sources: dict[str, Source], valid: set[str] | None = None):
        self.s = sources
        self.valid = set(sources) if valid is None else valid  # files that passed their schema
        self.problems: list[Problem] = []
        self.refs: list[_Ref] = []
        self.ids: dict[str, dict[str, tuple[Source, tuple]]] = {}
        self._block_paths: dict[str, tuple] = {}
        self.renamed: dict[str, dict[str, str]] = {}

    # -- helpers -------------------------------------------------------------

    def define(self, namespace: str, source: Source, path: tuple, ident: str) -> None:
        if not ID.fullmatch(ident):
            self.problems.append(source.problem(path, f"id {ident!r} has characters other than ASCII letters, "
                                                      "digits, '-' and '_'", "remove spaces and line breaks"))
        seen = self.ids.setdefault(namespace, {})
        if ident in seen:
            first_src, first_path = seen[ident]
            line = first_src.where(first_path)[0]
            self.problems.append(source.problem(
                path, f"id '{ident}' is already used ({first_src.file}:{line})",
                "give this element a different id; ids must be unique"))
        else:
            seen[ident] = (source, path)

    def define_moved(self, namespace: str, source: Source, path: tuple, old: str, new: str) -> None:
        """An old id of a renamed element: unique, but no longer a valid reference."""
        self.define(namespace, source, path, old)
        self.renamed.setdefault(namespace, {})[old] = new

    def ref(self, namespace: str, source: Source, path: tuple, target: str) -> None:
        self.refs.append(_Ref(source, path, target, namespace))

    def date(self, source: Source, path: tuple, text: str | None, long_form: bool = False) -> m.WrittenDate | None:
        """A date as written: d/m/yyyy, or (long_form, the header's issuing date) also
        "ngày 17 tháng 11 năm 2025"; the text is kept verbatim."""
        if text is None:
            return None
        match = DATE.fullmatch(text) or (LONG_DATE.fullmatch(text) if long_form else None)
        if match is None:
            self.problems.append(source.problem(path, f"{text!r} is not a date written d/m/yyyy",
                                                "write it like 26/11/2021, without spaces or line breaks"))
            return None
        d, mo, y = (int(x) for x in match.groups())
        try:
            return m.WrittenDate(text, dt.date(y, mo, d))
        except ValueError:
            self.problems.append(source.problem(path, f"{text!r} is not a real date",
                                                "check day and month (d/m/yyyy, e.g. 26/11/2021)"))
            return None

    def notes(self, source: Source, path: tuple, data: list | None, namespace: str) -> tuple[m.Note, ...]:
        out = []
        for i, note in enumerate(data or []):
            self.define(namespace, source, path + (i, "id"), note["id"])
            out.append(m.Note(note["id"], note["text"]))
        return tuple(out)

    # -- build ---------------------------------------------------------------

    def build(self) -> m.Content | None:
        """The model, checking every file that passed its schema; None unless all did."""
        ok = self.valid
        units = self.units() if "units" in ok else ()
        terms = self.terms() if "glossary" in ok else ()
        kinds, relation_types, documents = self.documents() if "documents" in ok else ((), (), ())
        plan = self.plan() if "plan" in ok else None
        self.resolve_refs()
        if plan is not None and "documents" in ok:
            index = CitationIndex.from_registry(documents, kinds)
            self.check_citations(plan, index)
            self.check_plan_document(plan, documents)
        self.check_shared_ids()
        if plan is None or not ok >= set(FILES):
            return None
        return m.Content(plan=plan, documents=documents, kinds=kinds, relation_types=relation_types,
                         units=units, terms=terms, labels=m.Labels.of(self.s["labels"].data))

    def units(self) -> tuple[m.Unit, ...]:
        src = self.s["units"]
        out = []
        for i, u in enumerate(src.data["units"]):
            path = ("units", i)
            self.define("unit", src, path + ("id",), u["id"])
            if "parent" in u:
                self.ref("unit", src, path + ("parent",), u["parent"])
            for j, member in enumerate(u.get("members", [])):
                self.ref("unit", src, path + ("members", j), member)
            for j, old in enumerate(u.get("moved_from", [])):
                self.define_moved("unit", src, path + ("moved_from", j), old, u["id"])
            out.append(m.Unit(u["id"], u["name"], m.UnitKind(u["kind"]), u.get("parent"), u.get("description"),
                              tuple(u.get("moved_from", [])), tuple(u.get("members", []))))
        self.check_groups(src, out)
        return tuple(out)

    def check_groups(self, src: Source, units: list[m.Unit]) -> None:
        """A group may not contain itself, directly or through other groups."""
        members = {u.id: u.members for u in units}
        for i, u in enumerate(units):
            seen, frontier = set(), list(u.members)
            while frontier:
                x = frontier.pop()
                if x == u.id:
                    self.problems.append(src.problem(
                        ("units", i, "members"), f"group '{u.id}' contains itself (through its members)",
                        "remove the member that leads back to this group"))
                    break
                if x not in seen:
                    seen.add(x)
                    frontier += members.get(x, ())

    def terms(self) -> tuple[m.Term, ...]:
        src = self.s["glossary"]
        out = []
        for i, t in enumerate(src.data["terms"]):
            path = ("terms", i)
            self.define("term", src, path + ("id",), t["id"])
            for j, r in enumerate(t.get("related", [])):
                self.ref("term", src, path + ("related", j), r)
            out.append(m.Term(t["id"], t["term"], t["expansion"], t.get("abbr", False),
                              tuple(t.get("variants", [])), t.get("definition"), tuple(t.get("related", []))))
        return tuple(out)

    def documents(self):
        src = self.s["documents"]
        data = src.data
        kinds = []
        for i, k in enumerate(data["kinds"]):
            self.define("kind", src, ("kinds", i, "id"), k["id"])
            kinds.append(m.DocumentKind(k["id"], k["name"]))
        rtypes = []
        for i, r in enumerate(data["relation_types"]):
            self.define("relation_type", src, ("relation_types", i, "id"), r["id"])
            rtypes.append(m.RelationType(r["id"], r["forward"], r["backward"]))
        docs = []
        keys: dict[tuple, tuple] = {}
        for i, d in enumerate(data["documents"]):
            path = ("documents", i)
            self.define("document", src, path + ("id",), d["id"])
            for j, old in enumerate(d.get("moved_from", [])):
                self.define_moved("document", src, path + ("moved_from", j), old, d["id"])
            self.ref("kind", src, path + ("kind",), d["kind"])
            if d["issuer"] is not None:
                self.ref("unit", src, path + ("issuer",), d["issuer"])
            number = None
            also = []
            for npath, text in [(path + ("number",), d["number"])] + [
                    (path + ("also_numbered", j), t) for j, t in enumerate(d.get("also_numbered", []))]:
                if text is None:
                    continue
                try:
                    parsed = DocNumber.parse(text)
                except ValueError as exc:
                    self.problems.append(src.problem(
                        npath, f"document number {text!r} cannot be parsed ({exc})",
                        "write it as printed, e.g. 33/CT-TTg, 30/2020/NĐ-CP or 217-QĐ/TW; null if unknown"))
                    continue
                if parsed.key in keys:
                    self.problems.append(src.problem(
                        npath, f"document number {text!r} is already registered "
                        f"(line {src.where(keys[parsed.key])[0]})", "register each document once"))
                keys[parsed.key] = npath
                if npath[-1] == "number":
                    number = parsed
                else:
                    also.append(parsed)
            if d["number"] is None and not d.get("cited_as") and not d.get("is_plan"):
                self.problems.append(src.problem(
                    path, f"document '{d['id']}' has neither a number nor cited_as phrases",
                    "add cited_as: the exact phrase the plan uses to cite it"))
            if d["number"] is None and not d.get("title"):
                self.problems.append(src.problem(path, f"document '{d['id']}' has no number and no title",
                                                 "add title: so the site can name it"))
            relations = []
            for j, r in enumerate(d.get("relations", [])):
                self.ref("relation_type", src, path + ("relations", j, "type"), r["type"])
                self.ref("document", src, path + ("relations", j, "target"), r["target"])
                relations.append(m.Relation(r["type"], r["target"]))
            docs.append(m.Document(
                id=d["id"], kind=d["kind"], number=number, number_text=str(number) if number else None,
                title=d.get("title"), date=self.date(src, path + ("date",), d["date"]),
                issuer=d["issuer"], subject=d["subject"], is_plan=d.get("is_plan", False),
                cited_as=tuple(d.get("cited_as", [])), also_numbered=tuple(also), relations=tuple(relations),
                notes=self.notes(src, path + ("notes",), d.get("notes"), "note"),
                moved_from=tuple(d.get("moved_from", [])), source=d.get("source"),
                status=m.DocumentStatus(d["status"]["value"], self.date(src, path + ("status", "checked"),
                                                                        d["status"]["checked"]),
                                        d["status"]["evidence"]) if d.get("status") else None))
        return tuple(kinds), tuple(rtypes), tuple(docs)

    def plan(self) -> m.Plan:
        src = self.s["plan"]
        data = src.data
        h = data["header"]
        header = m.Header(
            parent_body=h.get("parent_body"), province=h.get("province"), issuing_body=h["issuing_body"],
            number=h["number"], symbol=h["symbol"], place=h["place"],
            date=self.date(src, ("header", "date"), h["date"], long_form=True), kind=h["kind"], subject=h["subject"],
            signature=self.signature(h["signature"]),
            notes=self.notes(src, ("header", "notes"), h.get("notes"), "plan"),
            has_parent="parent_body" in h)
        self.ref("document", src, ("document",), data["document"])
        preamble = tuple(self.block(src, ("preamble", i), b) for i, b in enumerate(data.get("preamble", [])))
        sections = []
        for i, s in enumerate(data["sections"]):
            path = ("sections", i)
            self.define("plan", src, path + ("id",), s["id"])
            self.moved(src, path, s)
            resp, timing = self.resp_and_timing(src, path, s)
            sections.append(m.Section(
                s["id"], s["number"], s["title"], m.SectionRole(s["role"]) if s.get("role") else None,
                tuple(self.block(src, path + ("blocks", j), b) for j, b in enumerate(s["blocks"])),
                self.notes(src, path + ("notes",), s.get("notes"), "plan"), tuple(s.get("moved_from", [])),
                resp, timing))
        footnotes = []
        for i, f in enumerate(data.get("footnotes", [])):
            path = ("footnotes", i)
            self.define("plan", src, path + ("id",), f["id"])
            footnotes.append(m.Footnote(f["id"], f["label"], tuple(
                self.block(src, path + ("blocks", j), b) for j, b in enumerate(f["blocks"]))))
        recipients = None
        if "recipients" in data:
            r = data["recipients"]
            entries = []
            for i, e in enumerate(r["entries"]):
                path = ("recipients", "entries", i)
                self.define("plan", src, path + ("id",), e["id"])
                if "unit" in e:
                    self.ref("unit", src, path + ("unit",), e["unit"])
                entries.append(m.Recipient(e["id"], e["text"], e.get("unit"),
                                           self.notes(src, path + ("notes",), e.get("notes"), "plan")))
            recipients = m.Recipients(r["label"], tuple(entries))
        plan = m.Plan(data["id"], data["document"], header, preamble, tuple(sections), tuple(footnotes),
                      recipients)
        self.check_footnotes(src, plan)
        return plan

    @staticmethod
    def signature(sig: dict | None) -> m.Signature | None:
        """The signature data, in either form, as the model's Signature."""
        if sig is None:
            return None
        written = sig.get("authority")
        lines = [written] if isinstance(written, str) else list(written or ())
        authority = [m.AuthorityLine.parse(line) for line in lines]
        if sig.get("prefix") and len(authority) == 1 and authority[0].prefix is None:
            authority = [m.AuthorityLine(sig["prefix"], authority[0].text)]  # the older prefix/authority form
        return m.Signature(tuple(authority), sig.get("title"), sig.get("name"))

    def moved(self, src: Source, path: tuple, data: dict) -> None:
        for j, old in enumerate(data.get("moved_from", [])):
            self.define("plan", src, path + ("moved_from", j), old)

    def block(self, src: Source, path: tuple, b: dict) -> m.Block:
        self.define("plan", src, path + ("id",), b["id"])
        self.moved(src, path, b)
        self._block_paths[b["id"]] = path
        if b["kind"] == "group" and ("text" in b or "title" in b):
            self.problems.append(src.problem(path + ("kind",), "a group has no text or title of its own",
                                             "use kind: bullet (or item) for a block with its own text"))
        if b["kind"] == "group" and not b.get("blocks"):
            self.problems.append(src.problem(path, "a group holds no blocks",
                                             "put the bullets it groups under blocks:"))
        resp, timing = self.resp_and_timing(src, path, b)
        children = tuple(self.block(src, path + ("blocks", j), c) for j, c in enumerate(b.get("blocks", [])))
        return m.Block(b["id"], m.BlockKind(b["kind"]), b.get("number"), b.get("title"), b.get("text"), children, resp, timing,
                       self.notes(src, path + ("notes",), b.get("notes"), "plan"), tuple(b.get("moved_from", [])))

    def resp_and_timing(self, src: Source, path: tuple, b: dict):
        resp = self.responsibility(src, path + ("responsibility",), b["responsibility"]) \
            if "responsibility" in b else None
        timing = self.timing(src, path + ("timing",), b["timing"]) if "timing" in b else None
        return resp, timing

    @staticmethod
    def field(data: dict | None) -> m.Field | None:
        if not data or not any(data.get(k) for k in ("label", "letter", "text")):
            return None
        return m.Field(data.get("label"), data.get("letter"), data.get("text"))

    def responsibility(self, src: Source, rp: tuple, r: dict) -> m.Responsibility:
        self.define("plan", src, rp + ("id",), r["id"])
        parties = []
        for role in m.Role:
            key = role.key
            if key not in r:
                continue
            value = r[key]
            ids, own, upath = (value, None, rp + (key,)) if isinstance(value, list) \
                else (value.get("units", []), self.field(value), rp + (key, "units"))
            for j, u in enumerate(ids):
                self.ref("unit", src, upath + (j,), u)
            parties.append(m.Party(role, tuple(ids), own))
        if not any(p.units for p in parties):
            self.problems.append(src.problem(rp, "responsibility names no unit",
                                             "add lead:, implementers: or support: with unit ids from "
                                             "content/units.yaml"))
        return m.Responsibility(r["id"], tuple(parties), self.field(r), self.field(r.get("content")),
                                m.Mode(r.get("mode", "assign")))

    def plan_date(self, source: Source, path: tuple, text: str | None) -> m.PlanDate | None:
        if text is None:
            return None
        try:
            return m.PlanDate.parse(text)
        except ValueError:
            self.problems.append(source.problem(path, f"{text!r} is not a real date",
                                                "write d/m/yyyy, m/yyyy or yyyy as the plan gives it "
                                                "(e.g. 30/6/2025, 12/2025, 2025)"))
            return None

    def timing(self, src: Source, tp: tuple, t: dict) -> m.Timing:
        self.define("plan", src, tp + ("id",), t["id"])
        kinds = t["kinds"]
        needs = {"deadline": (("deadline",), "add deadline: d/m/yyyy, m/yyyy or yyyy as written"),
                 "period": (("start", "end"), "add start: and/or end: (d/m/yyyy, m/yyyy or yyyy)"),
                 "per_document": (("document",), "add document: <id of the document in documents.yaml>")}
        for kind, (keys, fix) in needs.items():
            if kind in kinds and not any(t.get(k) for k in keys):
                self.problems.append(src.problem(tp, f"timing of kind '{kind}' has no {' or '.join(keys)}", fix))
        if "document" in t:
            self.ref("document", src, tp + ("document",), t["document"])
        day_month = t.get("day_month")
        if day_month:
            d, _, mo = day_month.partition("/")
            try:
                dt.date(2024, int(mo), int(d))  # a leap year: 29/2 exists
            except ValueError:
                self.problems.append(src.problem(tp + ("day_month",), f"{day_month!r} is not a real day",
                                                 "write d/m, e.g. 15/11"))
        return m.Timing(t["id"], t.get("label"), t["text"], tuple(map(m.TimingKind, kinds)),
                        self.plan_date(src, tp + ("deadline",), t.get("deadline")),
                        self.plan_date(src, tp + ("start",), t.get("start")),
                        self.plan_date(src, tp + ("end",), t.get("end")),
                        t.get("letter"), day_month, t.get("document"))

    def check_footnotes(self, src: Source, plan: m.Plan) -> None:
        defined = {f.id for f in plan.footnotes}
        used: set[str] = set()
        for block in plan.walk():
            for field_name in ("title", "text"):
                value = getattr(block, field_name)
                for ref in FOOTNOTE_REF.findall(value or ""):
                    used.add(ref)
                    if ref not in defined:
                        self.problems.append(src.problem(
                            self._block_paths[block.id] + (field_name,),
                            f"footnote reference [^{ref}] has no footnote",
                            f"add a footnote with id '{ref}' under footnotes: or fix the reference"))
        for i, f in enumerate(plan.footnotes):
            if f.id not in used:
                self.problems.append(src.problem(("footnotes", i, "id"), f"footnote '{f.id}' is never referenced",
                                                 f"put [^{f.id}] in the text where the footnote mark belongs"))

    def check_citations(self, plan: m.Plan, index: CitationIndex) -> None:
        src = self.s["plan"]
        for block in plan.walk():
            for field_name in ("title", "text"):
                for mention in index.find(getattr(block, field_name) or ""):
                    if mention.doc_id is None:
                        self.problems.append(src.problem(
                            self._block_paths[block.id] + (field_name,),
                            f"the text cites {mention.written!r}, which is not in content/documents.yaml",
                            "register the document in content/documents.yaml or correct the number"))

    def check_plan_document(self, plan: m.Plan, documents: tuple[m.Document, ...]) -> None:
        doc = next((d for d in documents if d.id == plan.document), None)
        if doc is not None and not doc.is_plan:
            self.problems.append(self.s["documents"].problem(
                ("documents", documents.index(doc), "id"),
                f"document '{doc.id}' is the plan (plan.yaml: document) but lacks is_plan: true",
                "add is_plan: true"))

    def check_shared_ids(self) -> None:
        """Plan elements and documents share the short-URL space k/<id>/."""
        plan_ids = self.ids.get("plan", {})
        for ident, (src, path) in self.ids.get("document", {}).items():
            if ident in plan_ids:
                other_src, other_path = plan_ids[ident]
                self.problems.append(src.problem(
                    path, f"id '{ident}' is also used in {other_src.file}:{other_src.where(other_path)[0]}; "
                    f"both would get the short URL k/{ident}/", "rename one of them"))

    def resolve_refs(self) -> None:
        for ref in self.refs:
            if self.DEFINED_IN[ref.namespace] not in self.valid:
                continue  # its file has problems of its own: the target cannot be looked up
            known = self.ids.get(ref.namespace, {})
            renamed = self.renamed.get(ref.namespace, {})
            if ref.target in renamed:
                self.problems.append(ref.source.problem(
                    ref.path, f"{ref.namespace.replace('_', ' ')} '{ref.target}' was renamed to "
                    f"'{renamed[ref.target]}' (moved_from)", f"refer to '{renamed[ref.target]}'"))
            elif ref.target not in known:
                guess = difflib.get_close_matches(ref.target, list(known), n=1)
                where = {"unit": "content/units.yaml", "document": "content/documents.yaml",
                         "term": "content/glossary.yaml", "kind": "kinds in content/documents.yaml",
                         "relation_type": "relation_types in content/documents.yaml"}[ref.namespace]
                fix = f"did you mean '{guess[0]}'?" if guess else f"add it to {where} or fix the id"
                self.problems.append(ref.source.problem(
                    ref.path, f"{ref.namespace.replace('_', ' ')} '{ref.target}' does not exist", fix))


def read_signature(sig: dict | None) -> m.Signature | None:
    """A header's signature as data (authority lines, or the older prefix + authority) -> the model's."""
    return _Checker.signature(sig)
