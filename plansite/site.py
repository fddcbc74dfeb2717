"""The public build API: everything about the site except the generator.

    site = plansite.prepare(root, site_url="https://…/")
    site.pages          generated pages (path -> Page, Markdown)
    site.static         static files (QR codes, redirects, plan-data.js)
    site.nav            the reader's navigation, plain-text titles (MkDocs style; theme_nav()
                        escaped for a theme's HTML, nav_markdown() as a Markdown list)
    site.backlinks      document id -> the places that cite it
    site.unresolved     citations of unregistered documents in hand-written pages (file:line)
    site.write(folder)  a complete docs folder, for generators that read one

`prepare` loads and validates content/, renders every page, finds every
citation (in the content model and in the hand-written pages' Markdown) and
makes the static files — once. A generator then turns Markdown into HTML with
the `plansite.mdext` extension (citation links, abbreviations, backlinks) and
`verify` checks the built site against the permalink manifest.
"""

from __future__ import annotations

import functools
import html
import json
import os
import pickle
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import model as m, study
from .ahead import Ahead, may_start, start as start_typesetting, start_early
from .areas import add_footer_link, plan_data_js
from .cache import DEFAULT_DIR, DiskCache
from .citations import CitationIndex, excerpt
from .downloads import PENDING_SIZE, Download, build as build_downloads, data_page, page_links
from .errors import ContentError, Problem, report  # noqa: F401 - what prepare raises, for the glue
from .history import HISTORY, Currency, build_currency
from .linker import Found, add_abbreviations, link_citations
from .loader import load_content
from .official import print_citations
from .paths import (
    DOCUMENTS,
    EDITOR_HOME,
    HOME,
    STUDY,
    TRAINERS,
    UNITS,
    USE_DIRECTORY_URLS,
    document_path,
    element_paths,
    is_editor_page,
    md_to_html_path,
    reader_pages,
    relative,
    section_path,
    study_section_path,
    study_unit_path,
    trainers_path,
    unit_path,
)
from .permalinks import (
    INIT_HINT,
    Citable,
    QrCode,
    aliases,
    check_manifest,
    citables,
    page_moves,
    read_manifest,
    scan_site,
    section_aliases,
    static_files,
)
from .render import Page, escape_page_title, md_escape, render_backlinks, render_site
from .searchfold import fold_search_index
from .siteurl import PUBLISH_ENV, is_local, local_warning, publish_problem
from .slug import slugify

MANIFEST = "permalinks.lock.json"
PLAN_DATA = "assets/plan-data.js"
STUDY_DATA = "assets/study-data.js"
# The first line of every page `Site.write` writes: names the page for
# plansite.mdext, whatever folder the generator reads it from.
PAGE_MARK = re.compile(r"<!-- plansite-page: (\S+) -->\n")
# A page's YAML front matter (as MkDocs and Zensical read it): not the page's
# Markdown, so the page mark goes after it and prose is looked for below it.
FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*\n", re.S)
# Material 9.8 renders its search overlay as role="dialog" without a name
# (axe/Lighthouse "aria-dialog-name"); the theme offers no setting for it.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
# The reader's nav lists the plan's sections (and their trainers' and Ôn tập
# pages) while they fit a phone's drawer; a plan with more sections is reached
# from its home page's outline instead, so the nav — repeated on every page —
# stays the same size however large the plan and its registry grow.
NAV_SECTIONS_MAX = 12
PENDING_MARK = PENDING_SIZE.split("{", 1)[0].encode()


class ConfigError(Exception):
    """The generator is configured in a way the site's URLs do not allow."""


class BuildRefused(Exception):
    """A generator's build must stop; the message says why and what to fix."""


@dataclass(frozen=True)
class Place:
    """A place that cites a document: its page (.md path), the page's title, what was found."""

    page: str
    title: str
    found: Found


@dataclass(frozen=True)
class HandwrittenPage:
    """A page of docs/ written by hand: its path inside docs/, title and Markdown."""

    path: str
    title: str
    markdown: str

    @property
    def prose(self) -> str:
        """The Markdown without its front matter, whose lines stay as blank lines
        (line numbers in messages are the file's)."""
        found = FRONT_MATTER.match(self.markdown)
        return "\n" * found.group(0).count("\n") + self.markdown[found.end():] if found else self.markdown



@dataclass(frozen=True)
class Unresolved:
    """A citation of a document that is not registered, with where it is written."""

    where: str
    written: str

    def __str__(self) -> str:
        return (f"{self.where}: cites {self.written!r}, which is not in content/documents.yaml — "
                f"register the document there or correct the number")


