"""Every download of the site: the plan as PDF and DOCX (Nghị định 30 layout),
a PDF per section and per unit's checklist, and the open data (JSON + its
schema, CSV of assignments); plus the links to them on the pages they belong
to and the "Dữ liệu" page that lists them all.

Each file is made from the model through the content-addressed build cache,
so a build after an edit typesets only the documents whose text changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import markupsafe

from . import model as m
from . import official, opendata
from .cache import NO_CACHE, DiskCache
from .graph import Graph
from .paths import FULL_TEXT, element_paths, md_to_html_path, relative, section_path, unit_path
from .pdf import html_to_pdf
from .wordfile import plan_docx

DATA_PAGE = "du-lieu.md"
MIME = {"pdf": "application/pdf", "csv": "text/csv",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "json": "application/json", "schema": "application/schema+json"}


@dataclass(frozen=True)
class Download:
    path: str            # site path of the file
    format: str          # pdf, docx, json, schema, csv
    group: str           # documents, sections, units, open_data (the Dữ liệu page's headings)
    title: str
    page: str | None     # the page (.md) it belongs to, which links to it
    data: bytes = field(repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.data)


def build(content: m.Content, templates: Path, cache: DiskCache = NO_CACHE,
          graph: Graph | None = None) -> list[Download]:
    """All downloads, in the order the Dữ liệu page lists them."""
    graph = graph or Graph(content)
    D = content.labels["official"]["data"]
    data_json = opendata.content_json(content)
    out: list[Download] = []
    for doc in official.documents(content, templates, graph):
        pdf = html_to_pdf(doc.html, cache)
        if doc.scope == "plan":
            out.append(Download(doc.filename + ".pdf", "pdf", "documents", D["plan_pdf"], FULL_TEXT, pdf))
            # The DOCX is a function of the content (its JSON) and the labels (not in the JSON).
            labels = json.dumps(content.labels, ensure_ascii=False, sort_keys=True)
            docx = plan_docx(content, hashlib.sha256((data_json + labels).encode()).hexdigest(), cache)
            out.append(Download(doc.filename + ".docx", "docx", "documents", D["plan_docx"], FULL_TEXT, docx))
        elif doc.scope == "section":
            section = next(s for s in content.plan.sections if s.id == doc.ident)
            out.append(Download(doc.filename + ".pdf", "pdf", "sections", doc.title.split(" — ")[0],
                                section_path(section), pdf))
        else:
            out.append(Download(doc.filename + ".pdf", "pdf", "units", doc.title, unit_path(doc.ident), pdf))
    where = element_paths(content)
    base = f"{official.DOWNLOADS}/{content.plan.id}"
    out += [
        Download(base + ".json", "json", "open_data", D["json"], None, data_json.encode("utf-8")),
        Download(base + ".schema.json", "schema", "open_data", D["schema"], None,
                 opendata.schema(D["json"]).encode("utf-8")),
        Download(f"{official.DOWNLOADS}/phan-cong.csv", "csv", "open_data", D["csv"], None,
                 opendata.assignments_csv(content, graph,
                                                  lambda ident: md_to_html_path(where[ident]) + f"#{ident}")),
    ]
    return out


def size_text(n: int) -> str:
    """Vietnamese file size: 39,6 KB."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def page_links(downloads: list[Download], page: str, labels: dict) -> markupsafe.Markup:
    """The download links and print button of a generated page (empty for a page without downloads).

    `page` is the page's source path (.md); links are relative to its built file.
    """
    L = labels["official"]
    mine = [d for d in downloads if d.page == page]
    printable = page.startswith(("muc/", "don-vi/")) and page != "don-vi/index.md"
    if not mine and not printable and page != FULL_TEXT:
        return markupsafe.Markup("")
    here = page[:-3] + ".html"
    items = []
    for d in mine:
        label = {"pdf": L["download_section_pdf"] if d.group == "sections" else
                 L["download_unit_pdf"] if d.group == "units" else L["download_pdf"],
                 "docx": L["download_docx"]}[d.format].format(size=size_text(d.size))
        items.append(markupsafe.Markup('<a class="plan-download" href="{}" download type="{}">{}</a>').format(
            relative(d.path, here), MIME[d.format], label))
    button = L["print_unit"] if page.startswith("don-vi/") else L["print_section"] if printable else L["print_page"]
    items.append(markupsafe.Markup('<button type="button" class="plan-print-button" data-plan-print hidden>'
                                   '{}</button>').format(button))
    return markupsafe.Markup('<div class="plan-downloads" role="group" aria-label="{}">{}</div>').format(
        L["downloads"], markupsafe.Markup(" ").join(items))


def data_page(content: m.Content, templates: Path, downloads: list[Download], site_url: str | None = None,
              cache: DiskCache = NO_CACHE):
    """The "Dữ liệu" page: every download with its format and size."""
    from .render import Renderer

    L = content.labels["official"]["data"]
    groups = [(g, [d for d in downloads if d.group == g]) for g in ("documents", "sections", "units", "open_data")]
    return Renderer(content, templates, site_url, cache).page(
        "data.md.j2", DATA_PAGE, L["title"], m.PageRole.REGISTRY, groups=[(g, ds) for g, ds in groups if ds],
        size_text=size_text)
