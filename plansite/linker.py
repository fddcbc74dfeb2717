"""Turn citations and glossary abbreviations in rendered HTML into links and
tooltips. Pure, like mkdocs-autorefs' `fix_refs`: HTML in, HTML out, plus what
was found and what could not be resolved (left as readable text)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .citations import CitationIndex, excerpt

TOKEN = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z0-9]+)([^>]*?)(/)?\s*>", re.S)
ID_ATTR = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
CLASS_ATTR = re.compile(r"""\bclass\s*=\s*["']([^"']+)["']""")
# Editorial notes are not the plan: citations there are linked but are not backlinks.
NOT_A_PLACE = "plan-note"
# Where nothing is linked or wrapped: code, existing links, scripts, tooltips, SVG.
# Quiz questions and options (label, legend) too: a link or tooltip there would give the answer away.
SKIP = {"a", "code", "pre", "script", "style", "abbr", "svg", "kbd", "samp", "textarea", "title", "label", "legend"}
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


def link_citations(page_html: str, index: CitationIndex, url_for: Callable[[str], str | None],
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
    # Text that cites nothing: the same runs ("\n", "; ", a repeated label)
    # recur all over a page, and `index.find` depends on the text alone.
    plain: set[str] = set()
    for token, where in _texts(page_html, out, stack):
        if where is not _FREE or token in plain:
            out.append(token)
            continue
        text = html.unescape(token)
        mentions = index.find(text)
        if not mentions:
            plain.add(token)
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
    pattern = _abbreviation_pattern(tuple(terms))
    # A text run is delimited by "<" and ">", which are not word characters, so
    # a whole word in a run is one in the page too: no match anywhere, nothing
    # to wrap. A page ending in a bare "<" still goes the long way (and fails
    # in _tag as it always has).
    if not page_html.endswith("<") and pattern.search(page_html) is None:
        return page_html

    # tabindex: keyboard users reach the tooltip too (Material shows it on
    # focus) — except inside a link, which is focusable already.
    def focusable(mt: re.Match) -> str:
        return f'<abbr title="{html.escape(terms[mt.group(1)])}" tabindex="0">{mt.group(1)}</abbr>'

    def in_link(mt: re.Match) -> str:
        return f'<abbr title="{html.escape(terms[mt.group(1)])}">{mt.group(1)}</abbr>'

    out: list[str] = []
    for token, where in _texts(page_html, out, []):
        if where is _FREE:
            out.append(pattern.sub(focusable, token))
        elif where is _IN_LINK:
            out.append(pattern.sub(in_link, token))
        else:
            out.append(token)
    return "".join(out)


@lru_cache(maxsize=8)
def _abbreviation_pattern(words: tuple[str, ...]) -> re.Pattern:
    # One glossary per build, one call per page: compile it once. Longest
    # first, so that of two abbreviations starting at the same place the
    # longer one wins.
    ordered = sorted(words, key=len, reverse=True)
    # Symbols inside document numbers count too (33/CT-TTg, 217-QĐ/TW).
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)")


class _Open(NamedTuple):
    """An element that is open at the current point of the HTML."""

    tag: str
    id: str | None
    classes: str


# Where a text run is: outside every SKIP element, inside links only (and no
# other SKIP element), or inside some other SKIP element.
_FREE, _IN_LINK, _SKIPPED = "free", "in-link", "skipped"


def _texts(page_html: str, out: list[str], stack: list[_Open]) -> Iterator[tuple[str, str]]:
    """Each text run of the page with where it is (_FREE, _IN_LINK, _SKIPPED).

    Tags and comments go straight to `out`; `stack` holds the open elements
    at the yielded run. Rather than scanning the stack for every run, keep the
    position of the outermost open link and of the outermost other SKIP
    element: closing an element at position i closes everything above it, so
    such a position is still open exactly when it is below i.
    """
    tags, emit = _TAGS, out.append
    link_at: int | None = None
    other_at: int | None = None
    for token in TOKEN.split(page_html):
        if not token:
            continue
        if token[0] == "<":
            op = tags[token]
            emit(token)
            if op is None:
                continue
            if op.__class__ is _Open:
                if op.tag in SKIP:
                    if op.tag == "a":
                        if link_at is None:
                            link_at = len(stack)
                    elif other_at is None:
                        other_at = len(stack)
                stack.append(op)
                continue
            # a closing tag: close the innermost open element of that name and
            # everything opened inside it (an unmatched one closes nothing)
            i = len(stack) - 1
            while i >= 0 and stack[i].tag != op:
                i -= 1
            if i >= 0:
                del stack[i:]
                if link_at is not None and link_at >= i:
                    link_at = None
                if other_at is not None and other_at >= i:
                    other_at = None
        elif other_at is not None:
            yield token, _SKIPPED
        elif link_at is not None:
            yield token, _IN_LINK
        else:
            yield token, _FREE


def _tag(token: str) -> _Open | str | None:
    """What a tag does: opens an element (_Open), closes the innermost one of
    a name (str), or nothing (None: void, self-closing, comment, not a tag)."""
    # Closing tags without a regex, attributes searched only when the tag has any.
    if token[1] == "/":
        return token[2:-1].strip().lower()
    if token[1] == "!" or token[-2] == "/":
        return None
    match = TAG.match(token)
    if not match:
        return None
    closing, name, attrs, selfclose = match.groups()
    name = name.lower()
    if closing:
        return name
    if selfclose or name in VOID:
        return None
    ident = ID_ATTR.search(attrs) if "id" in attrs else None
    classes = CLASS_ATTR.search(attrs) if "class" in attrs else None
    return _Open(name, ident.group(1) if ident else None, f" {classes.group(1)} " if classes else "")


class _TagCache(dict):
    """token -> _tag(token), parsed on first sight.

    Hot path: every tag of every page, twice (links, then abbreviations). A
    site's pages are built from a few hundred distinct tags (<p>, </li>,
    <span class="…">), so most are looked up, not parsed. Bounded, since ids
    make some tags unique.
    """

    def __missing__(self, token: str) -> _Open | str | None:
        if len(self) >= 4096:
            self.clear()
        op = self[token] = _tag(token)
        return op


_TAGS = _TagCache()