@dataclass
class Site:
    """The whole site but its HTML: computed once by `prepare`."""

    root: Path
    site_url: str | None
    content: m.Content
    pages: dict[str, Page]
    handwritten: dict[str, HandwrittenPage]
    nav: list
    index: CitationIndex
    abbreviations: dict[str, str]
    aliases: dict[str, str]
    citables: dict[str, Citable]
    static: dict[str, str | bytes]
    backlinks: dict[str, list[Place]]
    indexed: dict[str, str] = field(default_factory=dict)  # page left out of the nav -> the index page listing it
    unresolved: list[Unresolved] = field(default_factory=list)
    manifest: dict | None = None             # permalinks.lock.json (None: there is none)
    downloads: list[Download] = field(default_factory=list)
    currency: Currency | None = None         # history of content/, plan status, version
    warnings: list[str] = field(default_factory=list)
    ahead: Ahead | None = None               # making the pending downloads and QR codes (see finish_downloads)
    pending_qr: dict[str, QrCode] = field(default_factory=dict)  # static files made in finish_downloads

    @property
    def version_text(self) -> str:
        return self.currency.version_text if self.currency else ""

    # -- URLs ----------------------------------------------------------------

    def check_generator(self, *, use_directory_urls: bool) -> None:
        """Fail early when the generator would put pages elsewhere than `paths` says."""
        if use_directory_urls != USE_DIRECTORY_URLS:
            raise ConfigError(
                f"use_directory_urls must be {str(USE_DIRECTORY_URLS).lower()}: pages, short URLs, QR codes and "
                f"permalinks.lock.json all use page.html addresses (plansite/paths.py decides them)")

    def document_url(self, doc_id: str, here: str) -> str | None:
        """Link from built page `here` to a document's page (None on that page itself)."""
        target = md_to_html_path(document_path(doc_id))
        return None if target == here else relative(target, here)

    # -- per page ------------------------------------------------------------

    def where(self, path: str) -> str:
        """How messages name a page: its file, or the generated page."""
        return f"docs/{path}" if path in self.handwritten else f"{path} (generated)"

    def link(self, html_text: str, path: str) -> tuple[str, list[Unresolved]]:
        """A page's rendered HTML with citations linked, abbreviations and backlinks filled in.

        `path` is the page's source path (.md). The backlinks are placed last
        so that the excerpts they quote are not linked again.
        """
        here = md_to_html_path(path)
        url_for = lambda d: self.document_url(d, here)  # noqa: E731
        html_text, found, missing = link_citations(html_text, self.index, url_for)
        # On paper a link is lost: the cited documents' addresses once, at the end.
        html_text += str(print_citations([f.doc_id for f in found], self.content, self.site_url, url_for))
        if path in self.pages:  # downloads and the print button, under the page title
            html_text = html_text.replace("</h1>", "</h1>" + str(page_links(self.downloads, path,
                                                                            self.content.labels)), 1)
        if path in self.indexed:  # a page the nav leaves out: the way back to its index, under the title
            # Under, not above: a search index (Material's) files whatever precedes the
            # first heading as a section of its own, and the page's text then ranks lower.
            crumb = self.breadcrumb(path)
            html_text = html_text.replace("</h1>", "</h1>" + crumb, 1) if "</h1>" in html_text else crumb + html_text
        html_text = add_abbreviations(html_text, self.abbreviations)
        html_text = self._fill_backlinks(html_text, here)
        if self.currency is not None:  # last: "Cập nhật lần cuối" and change marks see the final HTML
            html_text = self.currency.decorate(html_text, here, None if path in self.pages else f"docs/{path}")
        source = self.source(path) or ""
        return html_text, [Unresolved(f"{self.where(path)}:{_line_of(source, miss.written)}", miss.written)
                           for miss in missing]

    def breadcrumb(self, path: str) -> str:
        """The trail from the home page to the index page that lists page `path` (.md),
        for a page the nav leaves out; escaped here, kept out of search."""
        here = md_to_html_path(path)
        trail = [HOME] if self.indexed[path] == HOME else [HOME, self.indexed[path]]
        items = "".join(f'<li><a href="{_attr(relative(md_to_html_path(p), here))}">{_attr(self.pages[p].title)}</a></li>'
                        for p in trail)
        label = _attr(self.content.labels["readers"]["breadcrumb"])
        return f'<nav class="plan-breadcrumb" aria-label="{label}" data-search-exclude><ol>{items}</ol></nav>\n'

    def neighbours(self, path: str) -> tuple[str | None, str | None]:
        """The pages before and after page `path` (.md) on the index page that lists it,
        for a page the nav leaves out (None at either end, and for pages in the nav)."""
        if path not in self.indexed:
            return None, None
        siblings, at = self._siblings[path]
        return (siblings[at - 1] if at else None), (siblings[at + 1] if at + 1 < len(siblings) else None)

    @functools.cached_property
    def _siblings(self) -> dict[str, tuple[list[str], int]]:
        lists: dict[str, list[str]] = {}
        for page, index in self.indexed.items():
            lists.setdefault(index, []).append(page)
        return {page: (pages, at) for pages in lists.values() for at, page in enumerate(pages)}

    def source(self, path: str) -> str | None:
        """The Markdown of a page as the generator reads it."""
        if path in self.pages:
            return self.pages[path].markdown
        page = self.handwritten.get(path)
        return page.markdown if page else None

    def _fill_backlinks(self, html_text: str, here: str) -> str:
        if 'data-backlinks="' not in html_text:
            return html_text
        doc_id = html_text.split('data-backlinks="', 1)[1].split('"', 1)[0]
        marker = f'<div class="plan-backlinks" data-backlinks="{doc_id}"></div>'
        places = [(md_to_html_path(p.page), p.title, p.found) for p in self.backlinks.get(doc_id, [])]
        return html_text.replace(marker, render_backlinks(places, here, self.content, self.citables))

    def mark(self, markdown: str, path: str) -> str:
        """A page's Markdown named for plansite.mdext (see PAGE_MARK)."""
        return mark(markdown, path)

    def markdown_extension(self, on_unresolved=None):
        """The Python-Markdown extension that links this site's pages (plansite.mdext)."""
        from .mdext import PlanExtension

        return PlanExtension(site=self, on_unresolved=on_unresolved or "")

    def abandon(self) -> None:
        """The build failed: stop the process making the pending downloads (plansite.ahead)."""
        if self.ahead is not None:
            self.ahead.stop()

    def finish_downloads(self, site_dir: Path) -> None:
        """Make the downloads and QR codes `prepare(defer_downloads=True)` left pending,
        once the generator has built the site into `site_dir`: wait for the process
        making them, make what it did not (failing as a build without it fails), write
        them into the site and put the downloads' sizes where pages and search index
        show PENDING_SIZE."""
        pending = [d for d in self.downloads if d.pending]
        cache = DiskCache(self.root / DEFAULT_DIR)
        # The QR codes first, while the process typesets (it encodes them last). Each takes
        # the other's from the cache; from the other end, so that they meet halfway.
        try:
            for path, code in reversed(self.pending_qr.items()):
                self.static[path] = code.svg(cache)
                _write(site_dir / path, self.static[path])
        except BaseException:
            self.abandon()
            raise
        self.pending_qr = {}
        if self.ahead is not None:
            self.ahead.join()
        if not pending:
            return
        made = {d.path: d for d in build_downloads(self.content, self.root / "templates", cache)}
        sizes = {PENDING_SIZE.format(path=d.path).encode(): made[d.path].size_label.encode() for d in pending}
        for d in pending:
            (site_dir / d.path).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / d.path).write_bytes(made[d.path].data)
            self.static[d.path] = made[d.path].data
        self.downloads = [made[d.path] for d in self.downloads]
        shown = re.compile(b"|".join(re.escape(token) for token in sizes))
        for file in [*site_dir.rglob("*.html"), *site_dir.rglob("*.json")]:
            data = file.read_bytes()
            if PENDING_MARK in data:
                file.write_bytes(shown.sub(lambda found: sizes[found.group(0)], data))

    def cache_folder(self, namespace: str) -> Path | None:
        """A folder of the build cache (None when caching is off: PLANSITE_NO_CACHE)."""
        return DiskCache(self.root / DEFAULT_DIR).path(namespace)

    def name_search_dialog(self, page_html: str) -> str | None:
        """Give the theme's search dialog its accessible name; None when the theme's markup changed."""
        if SEARCH_DIALOG not in page_html:
            return None
        label = _attr(self.content.labels["search_dialog"])
        return page_html.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{label}">', 1)

    # -- the theme's page around the content ---------------------------------

    @staticmethod
    def escape_page_title(page_html: str, title: str) -> str:
        """Re-escape the page title in <title> (the theme un-escapes it)."""
        return escape_page_title(page_html, title)

    def add_editor_link(self, page_html: str, here: str) -> tuple[str, bool]:
        """The footer link to the editors' area; False when the theme's footer markup changed."""
        href = relative(md_to_html_path(EDITOR_HOME), here)
        return add_footer_link(page_html, href, self.content.labels["readers"]["editor_area"])

    def show_error(self, page_html: str, error: str | None) -> str:
        """While previewing a broken save: the problems at the top of the page."""
        head, sep, rest = page_html.partition("<body")
        if not error or not sep:
            return page_html
        tag_end = rest.index(">") + 1
        message = _attr(self.content.labels["preview"]["error"])
        banner = (f'<div class="plan-preview-error" role="alert"><p>{message}</p>'
                  f'<pre>{html.escape(error)}</pre></div>')
        return head + sep + rest[:tag_end] + banner + rest[tag_end:]

    def local_url(self) -> bool:
        """True when short URLs and QR codes would carry a local address."""
        return is_local(self.site_url)

    def local_warning(self, path: str) -> str:
        return local_warning(self.site_url, path)

    # -- after the build -----------------------------------------------------

    def check_permalinks(self, site_dir: Path) -> list[str] | None:
        """Problems with the built site against the manifest (None: no manifest)."""
        if self.manifest is None:
            return None
        relation_types = [r.id for r in self.content.relation_types]
        present = {*element_paths(self.content), *(d.id for d in self.content.documents),
                   *(t.id for t in self.content.terms)}
        return check_manifest(self.manifest, scan_site(Path(site_dir)),
                              {**section_aliases(self.content), **self.aliases}, MANIFEST,
                              page_moves(self.content),
                              lambda page, anchor: study.lost_link(page, anchor, relation_types, present))

    def check_search(self, site_dir: Path) -> list[str]:
        """Pages missing from the built search index (Zensical's search.json or
        MkDocs' search/search_index.json): a page too large for the
        generator's search would silently be unfindable. Pages whose front
        matter keeps them out of search (the editors' area, the trainers' and
        Ôn tập pages) are not looked for."""
        for name in ("search.json", "search/search_index.json"):
            path = Path(site_dir) / name
            if path.exists():
                data = json.loads(path.read_text(encoding="utf-8"))
                break
        else:
            return [f"{site_dir}: no search index"]
        entries = data.get("items", data.get("docs", []))
        indexed = {e["location"].split("#", 1)[0] or "index.html" for e in entries}
        texts = [*((p.path, p.markdown) for p in self.pages.values()),
                 *((p.path, p.markdown) for p in self.handwritten.values())]
        pages = sorted(md_to_html_path(path) for path, markdown in texts if searchable(markdown))
        return [f"{page}: not in the search index — too large for the generator's search? "
                f"split the page or exclude it from search" for page in pages if page not in indexed]

    @staticmethod
    def fold_search(site_dir: Path) -> None:
        """Add the diacritic-free field to MkDocs' search index, when the site has one."""
        path = Path(site_dir) / "search" / "search_index.json"
        if path.exists():
            path.write_text(fold_search_index(path.read_text(encoding="utf-8")), encoding="utf-8")

    # -- for generators that read a folder -----------------------------------

    def write(self, docs_dir: Path, *, marks: bool = True, nav_file: str | None = None) -> None:
        """A complete docs folder: hand-written pages and assets, generated pages, static files.

        With `marks`, each page starts with a comment naming it (PAGE_MARK),
        which plansite.mdext reads and removes; with `nav_file`, the nav is
        written there as a Markdown list. The folder is replaced whole.
        """
        docs_dir = Path(docs_dir)
        if docs_dir.exists():
            shutil.rmtree(docs_dir)
        shutil.copytree(self.root / "docs", docs_dir,
                        ignore=lambda folder, names: [n for n in names if n.endswith(".md")])
        for path, text in [*((p.path, p.markdown) for p in self.handwritten.values()),
                           *((p.path, p.markdown) for p in self.pages.values())]:
            _write(docs_dir / path, mark(text, path) if marks else text)
        for path, data in self.static.items():
            _write(docs_dir / path, data)
        if nav_file:
            _write(docs_dir / nav_file, self.nav_markdown())

    def theme_nav(self) -> list:
        """The nav for a theme that inserts titles as HTML (MkDocs' and Material's
        templates do not autoescape nav titles, and a nav title becomes the
        page's title): every title escaped, here and only here. `nav` itself
        holds plain text (nav_markdown escapes it for Markdown)."""
        return escape_nav(self.nav)

    def nav_markdown(self) -> str:
        """The nav as a Markdown list (the literate-nav format Zensical reads: SUMMARY.md)."""
        titles = {**{p.path: p.title for p in self.pages.values()},
                  **{p.path: p.title for p in self.handwritten.values()}}
        lines: list[str] = []

        def item(entry, depth: int) -> None:
            indent = "    " * depth
            if isinstance(entry, str):
                lines.append(f"{indent}- [{md_escape(titles[entry])}]({entry})")
                return
            for title, value in entry.items():
                if isinstance(value, str):
                    lines.append(f"{indent}- [{md_escape(title)}]({value})")
                else:
                    lines.append(f"{indent}- {md_escape(title)}")
                    for child in value:
                        item(child, depth + 1)

        for entry in self.nav:
            item(entry, 0)
        return "\n".join(lines) + "\n"

    def dump(self, path: Path) -> None:
        """Save the prepared site for a generator's own process (plansite.mdext loads it)."""
        _write(Path(path), pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))


