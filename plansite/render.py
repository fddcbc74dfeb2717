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
from markupsafe import Markup, escape

from . import model as m, study
from .cache import NO_CACHE, DiskCache
from .diagram import edges, relation_svg
from .graph import Graph
from .handout import handout_groups
from .matrix import matrix_groups
from .official import layout, line_html
from .paths import (
    DOCUMENTS,
    FULL_TEXT,
    GLOSSARY,
    HOME,
    SCHEDULE,
    TRAINERS,
    UNITS,
    document_path,
    element_paths,
    md_to_html_path,
    relative,
    section_path,
    trainers_path,
    unit_path,
)
from .permalinks import absolute, citables
from .siteurl import is_local

# Characters that are Markdown (or attr_list) syntax: backslash-escaped, so
# Python-Markdown shows them literally. <, > and & become entities instead
# (a backslash does not stop raw HTML).
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


@dataclass(frozen=True)
class Page:
    """One generated page."""

    path: str
    title: str
    markdown: str
    role: m.PageRole


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
        self.citables = {c.id: c for c in citables(content)}
        self.env = _environment(Path(templates), cache)
        # `python -m plansite check` sets a list here: a page that fails to
        # render is recorded (template, path, context, exception), not raised.
        self.failures: list | None = None

    def variables(self, path: str) -> dict:
        return dict(c=self.content, plan=self.content.plan, L=self.labels, v=_View(self, path), graph=self.graph,
                    study=study)

    def page(self, template: str, path: str, title: str, role: m.PageRole, **context) -> Page:
        try:
            text = self.env.get_template(template).render(
                **self.variables(path), title=title, page_path=path, **context)
        except Exception as exc:  # noqa: BLE001 - reported with its content location by `check`
            if self.failures is None:
                raise
            self.failures.append((template, path, context, exc))
            text = ""
        return Page(path, title, text, m.PageRole(role))

    def pages(self) -> list[Page]:
        c, L = self.content, self.labels
        cited = L["readers"]["documents"]["cited_by_plan"]
        out = [
            self.page("home.md.j2", HOME, L["pages"]["home"], m.PageRole.CANONICAL),
            *(self.page("section.md.j2", section_path(s), f"{s.number}. {s.title}", m.PageRole.CANONICAL, section=s,
                        page_footnotes=[f for f in c.plan.footnotes if self.where[f.id] == section_path(s)])
              for s in c.plan.sections),
            self.page("full_text.md.j2", FULL_TEXT, L["pages"]["full_text"], m.PageRole.COPY),
            self.page("documents.md.j2", DOCUMENTS, L["pages"]["documents"], m.PageRole.REGISTRY),
            *(self.page("document.md.j2", document_path(d.id), self.doc_title(d), m.PageRole.REGISTRY, doc=d,
                        # relation_svg escapes every text it draws (autoescape would escape the SVG)
                        diagram=Markup(relation_svg(self.graph, d, self.doc_label,
                                                    _View(self, document_path(d.id)).document_href, cited)),
                        edges=edges(self.graph, d, cited), cited_by=self.graph.cited_by_plan(d.id))
              for d in c.documents),
            self.page("units.md.j2", UNITS, L["pages"]["units"], m.PageRole.REGISTRY,
                      matrix=matrix_groups(self.graph)),
            *(self.page("unit.md.j2", unit_path(u.id), u.name, m.PageRole.REGISTRY, unit=u) for u in c.units),
            self.page("schedule.md.j2", SCHEDULE, L["pages"]["schedule"], m.PageRole.REGISTRY),
            self.page("glossary.md.j2", GLOSSARY, L["pages"]["glossary"], m.PageRole.REGISTRY),
            *self.handouts(),
            *study.pages(self),
        ]
        return out

    def handouts(self) -> list[Page]:
        """The trainers' handout of the whole plan, and one per section."""
        c, L = self.content, self.labels
        groups = handout_groups(c)
        joiner = L["cite"]["joiner"]
        example = next((g.entries[0].citable.citation for g in groups if g.section and g.entries), "")
        common = dict(short_url=lambda u: absolute(self.site_url, u.short), site_url=self.site_url,
                      local_url=is_local(self.site_url), plan_title=example.split(joiner, 1)[-1],
                      example_citation=example, section_handout=lambda s: md_to_html_path(trainers_path(s)))
        pages = [self.page("trainers.md.j2", TRAINERS, L["trainers"]["title"], m.PageRole.REGISTRY,
                           groups=groups, single=False, **common)]
        for g in groups:
            if g.section is not None:
                title = L["readers"]["handout"]["section_title"].format(title=L["trainers"]["title"],
                                                                        section=g.title)
                pages.append(self.page("trainers.md.j2", trainers_path(g.section), title, m.PageRole.REGISTRY,
                                       groups=[g], single=True, **common))
        return pages

    def doc_label(self, doc: m.Document) -> str:
        return self.content.document_label(doc)

    def doc_title(self, doc: m.Document) -> str:
        return self.content.document_label(doc)

    def nav(self) -> list:
        """MkDocs-style nav: titles from content and labels, paths from here."""
        c, L = self.content, self.labels
        # Plain text, like every title of the model: Site.theme_nav() escapes it
        # for a theme, nav_markdown() for a Markdown nav.
        return [
            {L["pages"]["home"]: HOME},
            *({f"{s.number}. {s.title.capitalize()}": section_path(s)} for s in c.plan.sections),
            {L["pages"]["full_text"]: FULL_TEXT},
            {L["pages"]["documents"]: [DOCUMENTS, *(document_path(d.id) for d in c.documents)]},
            {L["pages"]["units"]: [UNITS, *(unit_path(u.id) for u in c.units)]},
            {L["pages"]["schedule"]: SCHEDULE},
            {L["pages"]["glossary"]: GLOSSARY},
            {L["trainers"]["title"]: [TRAINERS, *(trainers_path(s) for s in c.plan.sections)]},
            study.nav(c),
        ]


