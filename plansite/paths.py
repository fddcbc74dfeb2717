"""Where every page and plan element lives in the built site.

One place decides the paths; pages, links, short URLs and the manifest all ask here.
"""

from __future__ import annotations

import posixpath

from . import model as m

# Pages are page.html, not page/ (they must work opened from a folder, file://).
# Generators are checked against this at startup (Site.check_generator).
USE_DIRECTORY_URLS = False

HOME = "index.md"
FULL_TEXT = "toan-van.md"
DOCUMENTS = "van-ban/index.md"
UNITS = "don-vi/index.md"
SCHEDULE = "tien-do.md"
GLOSSARY = "thuat-ngu.md"
TRAINERS = "giang-vien.md"
# Ôn tập (plansite/study.py): the whole-plan self-check, the trainers' quiz.
STUDY = "on-tap/index.md"
STUDY_HANDOUT = "on-tap/phat-tay.md"
STUDY_KEY = "on-tap/dap-an.md"
STUDY_TRAINERS = "on-tap/giang-vien.md"
STUDY_CSV = "on-tap/cau-hoi.csv"

# Editor and developer pages (hand-written, docs/bien-tap/): linked from the
# footer, kept out of the reader's navigation, search and backlinks.
EDITOR_DIR = "bien-tap/"
EDITOR_HOME = EDITOR_DIR + "huong-dan-bien-tap.md"
# Hand-written pages that moved: old built page -> new built page (the old
# address becomes a redirect page and stays in the permalink manifest).
MOVED_PAGES = {
    "huong-dan-bien-tap.html": "bien-tap/huong-dan-bien-tap.html",
    "hieu-nang.html": "bien-tap/hieu-nang.html",
}


def is_editor_page(path: str) -> bool:
    """True for pages of the editors' area (docs/bien-tap/…), .md or .html."""
    return path.startswith(EDITOR_DIR)


def reader_pages(paths: list[str]) -> list[str]:
    """The hand-written pages that belong in the reader's navigation."""
    return [p for p in paths if not is_editor_page(p)]


def trainers_path(section: m.Section) -> str:
    """The per-section trainers' handout."""
    return f"giang-vien/{section.id}.md"


def section_path(section: m.Section) -> str:
    return f"muc/{section.id}.md"


def document_path(doc_id: str) -> str:
    return f"van-ban/{doc_id}.md"


def unit_path(unit_id: str) -> str:
    return f"don-vi/{unit_id}.md"


def study_section_path(section: m.Section) -> str:
    return f"on-tap/muc/{section.id}.md"


def study_unit_path(unit_id: str) -> str:
    return f"on-tap/don-vi/{unit_id}.md"


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
    marked: dict[str, str] = {}  # footnote -> the first block whose text marks it (one pass, not one per footnote)
    for b in plan.walk():
        for ref in m.FOOTNOTE_REF.findall(b.text or ""):
            marked.setdefault(ref, b.id)
    for footnote in plan.footnotes:
        page = where[marked[footnote.id]] if footnote.id in marked else HOME
        where[footnote.id] = page
        for block in footnote.blocks:
            put(block, page)
    if plan.recipients:
        for entry in plan.recipients.entries:
            where[entry.id] = HOME
    return where