def escape_nav(nav: list) -> list:
    """A MkDocs-style nav with every title HTML-escaped (paths untouched).

    >>> escape_nav([{"A <b>": "a.md"}, {"B & C": ["b.md", {"D'": "d.md"}]}])
    [{'A &lt;b&gt;': 'a.md'}, {'B &amp; C': ['b.md', {'D&#x27;': 'd.md'}]}]
    """
    def entry(item):
        if isinstance(item, dict):
            return {_attr(title): value if isinstance(value, str) else escape_nav(value)
                    for title, value in item.items()}
        return item
    return [entry(item) for item in nav]


def mark(markdown: str, path: str) -> str:
    """A page's Markdown with the comment that names it (path inside docs/, .md),
    after its front matter: the generator reads that off before Python-Markdown."""
    found = FRONT_MATTER.match(markdown)
    at = found.end() if found else 0
    return f"{markdown[:at]}<!-- plansite-page: {path} -->\n{markdown[at:]}"


def searchable(markdown: str) -> bool:
    """False when the page's front matter keeps it out of search (`search: {exclude: true}`)."""
    found = FRONT_MATTER.match(markdown)
    try:
        meta = yaml.safe_load(found.group(1) or "") if found else None
    except yaml.YAMLError:  # the generator reports it
        return True
    search = meta.get("search") if isinstance(meta, dict) else None
    return not (isinstance(search, dict) and search.get("exclude") is True)