class _View:
    """Helpers bound to the page being rendered (links are relative to it)."""

    def __init__(self, renderer: Renderer, path: str):
        self.r = renderer
        self.path = path

    def link(self, target: str) -> str:
        """Relative link for Markdown (.md targets; MkDocs resolves and checks them)."""
        return _h(relative(target, self.path))

    def href(self, target: str) -> str:
        """Relative link for raw HTML (built .html targets)."""
        path, _, frag = target.partition("#")
        return _h(relative(md_to_html_path(path) + (f"#{frag}" if frag else ""), self.path))

    def element(self, ident: str) -> str:
        """Markdown link target of a plan element on its canonical page."""
        page = self.r.where[ident]
        return _h(relative(page, self.path) + f"#{ident}" if page != self.path else f"#{ident}")

    def element_href(self, ident: str) -> str:
        page = self.r.where[ident]
        return self.href(page + f"#{ident}") if page != self.path else _h(f"#{ident}")

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
        return _h(relative(target, self.path))

    def text(self, text: str | None) -> Markup:
        """Verbatim plan text as HTML; [^id] becomes a footnote reference."""
        if not text:
            return Markup("")
        labels = {f.id: f.label for f in self.r.content.plan.footnotes}

        def ref(match: re.Match) -> str:
            fid = match.group(1)
            return (f'<sup id="fnref:{fid}"><a class="footnote-ref" href="{self.element_href(fid)}">'
                    f'({_h(labels[fid])})</a></sup>')

        return Markup(m.FOOTNOTE_REF.sub(ref, _h(text)))

    def doc_label(self, doc: m.Document) -> str:
        return self.r.doc_label(doc)

    # -- who does what, by when -------------------------------------------------

    def number(self, element) -> str:
        """Full hierarchical number of a section or block ("II.4", "III (gạch đầu dòng 2)")."""
        return self.r.graph.number(element)

    def short(self, element, words: int = 12, titles: bool = False) -> str:
        """Title, or the first words of the text (an untitled element is never "None");
        with `titles`, a long title is cut to `words` too (matrix headings)."""
        text = m.FOOTNOTE_REF.sub("", getattr(element, "title", None) or "")
        if text and not titles:
            return text
        text = text or m.FOOTNOTE_REF.sub("", getattr(element, "text", None) or "")
        if not text and isinstance(element, m.Block):  # a group: its first child's words
            text = next((m.FOOTNOTE_REF.sub("", b.text or b.title or "") for b in element.walk() if b.text or b.title), "")
        parts = text.split()
        return " ".join(parts[:words]) + ("…" if len(parts) > words else "")

    def place(self, element, words: int = 12) -> str:
        """"II.4 Tăng cường công tác tiếp công dân…": number and title (or first words)."""
        return f"{self.number(element)} {self.short(element, words)}".strip()

    def mark(self, block: m.Block) -> str:
        """A block's number as printed before it: "a)" for a letter, "1." for a number."""
        n = block.number or ""
        return f"{n})" if len(n) == 1 and n.isalpha() else f"{n}."

    def role(self, assignment) -> str:
        """The short word for a unit's part in a duty (the matrix cell, the duty's tag)."""
        L = self.r.labels
        word = {m.Role.LEAD: L["units"]["lead_mark"], m.Role.SUPPORT: L["units"]["support_mark"],
                m.Role.IMPLEMENTER: L["resp"]["implementer_mark"]}[assignment.role]
        if assignment.responsibility.mode == m.Mode.REQUEST:
            word = f'{L["resp"]["request"]} ({word[0].lower() + word[1:]})'
        return word

    def meta(self, element) -> Markup:
        """The element's own responsibility and timing, every wording once, anchored."""
        return self.fields(element.responsibility, element.timing, anchors=True)

    def fields(self, r: m.Responsibility | None, t: m.Timing | None, anchors: bool = False) -> Markup:
        """A <dl> of the printed fields (a) Nội dung thực hiện / b) Đơn vị … / c) Thời gian …),
        in the source's letter order; unit names in a wording link to the unit's page."""
        if r is None and t is None:
            return Markup("")
        L = self.r.labels
        rows: list[tuple[str | None, str | None, str, str, str | None]] = []  # (letter, label, value html, class, id)
        if r is not None:
            rid = r.id if anchors else None
            if r.content:
                rows.append((r.content.letter, r.content.label, str(_h(r.content.text or "")), "content", None))
            named = [p for p in r.parties if p.field is None]
            if r.field:
                rows.append((r.field.letter, r.field.label or L["task"]["units"],
                             self._wording(r.field.text, named), "units", None))
                named = []
            for p in r.parties:
                if p.field:
                    label = p.field.label or self._role_word(p.role)
                    rows.append((p.field.letter, label, self._wording(p.field.text, [p]), "units", None))
            if named:  # no wording names these units: an editorial annotation
                roles = {p.role for p in named}
                label = L["task"]["annotation"]
                value = " · ".join(
                    (f'<span class="plan-role">{_h(self._role_word(p.role))}:</span> ' if len(roles) > 1 else "")
                    + self._links(p.units, p.role) for p in named)
                rows.append((None, label, value, "units annotation", None))
            if r.mode == m.Mode.REQUEST and rows:
                head = rows[0]
                rows[0] = (head[0], head[1], f'<span class="plan-tag">{_h(L["resp"]["request"])}</span> {head[2]}',
                           head[3], None)
            if rows:
                first = next((i for i, row in enumerate(rows) if row[3] != "content"), 0)
                rows[first] = (*rows[first][:4], rid)
        if t is not None:
            value = str(_h(t.text))
            if t.document:
                doc = self.r.content.document(t.document)
                value += f' <a class="plan-doc-ref" href="{self.document_href(doc.id)}">({_h(self.r.doc_label(doc))})</a>'
            rows.append((t.letter, t.label or L["resp"]["timing_annotation"], value, "timing",
                         t.id if anchors else None))
        if all(row[0] for row in rows):
            rows.sort(key=lambda row: m.letter_key(row[0] or ""))  # "đ)" after "d)"
        out = ['<dl class="plan-meta">']
        for letter, dt_label, dd_html, cls, ident in rows:
            attr = f' id="{_h(ident)}"' if ident else ""
            prefix = f'<span class="plan-letter">{_h(letter)})</span> ' if letter else ""
            out.append(f'<div class="plan-meta-row plan-meta-{cls.split()[0]}"><dt{attr}>{prefix}{_h(dt_label or "")}:'
                       f'</dt><dd>{dd_html}</dd></div>')
        out.append("</dl>")
        return Markup("\n".join(out))

    def _role_word(self, role: m.Role) -> str:
        L = self.r.labels
        return {m.Role.LEAD: L["task"]["lead"], m.Role.SUPPORT: L["task"]["support"],
                m.Role.IMPLEMENTER: L["resp"]["implementer"]}[role]

    def _links(self, units, role: m.Role) -> str:
        return "; ".join(f'<a class="plan-unit plan-unit-{role}" href="{self.unit_href(u)}">'
                         f'{_h(self.r.content.unit(u).name)}</a>' for u in units)

    def _wording(self, text: str | None, parties) -> str:
        """The wording as written, each unit's name in it a link; units it does not name follow."""
        text = text or ""
        spans: list[tuple[int, int, str, m.Role]] = []
        missing: list[tuple[m.Role, str]] = []
        low = text.lower()
        for p in parties:
            for u in p.units:
                name = self.r.content.unit(u).name
                at = low.find(name.lower())
                if at >= 0 and not any(a < at + len(name) and at < b for a, b, _, _ in spans):
                    spans.append((at, at + len(name), u, p.role))
                else:
                    missing.append((p.role, u))
        out, pos = [], 0
        for a, b, u, role in sorted(spans):
            out.append(str(_h(text[pos:a])))
            out.append(f'<a class="plan-unit plan-unit-{role}" href="{self.unit_href(u)}">{_h(text[a:b])}</a>')
            pos = b
        out.append(str(_h(text[pos:])))
        html_text = f'<span class="plan-source">{"".join(out)}</span>' if text else ""
        if missing:
            roles = {role for role, _ in missing}
            links = " · ".join((f'<span class="plan-role">{_h(self._role_word(role))}:</span> '
                                if len(roles) > 1 or len(parties) > 1 else "") + self._links([u], role)
                               for role, u in missing)
            html_text += f' <span class="plan-units">→ {links}</span>'
        return html_text

    def cite(self, ident: str) -> str:
        """HTML attributes that make a citable element citable: its citation and canonical link.

        For raw HTML only: a Markdown heading gets them from plansite.mdext
        (cite_attributes), since attr_list would read content as syntax."""
        return Markup("".join(f' {name}="{_h(value)}"'
                              for name, value in cite_attributes(self.r.citables[ident], self.path).items()))


    def unknown(self, value) -> str:
        """A value, or the 'unknown' marker when the source does not give it."""
        if value is None or value == "":
            return Markup(f'<span class="plan-unknown" title="{_h(self.r.labels["official"]["unknown_title"])}">'
                          f'{_h(self.r.labels["unknown"])}</span>')
        return _h(str(value))


