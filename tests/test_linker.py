"""The pure HTML linker: citations become links, abbreviations get tooltips."""

from __future__ import annotations

import pytest

from plansite.citations import CitationIndex
from plansite.docnumber import DocNumber
from plansite.linker import add_abbreviations, link_citations

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