def load(path: Path) -> Site:
    with open(path, "rb") as f:
        site = pickle.load(f)
    if not isinstance(site, Site):
        raise TypeError(f"{path} does not hold a prepared site")
    return site


# -----------------------------------------------------------------------------
# Preparing
# -----------------------------------------------------------------------------

def is_publishing(command: str) -> bool:
    """A build to publish: `PLANSITE_PUBLISH=1` (`./run.sh publish`, the Pages workflow) or `mkdocs gh-deploy`."""
    return os.environ.get(PUBLISH_ENV) == "1" or command == "gh-deploy"


def prepare_build(root: Path, site_url: str | None, *, command: str, use_directory_urls: bool,
                  last_good: Site | None = None, stale_downloads: dict[str, bytes] | None = None
                  ) -> tuple[Site, str | None]:
    """`prepare` for a generator's build `command` ("build", "serve", "gh-deploy"):
    (site, None), or — previewing (`serve`) after a good build — (last_good,
    the problems) when content/ is invalid, so the preview keeps the last good
    site and shows why. Raises BuildRefused when nothing may be built.
    """
    publishing = is_publishing(command)
    problem = publish_problem(site_url) if publishing else None
    if problem:
        raise BuildRefused(f"not publishing: {problem}")
    try:
        site = prepare(root, site_url, publishing=publishing,
                       stale_downloads=None if publishing or command != "serve" else stale_downloads,
                       defer_downloads=command != "serve")  # the glue calls finish_downloads
        try:
            site.check_generator(use_directory_urls=use_directory_urls)
        except BaseException:
            site.abandon()  # a refused build leaves no process typesetting for it
            raise
    except ContentError as exc:
        if command != "serve" or last_good is None:
            raise BuildRefused("nothing was built:\n" + report(exc.problems, "")) from None
        return last_good, report(exc.problems, "")
    except ConfigError as exc:
        raise BuildRefused(str(exc)) from None
    return site, None