def cite_attributes(citable, here: str) -> dict[str, str]:
    """The attributes that make a citable element (permalinks.Citable: a section,
    task, paragraph, bullet… or a document) citable on page `here` (.md or .html
    path): its formal citation and canonical link. Plain values: the caller
    escapes them for where they go."""
    return {"data-cite": citable.citation, "data-href": relative(citable.target, here)}


def _h(value) -> Markup:
    """HTML-escaped text (Markup passes through: it is HTML already)."""
    return escape(value if isinstance(value, Markup) else str(value))


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
            autoescape=True,  # escape by construction: content is never HTML
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=bytecode,
        )
        env.filters.update(h=_h, md=md_escape, nd30_line=line_html)
        env.globals.update(m.TEMPLATE_VOCABULARIES, nd30_layout=layout)
        _ENVIRONMENTS[(templates, folder)] = env
    return env


def md_escape(value) -> Markup:
    """Text for a Markdown inline context (headings, link text, table cells):
    shown literally, never as HTML, Markdown or attr_list syntax.

    >>> print(md_escape("TỔ CHỨC <img src=x> {#a}"))
    TỔ CHỨC &lt;img src=x&gt; \\{\\#a\\}
    """
    text = html.escape(str(value), quote=False)
    return Markup(MD_SPECIAL.sub(r"\\\1", text).replace("\n", " "))


