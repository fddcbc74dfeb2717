"""Import a plan from Word (.docx), PDF or text into draft content files.

    read (sources) -> paragraphs (layout) -> structure -> emit -> YAML files + review report

`import_plan` writes plan.yaml, documents.yaml, units.yaml, glossary.yaml,
labels.yaml (the project's, so the draft builds) and the schemas into the
output folder, and the review report beside them (import-review.txt).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..rules import reserved_names, template_anchors
from ..yamlsource import load as load_yaml
from .emit import Emitter
from .layout import paragraphs
from .review import Review
from .sources import ImportFailure, read_source
from .structure import Parser
from .yamlout import dump

REPORT = "import-review.txt"
OUTPUT_FILES = ("plan.yaml", "documents.yaml", "units.yaml", "glossary.yaml", "labels.yaml")
HEADERS = {
    "plan.yaml": "yaml-language-server: $schema=schema/plan.schema.json\n\n"
                 "DRAFT imported from {source} by `python -m plansite import`.\n"
                 "Read {report} first: it lists every place the importer was unsure.",
    "documents.yaml": "yaml-language-server: $schema=schema/documents.schema.json\n\n"
                      "DRAFT imported from {source}: documents cited by number. Dates and issuers are the ones the\n"
                      "text states next to each number; subjects and anything else unknown are null.",
    "units.yaml": "yaml-language-server: $schema=schema/units.schema.json\n\n"
                  "DRAFT imported from {source}: units named in the plan, deduplicated by wording.",
    "glossary.yaml": "yaml-language-server: $schema=schema/glossary.schema.json\n\n"
                     "DRAFT imported from {source}: abbreviations the plan defines or uses.",
}

__all__ = ["ImportFailure", "ImportResult", "import_plan", "REPORT"]


@dataclass
class ImportResult:
    out_dir: Path
    review: Review
    report: str
    seconds: float
    files: dict[str, str]


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return yaml.safe_load((Path(__file__).parent / "vocabulary.yaml").read_text(encoding="utf-8"))


def import_plan(source: Path, out_dir: Path, *, project_content: Path, force: bool = False) -> ImportResult:
    """Import `source` into `out_dir`; raise ImportFailure for what cannot be imported."""
    started = time.perf_counter()
    source, out_dir, project_content = Path(source), Path(out_dir), Path(project_content)
    schema_dir = project_content / "schema"
    if not (schema_dir / "plan.schema.json").is_file() or not (project_content / "labels.yaml").is_file():
        raise ImportFailure(str(project_content), "the project's content/schema/ and content/labels.yaml are "
                            "needed (the draft is written for them)", "run the command from the project folder "
                            "or pass --content")
    existing = [name for name in OUTPUT_FILES[:4] if (out_dir / name).exists()]
    if existing and not force and out_dir.resolve() != project_content.resolve():
        raise ImportFailure(str(out_dir), f"already holds {', '.join(existing)}",
                            "choose an empty folder, or add --force to overwrite the draft")
    if out_dir.resolve() == project_content.resolve() and not force:
        raise ImportFailure(str(out_dir), "is the project's content folder; importing there replaces the plan",
                            "import into a new folder, review it, then copy the files (or add --force)")
    text = read_source(source)
    vocab = vocabulary()
    review = Review(text.name, "paragraph" if text.structured else "line")
    paras = paragraphs(text, review, vocab["basis_openers"])
    draft = Parser(vocab, review, text.name).parse(paras)
    schema = json.loads((schema_dir / "plan.schema.json").read_text(encoding="utf-8"))
    labels = yaml.safe_load((project_content / "labels.yaml").read_text(encoding="utf-8")) or {}
    reserved = reserved_names(template_anchors(project_content.parent / "templates"), labels)
    emitter = Emitter(draft, vocab, schema, review, text.structured, reserved)
    plan, documents, units, terms = emitter.build()

    files = {name: dump(data, HEADERS[name].format(source=text.name, report=REPORT))
             for name, data in (("plan.yaml", plan), ("documents.yaml", documents), ("units.yaml", units),
                                ("glossary.yaml", terms))}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, body in files.items():
            (out_dir / name).write_text(body, encoding="utf-8")
        if out_dir.resolve() != project_content.resolve():
            shutil.copyfile(project_content / "labels.yaml", out_dir / "labels.yaml")
            if (out_dir / "schema").exists():
                shutil.rmtree(out_dir / "schema")
            shutil.copytree(schema_dir, out_dir / "schema")
    except OSError as exc:
        raise ImportFailure(str(out_dir), f"cannot write the draft there ({exc.strerror or exc})",
                            "choose a folder you can write to") from None
    _locate(review, out_dir, plan, documents, emitter.source_ids)
    display = out_dir.as_posix()
    report = review.report(display)
    try:
        (out_dir / REPORT).write_text(report, encoding="utf-8")
    except OSError as exc:
        raise ImportFailure(str(out_dir / REPORT), f"cannot write the review report ({exc.strerror or exc})",
                            "choose a folder you can write to") from None
    return ImportResult(out_dir, review, report, time.perf_counter() - started, files)


def _locate(review: Review, out_dir: Path, plan: dict, documents: dict, source_ids: dict[int, str]) -> None:
    """Each review entry gets the line of the YAML that holds its result."""
    sources = {name: load_yaml(out_dir / name, name)[0] for name in ("plan.yaml", "documents.yaml")}
    by_id: dict[str, dict[str, tuple]] = {"plan.yaml": {}, "documents.yaml": {}}

    def walk(value, path, table):
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                table.setdefault(value["id"], path)
            for k, v in value.items():
                walk(v, path + (k,), table)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,), table)

    walk(plan, (), by_id["plan.yaml"])
    walk(documents, (), by_id["documents.yaml"])
    ordered = sorted(source_ids)
    for entry in review.entries:
        table = by_id.get(entry.file, {})
        path: tuple | None = entry.path
        if path and len(path) == 2 and path[0] in ("block", "documents") and path[1] in table:
            path = table[path[1]]
        elif entry.file == "plan.yaml" and entry.source_line is not None and (
                path is None or path == ("responsibility",)):
            # the element that starts at the nearest source line at or before this one
            line = entry.anchor or entry.source_line
            ident = source_ids.get(line)
            if ident is None:
                before = [n for n in ordered if n <= line]
                ident = source_ids[before[-1]] if before else None
            if ident is not None:
                path = table.get(ident, path)
        if path is not None and entry.file in sources:
            entry.yaml_line = sources[entry.file].where(path)[0]