def prepare(root: Path, site_url: str | None = None, *, cache: DiskCache | None = None,
            publishing: bool = False, stale_downloads: dict[str, bytes] | None = None,
            defer_downloads: bool = False) -> Site:
    """Load content/, render every page and static file, find every citation.

    Raises ContentError (file, line, fix) when content/ or the permalink
    lockfile is invalid, or — `publishing` — when the lockfile is missing.
    `stale_downloads` (a preview): earlier download bytes by path, kept for
    files not yet in the build cache (see downloads.build).
    `defer_downloads` (a generator that calls `finish_downloads` on its built
    site): the downloads typeset in another process are waited for only then.
    """
    root = Path(root)
    cache = DiskCache(root / DEFAULT_DIR) if cache is None else cache
    # Uncached PDFs and QR codes are made in another process meanwhile (plansite.ahead); a
    # preview's PDFs are made later. A fresh clone lacks them all: the process starts at once.
    typesetting = start_early(root, cache) if stale_downloads is None else Ahead()
    looked: list[Download] | None = None  # the downloads as the cache holds them, looked up to decide
    try:
        content = load_content(root / "content", display_root=root, cache=cache)
        manifest = read_lockfile(root, publishing)
        if stale_downloads is None and typesetting.process is None and may_start(root, cache):
            # After an edit: another process only if a PDF or DOCX is not in the cache.
            looked = build_downloads(content, root / "templates", cache, later=True)
            if any(d.pending for d in looked):
                typesetting = start_typesetting(root)
        typesetting.send(content, site_url)
        later = defer_downloads and typesetting.process is not None  # joined in finish_downloads
        pages, nav = render_site(content, root / "templates", site_url, cache)
        # History of content/, plan status and the history page (never fails for lack of git).
        currency = build_currency(root, content, root / "templates", site_url, cache, docs_dir="docs")
        if not later:
            typesetting.join()
        # PDF, DOCX, open data (cached); a preview may keep earlier bytes while they are made (downloads.build)
        if looked is not None and (later or not any(d.pending for d in looked)):
            downloads = looked  # what is pending waits for the process (finish_downloads)
        else:
            downloads = build_downloads(content, root / "templates", cache,
                                        stale=stale_downloads if cache else None, later=later)
        pages.append(data_page(content, root / "templates", downloads, site_url, cache))
        nav.append({pages[-1].title: pages[-1].path})
        pages.append(currency.page)
        nav.append({currency.page.title: HISTORY})
        handwritten = _handwritten(root / "docs")
        for page in pages:
            if page.path in handwritten:
                raise ConfigError(f"docs/{page.path} clashes with a generated page; rename or remove it")
        index = CitationIndex.from_registry(content.documents, content.kinds)
        indexed = {page: parent for parent, members in indexed_pages(content).items() for page in members}
        site = Site(
            root=root,
            site_url=site_url,
            content=content,
            pages={p.path: p for p in pages},
            handwritten=handwritten,
            nav=compact_nav(nav, set(indexed)) + reader_pages(sorted(handwritten)),  # editor pages: footer
            indexed=indexed,
            index=index,
            abbreviations=abbreviations(content),
            aliases=aliases(content),
            citables={u.id: u for u in citables(content)},
            static={},
            backlinks={d.id: [] for d in content.documents},
            manifest=manifest,
            downloads=downloads,
            currency=currency,
            warnings=[f"content/changes.yaml: commit {commit} is not a version that changed content/ — fix the id"
                      for commit in currency.history.unmatched],
        )
        qr_later: dict[str, QrCode] | None = {} if later else None
        site.static = {**static_files(content, site_url, cache, qr_later),
                       **{d.path: d.data for d in downloads if not d.pending},
                       **study.static_files(content, site_url, cache, qr_later), PLAN_DATA: plan_data_js(content),
                       STUDY_DATA: study.progress_data(content)}
        site.pending_qr = qr_later or {}
        if later and not site.pending_qr and not any(d.pending for d in downloads):
            typesetting.stop()  # the cache held everything: the process's work is not needed
        site.ahead = typesetting if later else None
        # Backlinks list reader pages only; an editor page's citations are still checked.
        handwritten_places = [p for page in handwritten.values() for p in _handwritten_places(site, page)]
        places = [*(p for p in handwritten_places if not is_editor_page(p.page)), *plan_places(content, index)]
        for place in places:  # one backlink per place, however often it cites
            known = site.backlinks[place.found.doc_id]
            if not any(k.page == place.page and k.found.anchor == place.found.anchor for k in known):
                known.append(place)
        return site
    except BaseException:  # nothing is left running when the build fails (a success hands it to site.ahead)
        typesetting.stop()
        raise


