"""Turn citations and glossary abbreviations in rendered HTML into links and
tooltips. Pure, like mkdocs-autorefs' `fix_refs`: HTML in, HTML out, plus what
was found and what could not be resolved (left as readable text)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, NamedTuple

from .citations import CitationIndex, excerpt

TOKEN = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z0-9]+)([^>]*?)(/)?\s*>", re.S)
ID_ATTR = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
CLASS_ATTR = re.compile(r"""\bclass\s*=\s*["']([^"']+)["']""")
# Editorial notes are not the plan: citations there are linked but are not backlinks.
NOT_A_PLACE = "plan-note"
# Where nothing is linked or wrapped: code, existing links, scripts, tooltips, SVG.
SKIP = {"a", "code", "pre", "script", "style", "abbr", "svg", "kbd", "samp", "textarea", "title"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track", "param"}
# Elements whose id is a good target for "where this citation is".
BLOCKS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "aside", "blockquote"}


@dataclass(frozen=True)
class Found:
    """A citation found in a page: the document, the anchor to land on, context."""

    doc_id: str
    anchor: str
    written: str
    excerpt: str


@dataclass(frozen=True)
class Unresolved:
    written: str
    excerpt: str


def link_citations(page_html: str, index: CitationIndex, url_for: Callable[[str], str],
                   anchor_prefix: str = "trich-dan") -> tuple[str, list[Found], list[Unresolved]]:
    """Link every citation of a registered document; report unregistered numbers.

    `url_for(doc_id)` gives the href for a document's page, or None on that
    page itself (the citation then stays plain text). A citation inside an
    element with an id is located by that id; elsewhere the link gets an id of
    its own (`{anchor_prefix}-{doc_id}-{n}`) so a backlink can land exactly on it.
    """
    found: list[Found] = []
    missing: list[Unresolved] = []
    counts: dict[str, int] = {}
    out: list[str] = []
    stack: list[_Open] = []
    for token in TOKEN.split(page_html):
        if not token:
            continue
        if token.startswith("<"):
            _track(token, stack)
            out.append(token)
            continue
        if any(el.tag in SKIP for el in stack):
            out.append(token)
            continue
        text = html.unescape(token)
        mentions = index.find(text)
        if not mentions:
            out.append(token)
            continue
        anchor = next((el.id for el in reversed(stack) if el.id and el.tag in BLOCKS), None)
        is_place = not any(f" {NOT_A_PLACE} " in el.classes for el in stack)
        pieces, pos = [], 0
        for mention in mentions:
            pieces.append(html.escape(text[pos: mention.start], quote=False))
            written = html.escape(mention.written, quote=False)
            context = excerpt(text, mention.start, mention.end)
            url = url_for(mention.doc_id) if mention.doc_id else None
            if mention.doc_id is None:
                missing.append(Unresolved(mention.written, context))
                pieces.append(written)
            elif url is None:
                pieces.append(written)
            else:
                own_id = ""
                target = anchor
                if target is None:
                    counts[mention.doc_id] = counts.get(mention.doc_id, 0) + 1
                    target = f"{anchor_prefix}-{mention.doc_id}-{counts[mention.doc_id]}"
                    own_id = f' id="{target}"'
                if is_place:
                    found.append(Found(mention.doc_id, target, mention.written, context))
                pieces.append(f'<a class="plan-cite"{own_id} href="{html.escape(url)}">'
                              f"{written}</a>")
            pos = mention.end
        pieces.append(html.escape(text[pos:], quote=False))
        out.append("".join(pieces))
    return "".join(out), found, missing


def add_abbreviations(page_html: str, terms: dict[str, str]) -> str:
    """Wrap each glossary abbreviation (exact, whole word) in <abbr title=…>."""
    if not terms:
        return page_html
    words = sorted(terms, key=len, reverse=True)
    # Symbols inside document numbers count too (33/CT-TTg, 217-QĐ/TW).
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
    out: list[str] = []
    stack: list[_Open] = []
    for token in TOKEN.split(page_html):
        if not token:
            continue
        if token.startswith("<"):
            _track(token, stack)
            out.append(token)
        elif any(el.tag in SKIP - {"a"} for el in stack):
            out.append(token)
        else:
            # tabindex: keyboard users reach the tooltip too (Material shows it on
            # focus) — except inside a link, which is focusable already.
            tab = "" if any(el.tag == "a" for el in stack) else ' tabindex="0"'
            out.append(pattern.sub(
                lambda mt: f'<abbr title="{html.escape(terms[mt.group(1)])}"{tab}>{mt.group(1)}</abbr>', token))
    return "".join(out)


class _Open(NamedTuple):
    """An element that is open at the current point of the HTML."""

    tag: str
    id: str | None
    classes: str


def _track(token: str, stack: list[_Open]) -> None:
    # Hot path (every tag of every page, twice): closing tags without a regex,
    # attributes searched only when the tag has any.
    if token[1] == "/":
        name = token[2:-1].strip().lower()
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].tag == name:
                del stack[i:]
                break
        return
    if token[1] == "!" or token[-2] == "/":
        return
    match = TAG.match(token)
    if not match:
        return
    closing, name, attrs, selfclose = match.groups()
    name = name.lower()
    if closing:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].tag == name:
                del stack[i:]
                break
    elif not selfclose and name not in VOID:
        ident = ID_ATTR.search(attrs) if "id" in attrs else None
        classes = CLASS_ATTR.search(attrs) if "class" in attrs else None
        stack.append(_Open(name, ident.group(1) if ident else None,
                           f" {classes.group(1)} " if classes else ""))
