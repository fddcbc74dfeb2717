"""Python-Markdown extension: citation links, abbreviation tooltips and backlinks.

Any generator that renders pages with Python-Markdown (MkDocs, Zensical…)
links a prepared site's pages the same way:

    markdown_extensions:
      - plansite.mdext:
          prepared: build/zensical/site.pickle     # written by `python -m plansite prepare`

or, in the generator's own process, `PlanExtension(site=plansite.prepare(root))`.

A page is known by the comment `Site.write` (or `mark`) puts on its first
line, so nothing depends on the generator's page objects. The work itself is
`Site.link`, applied to the finished HTML of the page (after raw HTML is put
back), so generated pages, whose plan text is raw HTML, are linked too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .paths import FULL_TEXT
from .render import cite_attributes
from .site import PAGE_MARK, ConfigError, Site, Unresolved, load, mark  # noqa: F401 - mark: for generators' glue
from .slug import slugify

log = logging.getLogger("plansite")


class PlanExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "site": ["", "a prepared plansite.site.Site"],
            "prepared": ["", "file of a prepared site (Site.dump), when `site` is not given"],
            "on_unresolved": ["", "called with each plansite.site.Unresolved (default: log a warning)"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        site = self.getConfig("site") or _load_cached(self.getConfig("prepared"))
        report = self.getConfig("on_unresolved") or _warn
        _own_toc(md, site)
        page = _PagePreprocessor(md)
        # Before whitespace normalisation (30): the mark is the page's first line.
        md.preprocessors.register(page, "plansite_page", 35)
        # After every other treeprocessor: from here on the postprocessors see the whole page,
        # not the inner HTML of a heading that toc renders for its entries.
        md.treeprocessors.register(_TreeDone(md, page), "plansite_tree_done", -100)
        # After attr_list (8) gave headings their ids: citable headings get their citation.
        md.treeprocessors.register(_CiteHeadings(md, site, page), "plansite_cite_headings", 7)
        # Last: after raw HTML (30) and footnotes (25) are in place.
        md.postprocessors.register(_LinkPostprocessor(md, site, page, report), "plansite_link", 1)


def makeExtension(**kwargs) -> PlanExtension:  # noqa: N802 - Python-Markdown's entry point
    return PlanExtension(**kwargs)


# -----------------------------------------------------------------------------
# Processors
# -----------------------------------------------------------------------------

class _PagePreprocessor(Preprocessor):
    """Reads and removes the page mark; `path` is None for Markdown that is no page of the site."""

    path: str | None = None
    # Python-Markdown's toc runs the postprocessors on each heading's inner HTML
    # (for its entries' names and slugs): the page is linked and decorated only
    # once the tree is done, on the whole page.
    tree_done: bool = False

    def run(self, lines: list[str]) -> list[str]:
        self.path = None
        self.tree_done = False
        if lines:
            found = PAGE_MARK.fullmatch(lines[0] + "\n")
            if found:
                self.path = found.group(1)
                return lines[1:]
        return lines


class _TreeDone(Treeprocessor):
    def __init__(self, md: Markdown, page: _PagePreprocessor):
        super().__init__(md)
        self.page = page

    def run(self, root):
        self.page.tree_done = True


class _CiteHeadings(Treeprocessor):
    """data-cite and data-href on the headings of generated pages that are
    citable elements (on their canonical page and in the full text). Set on the
    tree, so the serializer escapes them: in a heading's attr_list
    (`{#id data-cite="…"}`) the citation's text would be read as Markdown and
    attr_list syntax."""

    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self, md: Markdown, site: Site, page: _PagePreprocessor):
        super().__init__(md)
        self.site, self.page = site, page

    def run(self, root):
        if self.page.path not in self.site.pages:
            return
        for el in root.iter():
            citable = self.site.citables.get(el.get("id", "")) if el.tag in self.HEADINGS else None
            # On its canonical page, or in the plan's full text (the same ids, copied).
            if citable is not None and self.page.path in (citable.page, FULL_TEXT) and el.get("data-cite") is None:
                for name, value in cite_attributes(citable, self.page.path).items():
                    el.set(name, value)


class _LinkPostprocessor(Postprocessor):
    def __init__(self, md: Markdown, site: Site, page: _PagePreprocessor,
                 report: Callable[[Unresolved], None]):
        super().__init__(md)
        self.site, self.page, self.report = site, page, report

    def run(self, text: str) -> str:
        if self.page.path is None or not self.page.tree_done:
            return text
        text, unresolved = self.site.link(text, self.page.path)
        for problem in unresolved:
            self.report(problem)
        return text


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

_LOADED: dict[tuple[str, float], Site] = {}


def _load_cached(path: str) -> Site:
    """The prepared site in `path`, read once per process (a generator makes a
    Markdown instance per page)."""
    if not path:
        raise ValueError("plansite.mdext needs `site` or `prepared` (run `python -m plansite prepare`)")
    key = (os.path.abspath(path), os.path.getmtime(path))
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load(Path(path))
    return _LOADED[key]


def _own_toc(md: Markdown, site: Site) -> None:
    """Heading ids and permalink titles are the site's, whatever the generator's
    defaults: plansite.slug decides the ids (hand-written pages' backlinks land
    on them), the labels file the title."""
    toc = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None
    if toc is None:
        raise ConfigError("plansite.mdext must come after the toc extension in markdown_extensions")
    toc.slugify = slugify
    toc.permalink_title = site.content.labels["permalink"]


def _warn(problem: Unresolved) -> None:
    log.warning(str(problem))