def indexed_pages(content: m.Content) -> dict[str, list[str]]:
    """The pages the reader's nav leaves out, by the index page that lists them (in its order).

    Documents and units (and their Ôn tập pages) are as many as the registry
    holds: every page's nav listing them would grow with the registry's square
    and give a phone reader a drawer of hundreds of links. They are reached
    from their index pages and search, and lead back with a breadcrumb. So are
    the per-section pages of a plan with more than NAV_SECTIONS_MAX sections.
    """
    sections = content.plan.sections
    out = {DOCUMENTS: [document_path(d.id) for d in content.documents],
           UNITS: [unit_path(u.id) for u in content.units],
           TRAINERS: [], STUDY: [study_unit_path(u.id) for u in content.units]}
    if len(sections) > NAV_SECTIONS_MAX:
        out[HOME] = [section_path(s) for s in sections]
        out[TRAINERS] = [trainers_path(s) for s in sections]
        out[STUDY] = [*(study_section_path(s) for s in sections), *out[STUDY]]
    return out


def compact_nav(nav: list, left_out: set[str]) -> list:
    """The nav without the pages `left_out`; a group left with one page becomes that page.

    >>> compact_nav([{"A": "a.md"}, {"B": ["b.md", "b1.md", "b2.md"]}, {"C": ["c.md", "c1.md", "c2.md"]}],
    ...             {"b1.md", "b2.md", "c2.md"})
    [{'A': 'a.md'}, {'B': 'b.md'}, {'C': ['c.md', 'c1.md']}]
    """
    out: list = []
    for entry in nav:
        if isinstance(entry, str):
            if entry not in left_out:
                out.append(entry)
            continue
        for title, value in entry.items():
            if isinstance(value, str):
                if value not in left_out:
                    out.append({title: value})
                continue
            children = compact_nav(value, left_out)
            if len(children) == 1 and isinstance(children[0], str):
                out.append({title: children[0]})
            elif children:
                out.append({title: children})
    return out


