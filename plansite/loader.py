"""Load `content/` into a validated `Content` model, or report every problem.

Three stages, each on every file it can take:

1. schema stage (`_schema_stage`): each file read (yamlsource) and checked
   against its JSON Schema (shapes, types, unknown keys) and for NFC text;
2. model builder (`_Builder`): the files that passed become the frozen model
   (plansite/model.py) plus an index of where each part is written; it
   reports only values that cannot be built (a date or a document number
   that does not parse);
3. rules (plansite/rules.py): one small function per thing a schema cannot
   express (unique ids, references that resolve, footnotes and citations
   that resolve, …), each taking the model and the index.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import model as m, rules, schemacache
from .cache import NO_CACHE, DiskCache, code_version, key as cache_key, version
from .docnumber import DocNumber
from .errors import ContentError, Problem
from .yamlsource import Source, load as load_yaml

if TYPE_CHECKING:
    import jsonschema

FILES = {
    "plan": "plan.yaml",
    "documents": "documents.yaml",
    "units": "units.yaml",
    "glossary": "glossary.yaml",
    "labels": "labels.yaml",
}
SCHEMA_DIR = "schema"
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# The issuing date in the header as ND 30 writes it out.
LONG_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
# Python's `$` (used by jsonschema for "pattern") also matches before a final
# newline, so dates are checked again with fullmatch (and ids by rules.ids_are_ascii).


def load_content(content_dir: Path, *, display_root: Path | None = None,
                 cache: DiskCache = NO_CACHE, templates_dir: Path | None = None) -> m.Content:
    """Load and validate every content file; raise ContentError listing all problems.

    Stages run on every file they can: each file is read and checked against
    its schema (`_schema_stage`); the model is built from every file that
    passed (`_Builder`, which reports only values that cannot be built), then
    every rule of plansite/rules.py whose files passed runs on the model, so
    one run lists every problem it can find.
    With a `cache`, a file whose bytes and schema passed the schema check
    before is not checked again (the semantic checks always run).
    """
    content_dir = Path(content_dir)
    root = display_root if display_root is not None else content_dir.parent
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    valid: set[str] = set()
    for name, filename in FILES.items():
        source, found = _schema_stage(content_dir / filename, content_dir / SCHEMA_DIR / f"{name}.schema.json",
                                      root, cache)
        problems += found
        sources[name] = source
        if not found:
            valid.add(name)
        if name != "labels":  # a label may be a single space
            problems += _check_blank(source)  # shows nothing, but builds: the rules still run on the file
    if templates_dir is None:
        templates_dir = content_dir.parent / "templates"
    builder = _Builder(sources, valid, content_dir / SCHEMA_DIR, templates_dir)
    model = builder.build()
    problems += builder.problems
    problems += rules.check(model, builder.where)
    if problems or not valid >= set(FILES) or model.plan is None:
        raise ContentError(problems)
    return m.Content(plan=model.plan, documents=model.documents, kinds=model.kinds,
                     relation_types=model.relation_types, units=model.units, terms=model.terms,
                     labels=m.Labels.of(sources["labels"].data))


def _schema_stage(path: Path, schema_path: Path, root: Path, cache: DiskCache) -> tuple[Source, list[Problem]]:
    """The file read (yamlsource), checked against its JSON Schema and for NFC text."""
    source, found = load_yaml(path, _display(path, root))
    if not found:
        found = _check_schema_cached(source, path, schema_path, cache, _display(schema_path, root))
        found += _check_nfc(source, source.data, ())
    return source, found


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -----------------------------------------------------------------------------
# Schema pass
# -----------------------------------------------------------------------------

@functools.cache
def _validator(schema_path: Path, schema_text: str) -> jsonschema.Draft202012Validator:
    import jsonschema  # a tenth of a second to import: only when a file must be checked

    schema = json.loads(schema_text)
    schemacache.check_schema(schema, schema_text)  # a broken schema is reported, not raised later
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
    schemacache.use(cache)
    if not cache:
        return _check_schema(source, schema_path, schema_display)
    try:
        # The key holds the exact data checked, so a hit is the same verdict.
        name = cache_key(schemacache.data_key(source.data), schema_path.read_bytes(), version("jsonschema"), version("referencing"),
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
        want = " or ".join(_TYPE_NAMES.get(t, str(t)) for t in types)
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
        elif path[-1:] == ("label",) and "footnotes" in path:  # it numbers the footnotes' list
            fix = "write the footnote's number as printed, e.g. 1"
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


def _strings(node: Any, path: tuple = ()) -> Iterator[tuple[str, tuple]]:
    if isinstance(node, str):
        yield node, path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, path + (i,))


def _check_blank(source: Source) -> list[Problem]:
    """A title or text of spaces only passes `minLength` but shows nothing."""
    return [source.problem(path, f"{'/'.join(map(str, path))} holds only spaces",
                           "write the text, or remove the key if it is optional")
            for value, path in _strings(source.data) if not value.strip()]


# -----------------------------------------------------------------------------
# Model builder: schema-valid data -> the model, and where each part is written
# -----------------------------------------------------------------------------

class _Builder:
    """Builds the model from the files that passed their schema.

    It checks nothing but what building needs (a date or a document number
    must parse to become one); it records every id defined, every id referred
    to and where each model object is written, for the rules (plansite/rules.py).
    """

    def __init__(self, sources: dict[str, Source], valid: set[str], schema_dir: Path, templates_dir: Path):
        self.s = sources
        self.valid = valid  # the files that passed their schema
        self.problems: list[Problem] = []
        self.where = rules.Index({n: sources[n] for n in self.valid}, schema_dir=schema_dir,
                                 templates_dir=templates_dir)

    # -- helpers -------------------------------------------------------------

    def define(self, namespace: str, source: Source, path: tuple, ident: str, renamed_to: str | None = None) -> None:
        self.where.definitions.append(rules.Definition(namespace, ident, source, path, renamed_to))

    def ref(self, namespace: str, source: Source, path: tuple, target: str) -> None:
        self.where.references.append(rules.Reference(namespace, target, source, path))

    def put(self, obj, source: Source, path: tuple, written: str | None = None):
        self.where.put(obj, source, path, written)
        return obj

    def unbuilt(self, source: Source, path: tuple, problem: Problem) -> None:
        self.problems.append(problem)
        self.where.unbuilt.add((source.file, path))

    def date(self, source: Source, path: tuple, text: str | None, long_form: bool = False) -> m.WrittenDate | None:
        """A date as written: d/m/yyyy, or (long_form, the header's issuing date) also
        "ngày 17 tháng 11 năm 2025"; the text is kept verbatim."""
        if text is None:
            return None
        match = DATE.fullmatch(text) or (LONG_DATE.fullmatch(text) if long_form else None)
        if match is None:
            self.unbuilt(source, path, source.problem(path, f"{text!r} is not a date written d/m/yyyy",
                                                      "write it like 26/11/2021, without spaces or line breaks"))
            return None
        d, mo, y = (int(x) for x in match.groups())
        try:
            return m.WrittenDate(text, dt.date(y, mo, d))
        except ValueError:
            self.unbuilt(source, path, source.problem(path, f"{text!r} is not a real date",
                                                      "check day and month (d/m/yyyy, e.g. 26/11/2021)"))
            return None

    def plan_date(self, source: Source, path: tuple, text: str | None) -> m.PlanDate | None:
        if text is None:
            return None
        try:
            return m.PlanDate.parse(text)
        except ValueError:
            self.unbuilt(source, path, source.problem(path, f"{text!r} is not a real date",
                                                      "write d/m/yyyy, m/yyyy or yyyy as the plan gives it "
                                                      "(e.g. 30/6/2025, 12/2025, 2025)"))
            return None

    def number(self, source: Source, path: tuple, text: str) -> DocNumber | None:
        try:
            return self.put(DocNumber.parse(text), source, path, text)
        except ValueError as exc:
            self.unbuilt(source, path, source.problem(
                path, f"document number {text!r} cannot be parsed ({exc})",
                "write it as printed, e.g. 33/CT-TTg, 30/2020/NĐ-CP or 217-QĐ/TW; null if unknown"))
            return None

    def notes(self, source: Source, path: tuple, data: list | None, namespace: str) -> tuple[m.Note, ...]:
        out = []
        for i, note in enumerate(data or []):
            self.define(namespace, source, path + (i, "id"), note["id"])
            out.append(m.Note(note["id"], note["text"]))
        return tuple(out)

    # -- build ---------------------------------------------------------------

    def build(self) -> rules.Model:
        """The model of every file that passed its schema."""
        ok = self.valid
        units = self.units() if "units" in ok else ()
        terms = self.terms() if "glossary" in ok else ()
        kinds, relation_types, documents = self.documents() if "documents" in ok else ((), (), ())
        plan = self.plan() if "plan" in ok else None
        labels = self.s["labels"].data if "labels" in ok else {}
        return rules.Model(frozenset(ok), plan, documents, kinds, relation_types, units, terms, labels)

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
                self.define("unit", src, path + ("moved_from", j), old, renamed_to=u["id"])
            out.append(m.Unit(u["id"], u["name"], m.UnitKind(u["kind"]), u.get("parent"), u.get("description"),
                              tuple(u.get("moved_from", [])), tuple(u.get("members", []))))
            self.put(out[-1], src, path)
        return tuple(out)

    def terms(self) -> tuple[m.Term, ...]:
        src = self.s["glossary"]
        out = []
        for i, t in enumerate(src.data["terms"]):
            path = ("terms", i)
            self.define("term", src, path + ("id",), t["id"])
            for j, r in enumerate(t.get("related", [])):
                self.ref("term", src, path + ("related", j), r)
            out.append(self.put(m.Term(t["id"], t["term"], t["expansion"], t.get("abbr", False),
                                       tuple(t.get("variants", [])), t.get("definition"),
                                       tuple(t.get("related", []))), src, path))
        return tuple(out)

    def documents(self) -> tuple[tuple[m.DocumentKind, ...], tuple[m.RelationType, ...], tuple[m.Document, ...]]:
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
        for i, d in enumerate(data["documents"]):
            path = ("documents", i)
            self.define("document", src, path + ("id",), d["id"])
            for j, old in enumerate(d.get("moved_from", [])):
                self.define("document", src, path + ("moved_from", j), old, renamed_to=d["id"])
            self.ref("kind", src, path + ("kind",), d["kind"])
            if d["issuer"] is not None:
                self.ref("unit", src, path + ("issuer",), d["issuer"])
            number = self.number(src, path + ("number",), d["number"]) if d["number"] is not None else None
            also = [n for j, t in enumerate(d.get("also_numbered", []))
                    if (n := self.number(src, path + ("also_numbered", j), t)) is not None]
            relations = []
            for j, r in enumerate(d.get("relations", [])):
                self.ref("relation_type", src, path + ("relations", j, "type"), r["type"])
                self.ref("document", src, path + ("relations", j, "target"), r["target"])
                relations.append(self.put(m.Relation(r["type"], r["target"]), src, path + ("relations", j)))
            docs.append(self.put(m.Document(
                id=d["id"], kind=d["kind"], number=number, number_text=str(number) if number else None,
                title=d.get("title"), date=self.date(src, path + ("date",), d["date"]),
                issuer=d["issuer"], subject=d["subject"], is_plan=d.get("is_plan", False),
                cited_as=tuple(d.get("cited_as", [])), also_numbered=tuple(also), relations=tuple(relations),
                notes=self.notes(src, path + ("notes",), d.get("notes"), "note"),
                moved_from=tuple(d.get("moved_from", [])), source=d.get("source"),
                status=m.DocumentStatus(m.Validity(d["status"]["value"]),
                                        self.date(src, path + ("status", "checked"), d["status"]["checked"]),
                                        d["status"]["evidence"]) if d.get("status") else None), src, path))
        return tuple(kinds), tuple(rtypes), tuple(docs)

    def plan(self) -> m.Plan:
        src = self.s["plan"]
        data = src.data
        h = data["header"]
        header = m.Header(
            parent_body=h.get("parent_body"), province=h.get("province"), issuing_body=h["issuing_body"],
            number=h["number"], symbol=h["symbol"], place=h["place"],
            date=self.date(src, ("header", "date"), h["date"], long_form=True), kind=h["kind"], subject=h["subject"],
            signature=read_signature(h["signature"]),
            notes=self.notes(src, ("header", "notes"), h.get("notes"), "plan"),
            has_parent="parent_body" in h)
        self.ref("document", src, ("document",), data["document"])
        preamble = tuple(self.block(src, ("preamble", i), b) for i, b in enumerate(data.get("preamble", [])))
        sections = []
        path: tuple
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
            self.put(sections[-1], src, path)
        footnotes = []
        for i, f in enumerate(data.get("footnotes", [])):
            path = ("footnotes", i)
            self.define("plan", src, path + ("id",), f["id"])
            footnotes.append(self.put(m.Footnote(f["id"], f["label"], tuple(
                self.block(src, path + ("blocks", j), b) for j, b in enumerate(f["blocks"]))), src, path))
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
        return m.Plan(data["id"], data["document"], header, preamble, tuple(sections), tuple(footnotes),
                      recipients)

    def moved(self, src: Source, path: tuple, data: dict) -> None:
        for j, old in enumerate(data.get("moved_from", [])):
            self.define("plan", src, path + ("moved_from", j), old)

    def block(self, src: Source, path: tuple, b: dict) -> m.Block:
        return self.put(self.new_block(src, path, b), src, path)

    def new_block(self, src: Source, path: tuple, b: dict) -> m.Block:
        self.define("plan", src, path + ("id",), b["id"])
        self.moved(src, path, b)
        resp, timing = self.resp_and_timing(src, path, b)
        children = tuple(self.block(src, path + ("blocks", j), c) for j, c in enumerate(b.get("blocks", [])))
        return m.Block(b["id"], m.BlockKind(b["kind"]), b.get("number"), b.get("title"), b.get("text"), children, resp, timing,
                       self.notes(src, path + ("notes",), b.get("notes"), "plan"), tuple(b.get("moved_from", [])))

    def resp_and_timing(self, src: Source, path: tuple, b: dict) -> tuple[m.Responsibility | None, m.Timing | None]:
        resp = self.responsibility(src, path + ("responsibility",), b["responsibility"]) \
            if "responsibility" in b else None
        timing = self.timing(src, path + ("timing",), b["timing"]) if "timing" in b else None
        if resp is not None:
            self.put(resp, src, path + ("responsibility",))
        if timing is not None:
            self.put(timing, src, path + ("timing",))
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
        return m.Responsibility(r["id"], tuple(parties), self.field(r), self.field(r.get("content")),
                                m.Mode(r.get("mode", "assign")))

    def timing(self, src: Source, tp: tuple, t: dict) -> m.Timing:
        self.define("plan", src, tp + ("id",), t["id"])
        kinds = t["kinds"]
        if "document" in t:
            self.ref("document", src, tp + ("document",), t["document"])
        day_month = t.get("day_month")
        return m.Timing(t["id"], t.get("label"), t["text"], tuple(map(m.TimingKind, kinds)),
                        self.plan_date(src, tp + ("deadline",), t.get("deadline")),
                        self.plan_date(src, tp + ("start",), t.get("start")),
                        self.plan_date(src, tp + ("end",), t.get("end")),
                        t.get("letter"), day_month, t.get("document"))


def read_signature(sig: dict | None) -> m.Signature | None:
    """A header's signature as data (authority lines, or the older prefix + authority) -> the model's."""
    if sig is None:
        return None
    written = sig.get("authority")
    lines = [written] if isinstance(written, str) else list(written or ())
    authority = [m.AuthorityLine.parse(line) for line in lines]
    if sig.get("prefix") and len(authority) == 1 and authority[0].prefix is None:
        authority = [m.AuthorityLine(sig["prefix"], authority[0].text)]  # the older prefix/authority form
    return m.Signature(tuple(authority), sig.get("title"), sig.get("name"))
