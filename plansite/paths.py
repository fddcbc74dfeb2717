"""Where every page and plan element lives in the built site.

One place decides the paths; pages, links, short URLs and the manifest all ask here.
"""

from __future__ import annotations

import posixpath

from . import model as m

HOME = "index.md"
FULL_TEXT = "toan-van.md"
DOCUMENTS = "van-ban/index.md"
UNITS = "don-vi/index.md"
SCHEDULE = "tien-do.md"
GLOSSARY = "thuat-ngu.md"
TRAINERS = "giang-vien.md"


def section_path(section: m.Section) -> str:
    return f"muc/{section.id}.md"


def document_path(doc_id: str) -> str:
    return f"van-ban/{doc_id}.md"


def unit_path(unit_id: str) -> str:
    return f"don-vi/{unit_id}.md"


def md_to_html_path(path: str) -> str:
    """The built file for a page (directory URLs are off for file:// use)."""
    return path[: -len(".md")] + ".html"


def relative(target: str, page: str) -> str:
    """Link from `page` to `target` (both site paths, .md or .html; target may
    carry #fragment), relative so the site works from any folder or host."""
    target_path, _, fragment = target.partition("#")
    link = _relpath(target_path, posixpath.dirname(page)) if target_path else ""
    return link + (f"#{fragment}" if fragment else "")


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for site paths, without its os.getcwd() per call
    (thousands of links per build); the working directory cancels out as
    long as both paths stay inside the site, which site paths always do."""
    parts = [p for p in posixpath.normpath(path).split("/") if p != "."]
    base = [p for p in posixpath.normpath(start or ".").split("/") if p != "."]
    if path.startswith("/") or start.startswith("/") or parts[:1] == [".."] or base[:1] == [".."]:
        raise ValueError(f"not a path inside the site: {path!r} from {start!r}")
    common = 0
    for a, b in zip(parts, base):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


def element_paths(content: m.Content) -> dict[str, str]:
    """Canonical page of every plan element id (and every moved_from alias)."""
    plan = content.plan
    where: dict[str, str] = {}

    def put(block: m.Block, page: str) -> None:
        for b in block.walk():
            for ident in (b.id, *b.moved_from):
                where[ident] = page
            for extra in (b.responsibility, b.timing):
                if extra is not None:
                    where[extra.id] = page

    for block in plan.preamble:
        put(block, HOME)
    for section in plan.sections:
        page = section_path(section)
        for ident in (section.id, *section.moved_from):
            where[ident] = page
        for extra in (section.responsibility, section.timing):
            if extra is not None:
                where[extra.id] = page
        for block in section.blocks:
            put(block, page)
    for footnote in plan.footnotes:
        page = next((where[b.id] for b in plan.walk() if b.text and f"[^{footnote.id}]" in b.text), HOME)
        where[footnote.id] = page
        for block in footnote.blocks:
            put(block, page)
    if plan.recipients:
        for entry in plan.recipients.entries:
            where[entry.id] = HOME
    return where


