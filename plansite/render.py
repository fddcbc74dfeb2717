"""Render the content model into Markdown pages through Jinja2 templates.

Pure: takes a `Content` and a templates folder, returns `Page`s (path and
Markdown). Any static-site generator can write them out and build them; the
MkDocs hooks feed them to MkDocs as generated files.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import model as m
from . import study
from .cache import NO_CACHE, DiskCache
from .diagram import relation_svg
from .graph import Graph
from .permalinks import absolute, linkables
from .paths import (DOCUMENTS, FULL_TEXT, GLOSSARY, HOME, SCHEDULE, TRAINERS, UNITS, document_path, element_paths,
                    md_to_html_path, relative, section_path, unit_path)

FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


@dataclass(frozen=True)
class Page:
    """One generated page.

    role: "canonical" pages are where plan elements live (backlinks point
    there); "copy" repeats plan text (Toàn văn); "registry" shows data.
    """

    path: str
    title: str
    markdown: str
    role: str


# -----------------------------------------------------------------------------
# Rendering
# -----------------------------------------------------------------------------

class Renderer:
    """Holds the Jinja2 environment and the per-page helpers templates call."""

    def __init__(self, content: m.Content, templates: Path, site_url: str | None = None,
                 cache: DiskCache = NO_CACHE):
        self.content = content
        self.labels = content.labels
        self.graph = Graph(content)
        self.where = element_paths(content)
        self.site_url = site_url
        self.linkables = {u.id: u for u in linkables(content)}
        self.env = _environment(Path(templates), cache)

    def page(self, template: str, path: str, title: str, role: str, **context) -> Page:
        view = _View(self, path)
        text = self.env.get_template(template).render(
            c=self.content, plan=self.content.plan, L=self.labels, v=view, graph=self.graph,
            title=title, page_path=path, **context)
        return Page(path, title, text, role)

    def pages(self) -> list[Page]:
        c, L = self.content, self.labels
        out = [
            self.page("home.md.j2", HOME, L["pages"]["home"], "canonical"),
            *(self.page("section.md.j2", section_path(s), f"{s.number}. {s.title}", "canonical", section=s,
                        page_footnotes=[f for f in c.plan.footnotes if self.where[f.id] == section_path(s)])
              for s in c.plan.sections),
            self.page("full_text.md.j2", FULL_TEXT, L["pages"]["full_text"], "copy"),
            self.page("documents.md.j2", DOCUMENTS, L["pages"]["documents"], "registry"),
            *(self.page("document.md.j2", document_path(d.id), self.doc_title(d), "registry", doc=d,
                        diagram=relation_svg(self.graph, d, self.doc_label,
                                                 _View(self, document_path(d.id)).document_href))
              for d in c.documents),
            self.page("units.md.j2", UNITS, L["pages"]["units"], "registry"),
            *(self.page("unit.md.j2", unit_path(u.id), u.name, "registry", unit=u) for u in c.units),
            self.page("schedule.md.j2", SCHEDULE, L["pages"]["schedule"], "registry"),
            self.page("glossary.md.j2", GLOSSARY, L["pages"]["glossary"], "registry"),
            self.page("trainers.md.j2", TRAINERS, L["trainers"]["title"], "registry",
                      units=list(self.linkables.values()),
                      short_url=lambda u: absolute(self.site_url, u.short)),
            *study.pages(self),
        ]
        return out

    def doc_label(self, doc: m.Document) -> str:
        return self.content.document_label(doc)

    def doc_title(self, doc: m.Document) -> str:
        return self.content.document_label(doc)

    def nav(self) -> list:
        """MkDocs-style nav: titles from content and labels, paths from here."""
        c, L = self.content, self.labels
        return [
            {L["pages"]["home"]: HOME},
            *({f"{s.number}. {s.title.capitalize()}": section_path(s)} for s in c.plan.sections),
            {L["pages"]["full_text"]: FULL_TEXT},
            {L["pages"]["documents"]: [DOCUMENTS, *(document_path(d.id) for d in c.documents)]},
            {L["pages"]["units"]: [UNITS, *(unit_path(u.id) for u in c.units)]},
            {L["pages"]["schedule"]: SCHEDULE},
            {L["pages"]["glossary"]: GLOSSARY},
            {L["trainers"]["title"]: TRAINERS},
            study.nav(c),
        ]


class _View:
    """Helpers bound to the page being rendered (links are relative to it)."""

    def __init__(self, renderer: Renderer, path: str):
        self.r = renderer
        self.path = path

    def link(self, target: str) -> str:
        """Relative link for Markdown (.md targets; MkDocs resolves and checks them)."""
        return relative(target, self.path)

    def href(self, target: str) -> str:
        """Relative link for raw HTML (built .html targets)."""
        path, _, frag = target.partition("#")
        return relative(md_to_html_path(path) + (f"#{frag}" if frag else ""), self.path)

    def element(self, ident: str) -> str:
        """Markdown link target of a plan element on its canonical page."""
        page = self.r.where[ident]
        return relative(page, self.path) + f"#{ident}" if page != self.path else f"#{ident}"

    def element_href(self, ident: str) -> str:
        page = self.r.where[ident]
        return self.href(page + f"#{ident}") if page != self.path else f"#{ident}"

    def section(self, section: m.Section) -> str:
        return self.link(section_path(section))

    def document(self, doc_id: str) -> str:
        return self.link(document_path(doc_id))

    def document_href(self, doc_id: str) -> str:
        return self.href(document_path(doc_id))

    def unit(self, unit_id: str) -> str:
        return self.link(unit_path(unit_id))

    def unit_href(self, unit_id: str) -> str:
        return self.href(unit_path(unit_id))

    def page(self, path: str) -> str:
        return self.link(path)

    def href_static(self, target: str) -> str:
        """Relative link to a static file of the built site (QR code, short URL)."""
        return relative(target, self.path)

    def text(self, text: str | None) -> str:
        """Verbatim plan text as HTML; [^id] becomes a footnote reference."""
        if not text:
            return ""
        labels = {f.id: f.label for f in self.r.content.plan.footnotes}

        def ref(match: re.Match) -> str:
            fid = match.group(1)
            return (f'<sup id="fnref:{fid}"><a class="footnote-ref" href="{self.element_href(fid)}">'
                    f'({_h(labels[fid])})</a></sup>')

        return FOOTNOTE_REF.sub(ref, _h(text))

    def doc_label(self, doc: m.Document) -> str:
        return self.r.doc_label(doc)

    def cite(self, ident: str) -> str:
        """HTML attributes that make a unit citable: its citation and canonical link."""
        unit = self.r.linkables[ident]
        return f' data-cite="{_h(unit.citation)}" data-href="{_h(relative(unit.target, self.path))}"'


    def unknown(self, value) -> str:
        """A value, or the 'unknown' marker when the source does not give it."""
        if value is None or value == "":
            return f'<span class="plan-unknown">{_h(self.r.labels["unknown"])}</span>'
        return _h(str(value))


def _h(value) -> str:
    return html.escape(str(value), quote=True)


# One environment per templates folder and cache for the life of the process:
# `mkdocs serve` rebuilds in the same process, and Jinja recompiles a template
# only when its file changed (auto_reload).
_ENVIRONMENTS: dict[tuple[Path, Path | None], jinja2.Environment] = {}


def _environment(templates: Path, cache: DiskCache) -> jinja2.Environment:
    folder = cache.path("jinja")
    env = _ENVIRONMENTS.get((templates, folder))
    if env is None:
        bytecode = None
        try:
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
                bytecode = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:  # a read-only checkout builds, only slower
            pass
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=bytecode,
        )
        env.filters.update(h=_h, md=md_escape)
        _ENVIRONMENTS[(templates, folder)] = env
    return env


def md_escape(value) -> str:
    """Escape text for Markdown inline context (titles in headings, tables)."""
    return MD_SPECIAL.sub(r"\\\1", str(value))


def render_site(content: m.Content, templates: Path, site_url: str | None = None,
                cache: DiskCache = NO_CACHE) -> tuple[list[Page], list]:
    """All generated pages and the nav, for a content model.

    With a `cache`, compiled templates are kept on disk (compiling is most of
    the time on a small plan).
    """
    renderer = Renderer(content, templates, site_url, cache)
    return renderer.pages(), renderer.nav()


def render_backlinks(places: list, here: str, content: m.Content, units: dict) -> str:
    """The 'Được trích dẫn tại' list of a document page.

    places: (built page path, page title, linker.Found) for each place that
    cites the document; units: citable units by id, to name the place.
    """
    labels = content.labels
    if not places:
        return f'<p class="plan-backlinks-none">{_h(labels["documents"]["not_cited"])}</p>'
    rows = []
    for page, title, found in places:
        unit = units.get(found.anchor)
        place = unit.citation.split(labels["cite"]["joiner"])[0] if unit else title
        excerpt = _h(found.excerpt).replace(_h(found.written), f"<strong>{_h(found.written)}</strong>", 1)
        rows.append(f'<li><a class="plan-backlink" href="{_h(relative(f"{page}#{found.anchor}", here))}">'
                    f'{_h(place)}</a><br><span class="plan-excerpt">{excerpt}</span></li>')
    return '<ul class="plan-backlinks-list">' + "".join(rows) + "</ul>"