def abbreviations(content: m.Content) -> dict[str, str]:
    """Every written form of a glossary abbreviation -> its expansion."""
    terms = {}
    for term in content.terms:
        if term.abbr:
            for form in (term.term, *term.variants):
                terms[form] = term.expansion
    return terms


def read_lockfile(root: Path, publishing: bool) -> dict | None:
    """The permalink lockfile, None when there is none (an error when publishing)."""
    manifest, problems = read_manifest(root / MANIFEST, MANIFEST)
    if manifest is None and not problems and publishing:
        problems = [Problem(MANIFEST, 1, 1, "the lockfile does not exist, and a publishing build must check that "
                                            "no published link breaks",
                            f"restore it from git (git checkout -- {MANIFEST}); for a new site create it with "
                            f"{INIT_HINT}")]
    if problems:
        raise ContentError(problems)
    return manifest


# -----------------------------------------------------------------------------
# Citations in the content model
# -----------------------------------------------------------------------------

def plan_places(content: m.Content, index: CitationIndex) -> list[Place]:
    """Places of the plan (on its canonical pages) that cite a registered document, in page order.

    A place is the plan element whose text cites; editorial notes are not
    the plan and cite nothing here.
    """
    plan = content.plan
    where = element_paths(content)
    title_of = {**{section_path(s): f"{s.number}. {s.title}" for s in plan.sections},
                "index.md": content.labels["pages"]["home"]}
    out: list[tuple[str, str | None, str]] = []  # (page, anchor or None, text run)

    def block(b: m.Block, page: str) -> None:
        if b.title:
            out.append((page, b.id, f"{b.number}. {b.title}" if b.number else b.title))
            if b.text:
                out.extend((page, b.id, run) for run in _runs(b.text))
        elif b.text:
            # the run ends before the permalink sign, after a space
            runs = _runs(b.text)
            runs[-1] += " "
            out.extend((page, b.id, run) for run in runs)
        for child in b.blocks:
            block(child, page)
        for extra in (b.responsibility, b.timing):
            if extra is not None and extra.text:
                out.append((page, b.id, extra.text))

    # The home page opens with the plan's own title and header.
    header, L = plan.header, content.labels["header"]
    out.append(("index.md", plan.id, content.document_label(content.document(plan.document))))
    if header.number and header.symbol:
        out.append(("index.md", None, f"{L['number']}: {header.number}/{header.symbol}"))
    out.extend(("index.md", None, text) for text in (header.kind, header.subject) if text)
    for b in plan.preamble:
        block(b, where[b.id])
    if plan.recipients:
        for entry in plan.recipients.entries:
            out.append((where[entry.id], entry.id, f"- {entry.text} "))
    for section in plan.sections:
        page = section_path(section)
        out.append((page, section.id, f"{section.number}. {section.title}"))
        for b in section.blocks:
            block(b, page)
        for footnote in plan.footnotes:
            if where[footnote.id] == page:
                for b in footnote.blocks:
                    block(b, page)
    places = []
    counts: dict[tuple[str, str], int] = {}
    for page, anchor, run in out:
        for mention in index.find(run):
            if mention.doc_id is not None and document_path(mention.doc_id) != page:
                target = anchor
                if target is None:  # the link's own id, numbered as the linker numbers it
                    n = counts[page, mention.doc_id] = counts.get((page, mention.doc_id), 0) + 1
                    target = f"trich-dan-{mention.doc_id}-{n}"
                found = Found(mention.doc_id, target, mention.written, excerpt(run, mention.start, mention.end))
                places.append(Place(page, title_of.get(page, page), found))
    return places


