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
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import markupsafe

from . import model as m, official, opendata
from .cache import NO_CACHE, DiskCache
from .child import run_module
from .graph import Graph
from .paths import FULL_TEXT, element_paths, md_to_html_path, relative, section_path, unit_path
from .pdf import cached_pdf, html_to_pdf
from .wordfile import cached_docx, plan_docx

DATA_PAGE = "du-lieu.md"
# Stands for a pending download's size in the built pages and search index until
# Site.finish_downloads writes the size: ASCII that Markdown, escaping and search keep as is.
PENDING_SIZE = "plansite-size[{path}]"


class Format(StrEnum):
    """A download's file format (labels: official.data.formats)."""

    PDF = "pdf"
    DOCX = "docx"
    JSON = "json"
    SCHEMA = "schema"   # the JSON Schema of the open data
    CSV = "csv"


class Group(StrEnum):
    """The Dữ liệu page's headings, in its order (labels: official.data.<group>)."""

    DOCUMENTS = "documents"
    SECTIONS = "sections"
    UNITS = "units"
    OPEN_DATA = "open_data"


MIME = {Format.PDF: "application/pdf", Format.CSV: "text/csv",
        Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Format.JSON: "application/json", Format.SCHEMA: "application/schema+json"}


@dataclass(frozen=True)
class Download:
    path: str            # site path of the file
    format: Format
    group: Group
    title: str
    page: str | None     # the page (.md) it belongs to, which links to it
    data: bytes = field(repr=False, compare=False)
    stale: bool = field(default=False, compare=False)  # a preview's earlier bytes, being made again (see build)
    pending: bool = field(default=False, compare=False)  # not made yet: no bytes, no size (build's `later`)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def size_label(self) -> str:
        """The size as the pages show it, or what stands for it until the file is made."""
        return PENDING_SIZE.format(path=self.path) if self.pending else size_text(self.size)


def build(content: m.Content, templates: Path, cache: DiskCache = NO_CACHE,
          graph: Graph | None = None, stale: Mapping[str, bytes] | None = None,
          later: bool = False) -> list[Download]:
    """All downloads, in the order the Dữ liệu page lists them.

    `later`: a PDF or DOCX that is not in the build cache is not made now but
    marked `pending`, without bytes; its size shows as `PENDING_SIZE` until
    `Site.finish_downloads` makes it (plansite.ahead typesets it meanwhile).

    `stale` (a preview only, never a build to publish): earlier bytes by path.
    A PDF or DOCX that is not in the build cache and has earlier bytes there is
    not made now: it keeps those bytes, marked `stale`, and `fill_cache` makes
    it in another process while the preview is served (typesetting is most of
    a rebuild after a text edit).
    """
    graph = graph or Graph(content)
    D = content.labels["official"]["data"]
    data_json = opendata.content_json(content)
    out: list[Download] = []

    def made(path: str, cached, make) -> tuple[bytes, bool, bool]:  # bytes, stale, pending
        if later or (stale is not None and path in stale):
            hit = cached()
            if hit is not None:
                return hit, False, False
            return (b"", False, True) if later else (stale[path], True, False)  # type: ignore[index]
        return make(), False, False

    for doc in official.documents(content, templates, graph, cache):
        path = doc.filename + ".pdf"
        pdf, *flags = made(path, lambda d=doc: cached_pdf(d.html, cache), lambda d=doc: html_to_pdf(d.html, cache))
        if doc.scope is official.Scope.PLAN:
            out.append(Download(path, Format.PDF, Group.DOCUMENTS, D["plan_pdf"], FULL_TEXT, pdf, *flags))
            # The DOCX is a function of the content (its JSON) and the labels (not in the JSON).
            labels = json.dumps(content.labels, ensure_ascii=False, sort_keys=True)
            data_key = hashlib.sha256((data_json + labels).encode()).hexdigest()
            docx, *docx_flags = made(doc.filename + ".docx", lambda k=data_key: cached_docx(k, cache),
                                     lambda k=data_key: plan_docx(content, k, cache))
            out.append(Download(doc.filename + ".docx", Format.DOCX, Group.DOCUMENTS, D["plan_docx"], FULL_TEXT, docx,
                                *docx_flags))
        elif doc.scope is official.Scope.SECTION:
            section = next(s for s in content.plan.sections if s.id == doc.ident)
            out.append(Download(path, Format.PDF, Group.SECTIONS, doc.title.split(" — ")[0], section_path(section), pdf,
                                *flags))
        else:
            out.append(Download(path, Format.PDF, Group.UNITS, doc.title, unit_path(doc.ident), pdf, *flags))
    where = element_paths(content)
    base = f"{official.DOWNLOADS}/{content.plan.id}"
    out += [
        Download(base + ".json", Format.JSON, Group.OPEN_DATA, D["json"], None, data_json.encode("utf-8")),
        Download(base + ".schema.json", Format.SCHEMA, Group.OPEN_DATA, D["schema"], None,
                 opendata.schema(D["json"]).encode("utf-8")),
        Download(f"{official.DOWNLOADS}/phan-cong.csv", Format.CSV, Group.OPEN_DATA, D["csv"], None,
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
        label = {Format.PDF: L["download_section_pdf"] if d.group is Group.SECTIONS else
                 L["download_unit_pdf"] if d.group is Group.UNITS else L["download_pdf"],
                 Format.DOCX: L["download_docx"]}[d.format].format(size=d.size_label)
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
    groups = [(g, [d for d in downloads if d.group is g]) for g in Group]
    return Renderer(content, templates, site_url, cache).page(
        "data.md.j2", DATA_PAGE, L["title"], m.PageRole.REGISTRY, groups=[(g, ds) for g, ds in groups if ds])


def fill_cache(root: Path, done: Path | None = None) -> int:
    """Make every download of the project at `root` into its build cache, then
    write `done` ("ok" or the error): the preview's background step,
    `python -m plansite.downloads ROOT [DONE]`. The exit status says whether it worked."""
    from .cache import DEFAULT_DIR
    from .loader import load_content

    cache = DiskCache(root / DEFAULT_DIR)
    status, result = 0, "ok"
    try:
        build(load_content(root / "content", display_root=root, cache=cache), root / "templates", cache)
    except Exception as exc:  # noqa: BLE001 - reported through `done` and the exit status
        status, result = 1, f"{type(exc).__name__}: {exc}"
    if done is not None:
        done.write_text(result, encoding="utf-8")
    return status


def fill_cache_process(root: Path, done: Path | None = None) -> subprocess.Popen:
    """`fill_cache(root, done)` started in another process, with this checkout's plansite/."""
    return run_module("plansite.downloads", [str(root), *([str(done)] if done else [])], root,
                      stdin=subprocess.DEVNULL)


if __name__ == "__main__":
    raise SystemExit(fill_cache(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))
