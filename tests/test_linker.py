"""The pure HTML linker: citations become links, abbreviations get tooltips."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata

import pytest
from hypothesis import example, given, settings, strategies as st

from plansite.citations import CitationIndex, excerpt
from plansite.docnumber import DocNumber
from plansite.linker import SKIP, TAG, TOKEN, VOID, add_abbreviations, link_citations
from plansite.searchfold import fold

INDEX = CitationIndex(
    {DocNumber.parse("33/CT-TTg").key: "ct-33-ttg", DocNumber.parse("217-QĐ/TW").key: "qd-217-tw"},
    {"Kế hoạch cải cách hành chính năm 2022": "kh-cchc-2022"},
    ["Chỉ thị", "Quyết định", "Kế hoạch"],
)


def url(doc_id: str) -> str:
    return f"../van-ban/{doc_id}.html"


@pytest.mark.parametrize("html,expected", [
    # the kind word and "số" are part of the link
    ('<p id="a">Theo Chỉ thị số 33/CT-TTg ngày 26/11/2021.</p>',
     '<p id="a">Theo <a class="plan-cite" href="../van-ban/ct-33-ttg.html">Chỉ thị số 33/CT-TTg</a> ngày 26/11/2021.</p>'),
    # lower-case kind and bare number
    ('<p id="a">quyết định 217-QĐ/TW và 33/CT-TTg</p>',
     '<p id="a"><a class="plan-cite" href="../van-ban/qd-217-tw.html">quyết định 217-QĐ/TW</a> và '
     '<a class="plan-cite" href="../van-ban/ct-33-ttg.html">33/CT-TTg</a></p>'),
    # never inside code or an existing link
    ('<p>Gõ <code>33/CT-TTg</code> hoặc <a href="x.html">Chỉ thị 33/CT-TTg</a></p>',
     '<p>Gõ <code>33/CT-TTg</code> hoặc <a href="x.html">Chỉ thị 33/CT-TTg</a></p>'),
    ('<pre><code>number: 33/CT-TTg</code></pre>', '<pre><code>number: 33/CT-TTg</code></pre>'),
    # a document without a number, cited by its phrase
    ('<li id="b">Thực hiện Kế hoạch cải cách hành chính năm 2022 của Sở</li>',
     '<li id="b">Thực hiện <a class="plan-cite" href="../van-ban/kh-cchc-2022.html">'
     'Kế hoạch cải cách hành chính năm 2022</a> của Sở</li>'),
])
def test_link_citations(html, expected):
    out, _, missing = link_citations(html, INDEX, url)
    assert out == expected
    assert missing == []


def test_citation_is_located_by_the_nearest_element_with_an_id():
    _, found, _ = link_citations('<div id="II-1"><ul><li id="II-1-a">Chỉ thị số 33/CT-TTg</li></ul></div>',
                                 INDEX, url)
    assert [(f.doc_id, f.anchor) for f in found] == [("ct-33-ttg", "II-1-a")]


def test_citation_without_an_enclosing_id_gets_its_own_anchor():
    out, found, _ = link_citations("<p>Một: 33/CT-TTg.</p><p>Hai: 33/CT-TTg.</p>", INDEX, url)
    assert [f.anchor for f in found] == ["trich-dan-ct-33-ttg-1", "trich-dan-ct-33-ttg-2"]
    assert 'id="trich-dan-ct-33-ttg-2"' in out


def test_unregistered_number_stays_text_and_is_reported_once_per_mention():
    out, found, missing = link_citations("<p>Theo Chỉ thị số 99/CT-TTg.</p>", INDEX, url)
    assert out == "<p>Theo Chỉ thị số 99/CT-TTg.</p>"
    assert found == []
    assert [m.written for m in missing] == ["Chỉ thị số 99/CT-TTg"]


def test_citations_in_editorial_notes_are_linked_but_are_not_places():
    out, found, _ = link_citations('<aside class="admonition plan-note" id="n"><p>Xem 33/CT-TTg</p></aside>',
                                   INDEX, url)
    assert 'href="../van-ban/ct-33-ttg.html"' in out
    assert found == []


def test_no_link_where_url_for_says_none():
    out, found, missing = link_citations("<p>33/CT-TTg</p>", INDEX, lambda doc_id: None)
    assert out == "<p>33/CT-TTg</p>" and found == [] and missing == []


def test_text_is_escaped_safely():
    out, _, _ = link_citations("<p>a &lt;b&gt; 33/CT-TTg &amp; c</p>", INDEX, url)
    assert out.startswith("<p>a &lt;b&gt; <a ") and out.endswith("</a> &amp; c</p>")


@pytest.mark.parametrize("html,expected", [
    ("<p>UBND tỉnh</p>", '<p><abbr title="Ủy ban nhân dân" tabindex="0">UBND</abbr> tỉnh</p>'),
    ("<p>Sở KHĐT, UBNDX</p>", "<p>Sở KHĐT, UBNDX</p>"),              # whole words only
    ("<p><code>UBND</code></p>", "<p><code>UBND</code></p>"),        # not in code
    ('<p title="UBND">x</p>', '<p title="UBND">x</p>'),              # not in attributes
    ("<p>33/CT-TTg</p>", '<p>33/CT-<abbr title="Thủ tướng" tabindex="0">TTg</abbr></p>'),  # symbols in numbers too
    ("<p>33/CT-TTgx</p>", "<p>33/CT-TTgx</p>"),
    ('<p><a href="x">33/CT-TTg</a></p>',                               # a link is focusable already
     '<p><a href="x">33/CT-<abbr title="Thủ tướng">TTg</abbr></a></p>'),
])
def test_add_abbreviations(html, expected):
    assert add_abbreviations(html, {"UBND": "Ủy ban nhân dân", "TTg": "Thủ tướng"}) == expected


# -----------------------------------------------------------------------------
# The fast paths change nothing: compared with the straightforward versions
# -----------------------------------------------------------------------------

TERMS = {"UBND": "Ủy ban nhân dân", "TTg": "Thủ tướng", "CT": "Chỉ thị & <x>"}


def reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _reference_track(token, stack):
    # (tag, id, classes) entries, parsed from scratch for every tag
    if token[1] == "/":
        name = token[2:-1].strip().lower()
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
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
            if stack[i][0] == name:
                del stack[i:]
                break
    elif not selfclose and name not in VOID:
        ident = re.search(r"""\bid\s*=\s*["']([^"']+)["']""", attrs)
        classes = re.search(r"""\bclass\s*=\s*["']([^"']+)["']""", attrs)
        stack.append((name, ident.group(1) if ident else None, f" {classes.group(1)} " if classes else ""))


def reference_link_citations(page_html, index, url_for, anchor_prefix="trich-dan"):
    found, missing, counts, out, stack = [], [], {}, [], []
    blocks = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section",
              "aside", "blockquote"}
    for token in TOKEN.split(page_html):
        if not token:
            continue
        if token.startswith("<"):
            _reference_track(token, stack)
            out.append(token)
            continue
        text = html_lib.unescape(token)
        mentions = [] if any(tag in SKIP for tag, _, _ in stack) else index.find(text)
        if not mentions:
            out.append(token)
            continue
        anchor = next((i for tag, i, _ in reversed(stack) if i and tag in blocks), None)
        is_place = not any(" plan-note " in classes for _, _, classes in stack)
        pieces, pos = [], 0
        for m in mentions:
            pieces.append(html_lib.escape(text[pos: m.start], quote=False))
            written = html_lib.escape(m.written, quote=False)
            context = excerpt(text, m.start, m.end)
            url = url_for(m.doc_id) if m.doc_id else None
            if m.doc_id is None:
                missing.append((m.written, context))
                pieces.append(written)
            elif url is None:
                pieces.append(written)
            else:
                own_id, target = "", anchor
                if target is None:
                    counts[m.doc_id] = counts.get(m.doc_id, 0) + 1
                    target = f"{anchor_prefix}-{m.doc_id}-{counts[m.doc_id]}"
                    own_id = f' id="{target}"'
                if is_place:
                    found.append((m.doc_id, target, m.written, context))
                pieces.append(f'<a class="plan-cite"{own_id} href="{html_lib.escape(url)}">{written}</a>')
            pos = m.end
        pieces.append(html_lib.escape(text[pos:], quote=False))
        out.append("".join(pieces))
    return "".join(out), found, missing


def reference_add_abbreviations(page_html, terms):
    words = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
    out, stack = [], []
    for token in TOKEN.split(page_html):
        if not token:
            continue
        if token.startswith("<"):
            _reference_track(token, stack)
            out.append(token)
        elif any(tag in SKIP - {"a"} for tag, _, _ in stack):
            out.append(token)
        else:
            tab = "" if any(tag == "a" for tag, _, _ in stack) else ' tabindex="0"'
            out.append(pattern.sub(
                lambda mt, tab=tab: f'<abbr title="{html_lib.escape(terms[mt.group(1)])}"{tab}>{mt.group(1)}</abbr>', token))
    return "".join(out)


def outcome(f, *args):
    try:
        return f(*args)
    except Exception as exc:  # noqa: BLE001 — malformed HTML must fail the same way, too
        return type(exc)


# Pieces of HTML that exercise the tracking: nesting, unclosed and stray end
# tags, case, odd spacing, void and self-closing tags, comments, ids, classes.
TAGS = [
    "<p>", "</p>", '<p id="a">', "<li id='b'>", "</li>", "<ul>", "</ul>", "<div>", "</div >",
    '<aside class="admonition plan-note" id="n">', "</aside>", '<div class="x plan-note">',
    '<a href="x.html">', "</a>", "<A HREF='y'>", "</A>", "< /a>", "</a foo>", "< a>",
    "<code>", "</code>", "<pre>", "</pre>", "<abbr>", "</abbr>", "<svg>", "</svg>", "<kbd>",
    "<br>", "<br/>", "<p/>", "<div / >", "<hr>", "<img src='a'>", '<id="z">', "<h2 id=x>",
    "<!-- 33/CT-TTg -->", "<!DOCTYPE html>", "<?xml?>",
]
TEXTS = [
    "UBND", "TTg", "CT", "UBNDX", "33/CT-TTg", "Chỉ thị số ", "217-QĐ/TW", "99/CT-TTg",
    "Kế hoạch cải cách hành chính năm 2022", " ", "\n", "x", "&amp;", "&lt;", "&#39;", ". ",
]
# Not quite HTML: a "<" swallows what follows up to the next ">" into a tag.
ODD = st.one_of(st.sampled_from(["<", ">", "<3 ", "<>"]), st.text(max_size=3))


@st.composite
def pages(draw):
    part = st.one_of(st.sampled_from(TAGS), st.sampled_from(TEXTS), st.sampled_from(TAGS),
                     st.sampled_from(TEXTS), ODD)
    return "".join(draw(st.lists(part, max_size=40)))


def url_or_none(doc_id: str) -> str | None:
    return None if doc_id == "qd-217-tw" else f"../van-ban/{doc_id}.html?a=1&b=2"


@settings(max_examples=400, deadline=None)
@given(pages())
@example('<p id="a"><a href="x">33/CT-TTg</a> 33/CT-TTg <code>x</a> 33/CT-TTg</code> 33/CT-TTg</p>')
@example("<p>33/CT-TTg</p><")
@example('<a href="x"><a href="y">33/CT-TTg</a> 33/CT-TTg</a> <code><kbd>x</kbd> 33/CT-TTg</code> 33/CT-TTg')
def test_link_citations_matches_the_straightforward_version(page):
    new = outcome(link_citations, page, INDEX, url_or_none)
    old = outcome(reference_link_citations, page, INDEX, url_or_none)
    if isinstance(old, tuple):
        out, found, missing = new
        new = (out, [(f.doc_id, f.anchor, f.written, f.excerpt) for f in found],
               [(m.written, m.excerpt) for m in missing])
    assert new == old


@settings(max_examples=400, deadline=None)
@given(pages())
@example('<p><a href="x">UBND <code>TTg</a> UBND</code> TTg</p> CT')
@example("<p>nothing here</p><")
@example('<a href="x"><a href="y">UBND</a> UBND</a> <code><kbd>x</kbd> UBND</code> <a>UBND</a> CT')
def test_add_abbreviations_matches_the_straightforward_version(page):
    assert outcome(add_abbreviations, page, TERMS) == outcome(reference_add_abbreviations, page, TERMS)
    # the compiled pattern is cached by the terms, in their order
    reordered = dict(reversed(TERMS.items()))
    assert outcome(add_abbreviations, page, reordered) == outcome(reference_add_abbreviations, page, reordered)


# Vietnamese letters, precomposed and decomposed, marks on their own (also
# stacked and out of canonical order), đ/Đ, and characters whose decomposition
# is several characters or keeps a non-combining part (Hangul, ligatures, ǅ).
VIETNAMESE = st.sampled_from(list("ĐđẢảÂâẬậƯưỚớỆệỹỸaAeoy ") + [
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u031b", "\u0306", "\u0345",
    "\u034f", "a\u0323\u0302", "a\u0302\u0323", "\u1ec7", "\uac00", "\ufb01", "\u01c5", "\u2126",
    "\u0344", "\u0f73", "\u1e9b\u0323", "Ð", "\u0189",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.characters(), VIETNAMESE, st.integers(0, 0x10FFFF).map(chr))).map("".join))
def test_fold_matches_folding_the_whole_text(text):
    assert fold(text) == reference_fold(text)


def test_fold_keeps_text_without_marks_and_folds_decomposed_input():
    assert fold("33/CT-TTg, 2021") == "33/CT-TTg, 2021"
    assert fold(unicodedata.normalize("NFD", "Đảng dân vận")) == "Dang dan van"
    assert fold("\u034f\u0301") == "\u034f"   # the grapheme joiner is not a combining mark


# -----------------------------------------------------------------------------
# How a tag is read (the parser under both passes, without its cache)
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("token, reads", [
    ("</p>", "p"),
    ("</LI >", "li"),                      # closing: the name, lower case, spaces dropped
    ("</blockquote>", "blockquote"),
    ("<p>", ("p", None, "")),
    ("<P>", ("p", None, "")),
    ('<li id="II-1">', ("li", "II-1", "")),
    ("<div class='plan-note admonition'>", ("div", None, " plan-note admonition ")),
    ('<section class="a" id="x">', ("section", "x", " a ")),
    ('<span title="Mục">', ("span", None, "")),  # attributes but neither id nor class
    ("<br>", None), ("<BR>", None), ("<img src=x>", None), ("<hr>", None),   # void
    ("<p/>", None), ("<span />", None),   # self-closing
    ("<!-- 33/CT-TTg -->", None), ("<!DOCTYPE html>", None),
    ("<3>", ("3", None, "")),
])
def test_a_tag_opens_closes_or_does_nothing(token, reads):
    from plansite.linker import _Open, _tag
    assert _tag(token) == (_Open(*reads) if isinstance(reads, tuple) else reads)


def test_the_tag_cache_is_bounded():
    from plansite.linker import _TagCache
    cache = _TagCache()
    for i in range(4096):
        assert cache[f'<p id="{i}">'].id == str(i)
    assert len(cache) == 4096
    assert cache['<p id="new">'].id == "new" and len(cache) == 1   # full: emptied, then the new tag


def test_an_inline_id_does_not_locate_a_citation():
    """Only a block (p, li, td, …) is a place to land on: an id on a span is not."""
    out, found, _ = link_citations('<p><span id="s">Chỉ thị số 33/CT-TTg</span></p>', INDEX, url)
    assert [f.anchor for f in found] == ["trich-dan-ct-33-ttg-1"]
    assert '<a class="plan-cite" id="trich-dan-ct-33-ttg-1"' in out


def test_url_for_is_asked_only_about_registered_documents():
    urls = {"ct-33-ttg": "../van-ban/ct-33-ttg.html"}
    out, found, missing = link_citations("<p>33/CT-TTg và 99/CT-TTg</p>", INDEX, urls.__getitem__)
    assert [f.doc_id for f in found] == ["ct-33-ttg"] and [m.written for m in missing] == ["99/CT-TTg"]


def test_quotes_and_markup_characters_around_a_citation_stay_as_written():
    page = "<p id=\"q\">“Chỉ thị 33/CT-TTg” &amp; 'x' \"y\" &lt;b&gt;</p>"
    out, _, _ = link_citations(page, INDEX, url)
    assert out == ('<p id="q">“<a class="plan-cite" href="../van-ban/ct-33-ttg.html">Chỉ thị 33/CT-TTg</a>” '
                   "&amp; 'x' \"y\" &lt;b&gt;</p>")