def render_site(content: m.Content, templates: Path, site_url: str | None = None,
                cache: DiskCache = NO_CACHE) -> tuple[list[Page], list]:
    """All generated pages and the nav, for a content model.

    With a `cache`, compiled templates are kept on disk (compiling is most of
    the time on a small plan).
    """
    renderer = Renderer(content, templates, site_url, cache)
    return renderer.pages(), renderer.nav()


def render_backlinks(places: list, here: str, content: m.Content, citables: dict) -> str:
    """The 'Được trích dẫn tại' list of a document page.

    places: (built page path, page title, linker.Found) for each place that
    cites the document; citables: citable elements by id, to name the place.
    """
    labels = content.labels
    if not places:
        return f'<p class="plan-backlinks-none">{_h(labels["documents"]["not_cited"])}</p>'
    rows = []
    for page, title, found in places:
        citable = citables.get(found.anchor)
        place = citable.citation.split(labels["cite"]["joiner"])[0] if citable else title
        # Markup.replace escapes a plain-str replacement: the <strong> must be Markup to stay a tag.
        excerpt = _h(found.excerpt).replace(_h(found.written), Markup(f"<strong>{_h(found.written)}</strong>"), 1)
        rows.append(f'<li><a class="plan-backlink" href="{_h(relative(f"{page}#{found.anchor}", here))}">'
                    f'{_h(place)}</a><br><span class="plan-excerpt">{excerpt}</span></li>')
    return '<ul class="plan-backlinks-list">' + "".join(rows) + "</ul>"


def escape_page_title(output: str, title: str | None) -> str:
    """The built page with its <title> text escaped again.

    Material writes `<title>{{ page.title | striptags }}`, and striptags turns
    the escaped title back into raw text: a section titled "<img onerror=…>"
    or "</title><script>" would become markup. Only that exact text is touched.
    """
    if not title:
        return output
    written = Markup(str(title)).striptags()
    return output.replace(f"<title>{written}", f"<title>{html.escape(written, quote=False)}", 1)
