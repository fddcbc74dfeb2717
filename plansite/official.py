"""The plan as an official document, laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I) prescribes.

One layout of the header and the signature (`layout`) feeds every view: the
site's pages, the standalone HTML that becomes the PDFs, and the DOCX. Unknown
fields are blanks, as on a document not yet numbered and signed, never a
guess; the editorial note says why.

The standalone documents (`documents`) are plain HTML with a print
stylesheet, rendered by Jinja with autoescape on; `pdf.py` typesets them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jinja2
import markupsafe

from . import model as m
from .cache import NO_CACHE, DiskCache, bytecode_cache
from .graph import Graph

BLANK = "…"
# The number of an unsigned document is filled in when it is registered: a gap, not dots.
NUMBER_GAP = "\u00a0" * 8


# -----------------------------------------------------------------------------
# Header and signature as ND 30 lays them out
# -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """A run of a header line; a blank is a field the source does not give."""

    text: str
    blank: bool = False


Line = tuple[Part, ...]


@dataclass(frozen=True)
class Layout:
    parent: Line | None          # ô 2: tên cơ quan chủ quản (none for a body without one)
    issuer: Line                 # ô 2: tên cơ quan ban hành
    number: Line                 # ô 3: Số: …/KH-SKHĐT
    national_title: str          # ô 1: Quốc hiệu
    motto: str                   # ô 1: Tiêu ngữ
    place_date: Line             # ô 4: địa danh, ngày … tháng … năm …
    kind: str                    # ô 5a: tên loại
    subject: str                 # ô 5a: trích yếu
    authority: tuple[Line, ...]  # ô 7a: TM./KT./… lines, then the signer's title
    name: Line                   # ô 7b: họ tên
    blanks: bool                 # any field left blank (the editorial note applies)

    @property
    def number_text(self) -> str:
        return plain(self.number)


def plain(line: Line) -> str:
    return "".join(p.text for p in line)


def written(text: str | None, upper: bool = False) -> Line:
    """A field as written; None is a blank, and "…" inside a text is a blank part."""
    if text is None:
        return (Part(BLANK, True),)
    parts: list[Part] = []
    for i, chunk in enumerate(text.split(BLANK)):
        if i:
            parts.append(Part(BLANK, True))
        if chunk:
            parts.append(Part(chunk.upper() if upper else chunk))
    return tuple(parts)


def layout(header: m.Header, labels: dict) -> Layout:
    L = labels["header"]
    parent = None
    if header.has_parent:
        parent = written(header.parent_body, upper=True)
        if header.province and header.parent_body and header.province.casefold() not in header.parent_body.casefold():
            parent += (Part(" " + header.province.upper()),)
    number = (Part(f"{L['number']}: "), Part(NUMBER_GAP, True) if header.number is None else Part(header.number),
              Part("/"), *written(header.symbol))
    if header.date is None:
        date = (Part(labels["official"]["date_unknown"], True),)
    elif header.date.text.startswith(labels["official"]["date_prefix"]):
        date = (Part(header.date.text),)
    else:
        date = (Part(f"{labels['official']['date_prefix']} {header.date.text}"),)
    place_date = (*written(header.place), Part(", "), *date)
    sig = header.signature
    if sig is None:
        authority: tuple[Line, ...] = ((Part(BLANK, True),),)
        name: Line = (Part(BLANK, True),)
    else:
        authority = tuple((Part(str(a).upper()),) for a in sig.authority)
        if sig.title:
            authority += ((Part(sig.title.upper()),),)
        name = (Part(sig.name),) if sig.name else (Part(BLANK, True),)
    out = Layout(parent, written(header.issuing_body, upper=True), number, L["national_title"],
                 L["national_motto"], place_date, header.kind.upper(), header.subject, authority, name, False)
    lines = [out.issuer, out.number, out.place_date, out.name, *out.authority, *([out.parent] if out.parent else [])]
    return Layout(**{**out.__dict__, "blanks": any(p.blank for line in lines for p in line)})


def line_html(line: Line, blank_title: str) -> markupsafe.Markup:
    """A header line as HTML: blanks carry their explanation as a tooltip."""
    out = []
    for p in line:
        if p.blank:
            out.append(markupsafe.Markup('<span class="plan-blank" title="{}">{}</span>').format(blank_title, p.text))
        else:
            out.append(markupsafe.escape(p.text))
    return markupsafe.Markup("").join(out)


# -----------------------------------------------------------------------------
# Standalone documents (the input of the PDFs)
# -----------------------------------------------------------------------------

class Scope(StrEnum):
    """What a standalone document holds."""

    PLAN = "plan"        # the whole plan, with the header and the signature
    SECTION = "section"  # one section
    UNIT = "unit"        # a unit's checklist of duties


@dataclass(frozen=True)
class Document:
    """One standalone document: the whole plan, a section, or a unit's checklist."""

    scope: Scope
    ident: str          # plan, section or unit id
    filename: str       # base name of its files in the site's download folder
    title: str
    html: str


DOWNLOADS = "tai-ve"


def plan_file(content: m.Content) -> str:
    return f"{DOWNLOADS}/{content.plan.id}"


def section_file(section: m.Section) -> str:
    return f"{DOWNLOADS}/muc-{section.id}"


def unit_file(unit: m.Unit) -> str:
    return f"{DOWNLOADS}/don-vi-{unit.id}"