def _runs(text: str) -> list[str]:
    """Plan text as the rendered page splits it: a footnote reference ends a run."""
    return [part for i, part in enumerate(m.FOOTNOTE_REF.split(text)) if i % 2 == 0]


# -----------------------------------------------------------------------------
# Citations in hand-written Markdown
# -----------------------------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{:?\s*#([\w-]+)[^}]*\})?\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# Inline spans whose text is not linked (code, links, HTML, autolinks), and
# emphasis markers, which split a paragraph into text runs like its HTML tags.
INLINE = re.compile(r"(`+)(?:.+?)\1|!?\[[^\]]*\]\([^)]*\)|!?\[[^\]]*\]\[[^\]]*\]|<!--.*?-->|<[^>\s][^>]*>"
                    r"|\*\*|__|(?<!\w)[*_]|[*_](?!\w)", re.S)


def _handwritten(docs: Path) -> dict[str, HandwrittenPage]:
    pages = {}
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs).as_posix()
        page = HandwrittenPage(rel, "", path.read_text(encoding="utf-8-sig"))
        title = next((h.group(2) for h in map(HEADING.match, page.prose.splitlines()) if h and h.group(1) == "#"),
                     Path(rel).stem)
        pages[rel] = HandwrittenPage(rel, title, page.markdown)
    return pages


def markdown_runs(text: str) -> Iterator[tuple[int, str | None, str]]:
    """(line, heading id or None, text run) for the prose of a Markdown page.

    Fenced code is skipped, and so are code spans, links and raw HTML inside
    a paragraph; a heading's run carries the id the toc extension gives it.
    """
    lines = text.splitlines()
    fence: str | None = None
    para: list[tuple[int, str]] = []

    def flush() -> Iterator[tuple[int, str | None, str]]:
        if para:
            first = para[0][0]
            joined = "\n".join(line for _, line in para)
            pos = 0
            for span in [*INLINE.finditer(joined), None]:
                end = span.start() if span else len(joined)
                if joined[pos:end].strip():
                    yield first + joined.count("\n", 0, pos), None, joined[pos:end]
                pos = span.end() if span else end
            para.clear()

    for number, line in enumerate(lines, 1):
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1) == fence:
                fence = None
            continue
        if opened:
            yield from flush()
            fence = opened.group(1)
            continue
        heading = HEADING.match(line)
        if heading:
            yield from flush()
            yield number, heading.group(3) or slugify(heading.group(2)), heading.group(2)
        elif not line.strip() or LIST_ITEM.match(line):
            yield from flush()
            if line.strip():
                para.append((number, LIST_ITEM.sub("", line)))
        else:
            para.append((number, line.strip()))
    yield from flush()


def _handwritten_places(site: Site, page: HandwrittenPage) -> Iterator[Place]:
    """The citations of a hand-written page, anchored as the linker anchors them:
    a heading by its id, anything else by the link's own numbered id."""
    counts: dict[str, int] = {}
    for line, heading_id, run in markdown_runs(page.prose):
        for mention in site.index.find(run):
            if mention.doc_id is None:
                site.unresolved.append(Unresolved(f"docs/{page.path}:{line}", mention.written))
                continue
            anchor = heading_id
            if anchor is None:
                counts[mention.doc_id] = counts.get(mention.doc_id, 0) + 1
                anchor = f"trich-dan-{mention.doc_id}-{counts[mention.doc_id]}"
            yield Place(page.path, page.title,
                        Found(mention.doc_id, anchor, mention.written, excerpt(run, mention.start, mention.end)))


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

def _line_of(source: str, written: str) -> int:
    """The first source line that contains `written` (1 when none does)."""
    return next((i + 1 for i, text in enumerate(source.splitlines()) if written in text), 1)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