def documents(content: m.Content, templates: Path, graph: Graph | None = None,
              cache: DiskCache = NO_CACHE) -> list[Document]:
    """The whole plan, each section and each assigned unit's checklist, as standalone HTML."""
    graph = graph or Graph(content)
    env = _environment(Path(templates), cache.path("jinja-official"))
    lay = layout(content.plan.header, content.labels)
    plan_doc = content.document(content.plan.document)
    # "Kế hoạch 123/KH-STN của Sở …", or without a number "Kế hoạch của Sở …" (never a guessed number).
    plan_name = content.document_label(plan_doc) if plan_doc.number_text else content.plan.header.kind.capitalize()
    if content.plan.header.issuing_body:
        plan_name += " " + content.labels["cite"]["issuer"].format(issuer=content.plan.header.issuing_body)
    common = dict(c=content, plan=content.plan, L=content.labels, lay=lay, graph=graph, plan_name=plan_name,
                  # The stylesheet is the project's own file, not content: inserted as is.
                  css=markupsafe.Markup((Path(templates) / "official" / "nd30.css").read_text(encoding="utf-8")))
    title = f"{content.plan.header.kind.capitalize()}: {content.plan.header.subject}"
    out = [Document(Scope.PLAN, content.plan.id, plan_file(content), title,
                    env.get_template("official/plan.html.j2").render(scope=Scope.PLAN, title=title, **common))]
    for s in content.plan.sections:
        t = f"{s.number}. {s.title} — {title}"
        out.append(Document(Scope.SECTION, s.id, section_file(s), t, env.get_template("official/plan.html.j2").render(
            scope=Scope.SECTION, section=s, title=t, **common)))
    for u in content.units:
        items = graph.all_duties_of(u.id)  # its own duties and those of its groups (Nhiệm vụ chung)
        if not items:
            continue
        t = content.labels["official"]["checklist_title"].format(unit=u.name)
        out.append(Document(Scope.UNIT, u.id, unit_file(u), t, env.get_template("official/checklist.html.j2").render(
            unit=u, title=t, items=items, **common)))
    return out


def role_text(a, labels: dict) -> str:
    """A unit's part in a duty, for the checklist and the CSV: "Chủ trì"; a request
    (Đề nghị, asked of a body outside the issuer) says so: "Đề nghị (phối hợp)"."""
    word = labels["official"][f"role_{a.role}"]
    if a.responsibility.mode == m.Mode.REQUEST:
        return f'{labels["resp"]["request"]} ({word[0].lower() + word[1:]})'
    return word


@functools.cache  # one per process (`mkdocs serve`); compiled templates kept in the build cache
def _environment(templates: Path, compiled: Path | None) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             bytecode_cache=bytecode_cache(compiled))
    env.filters["line"] = line_html
    env.globals.update(m.TEMPLATE_VOCABULARIES, Scope=Scope)
    env.globals["text_html"] = text_html
    env.globals["printed_fields"] = m.printed_fields
    env.globals["role_text"] = role_text
    return env


# A word with a digit and a hyphen (218-QĐ/TU, 2021-2025): never broken across lines.
UNBREAKABLE = re.compile(r"\S*\d\S*-\S+|\S+-\S*\d\S*")


def _unbroken(text: str) -> markupsafe.Markup:
    out, last = [], 0
    for match in UNBREAKABLE.finditer(text):
        out.append(markupsafe.escape(text[last:match.start()]))
        out.append(markupsafe.Markup('<span class="nobr">{}</span>').format(match.group()))
        last = match.end()
    out.append(markupsafe.escape(text[last:]))
    return markupsafe.Markup("").join(out)


def text_html(text: str | None, content: m.Content) -> markupsafe.Markup:
    """Plan text as HTML; [^id] becomes a page footnote (CSS float: footnote) holding its paragraphs."""
    if not text:
        return markupsafe.Markup("")
    notes = {f.id: f for f in content.plan.footnotes}
    out, last = [], 0
    for match in m.FOOTNOTE_REF.finditer(text):
        out.append(_unbroken(text[last:match.start()]))
        f = notes[match.group(1)]
        body = markupsafe.Markup("").join(
            markupsafe.Markup('<span class="fn-p">{}</span>').format(_unbroken(b.text or "")) for b in f.blocks)
        out.append(markupsafe.Markup('<span class="fn" data-label="{}">{}</span>').format(f.label, body))
        last = match.end()
    out.append(_unbroken(text[last:]))
    return markupsafe.Markup("").join(out)


# -----------------------------------------------------------------------------
# Print
# -----------------------------------------------------------------------------

def print_citations(doc_ids: list[str], content: m.Content, site_url: str | None, href) -> markupsafe.Markup:
    """The addresses of the documents a page cites, once each, for paper (shown in print only).

    href(doc_id) is the page's relative link to the document, None on the document's own page.
    """
    from .paths import document_path, md_to_html_path
    from .permalinks import absolute

    seen = [d for d in dict.fromkeys(doc_ids) if href(d) is not None]
    if not seen:
        return markupsafe.Markup("")
    items = markupsafe.Markup("").join(
        markupsafe.Markup('<li><a href="{}">{}</a>: {}</li>').format(
            href(d), content.document_label(content.document(d)),
            absolute(site_url, md_to_html_path(document_path(d)))) for d in seen)
    return markupsafe.Markup('<aside class="plan-print-only plan-print-citations" data-search-exclude>'
                             '<p>{}</p><ol>{}</ol></aside>').format(content.labels["official"]["citation_links"], items)
