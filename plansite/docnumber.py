"""Parse, format and find Vietnamese document numbers ("số, ký hiệu").

Every document the plan cites is identified by its number and symbol, and
cross-references are made by matching those. Two grammars are in use:

* state documents (Nghị định 30/2020/NĐ-CP): ``NUMBER[/YEAR]/SYMBOL``, the
  symbol being hyphen-joined parts: ``33/CT-TTg``, ``4973/UBND-NCKSTTHC``,
  ``30/2020/NĐ-CP``, ``59/2020/QH14``;
* Party documents (Đảng): ``NUMBER-TYPE/ISSUER``: ``217-QĐ/TW``, ``03-CT/TU``.

Numbers come from hand-edited YAML and from PDF extractions, so `parse`
forgives look-alike characters and stray spaces; `finditer` scans prose and
is strict, so that what it reports is exactly the number as written.

>>> n = DocNumber.parse("Số: 30 / 2020 / NÐ – CP")   # Icelandic Ð, en dash
>>> n
DocNumber(grammar='state', number='30', year='2020', symbol='NĐ-CP')
>>> str(n), n.doc_type, n.issuer
('30/2020/NĐ-CP', 'NĐ', 'CP')
>>> p = DocNumber.parse("217-QĐ/TW")
>>> p.grammar, p.number, p.doc_type, p.issuer, str(p)
('party', '217', 'QĐ', 'TW', '217-QĐ/TW')
>>> DocNumber.parse("03-CT/TU").key == DocNumber.parse("3-CT/TU").key
True
>>> DocNumber.parse("26/11/2021")   # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
ValueError: not a document number: '26/11/2021' (expected NUMBER/SYMBOL as in 33/CT-TTg, ...)
>>> text = "Chỉ thị số 33/CT-TTg ngày 26/11/2021 và Quy định 217-QĐ/TW."
>>> [(start, end, str(n)) for start, end, n in DocNumber.finditer(text)]
[(11, 20, '33/CT-TTg'), (49, 58, '217-QĐ/TW')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# --- Characters -------------------------------------------------------------

# Vietnamese uppercase letters: A-Z, Đ, the vowels with a shape mark
# (Ă Â Ê Ô Ơ Ư) and every vowel with each of the five tone marks.
_VOWELS = "AĂÂEÊIOÔƠUƯY"
_TONES = "\u0300\u0301\u0309\u0303\u0323"   # huyền, sắc, hỏi, ngã, nặng
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZĐĂÂÊÔƠƯ" + "".join(
    unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES)
_LOWER = _UPPER.lower()

# Look-alikes that PDF extraction and some keyboards produce.
_LOOKALIKES = {
    "\u00d0": "Đ", "\u0189": "Đ",            # Icelandic Eth, African D
    "\u00f0": "đ", "\u0256": "đ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",   # hyphens, en dash
    "\u2014": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",   # em dash, minus
    "\uff0f": "/", "\u2215": "/", "\u2044": "/",                  # fullwidth, division, fraction slash
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",  # invisible
}
# escaped, to go inside a character class
_DASHES = re.escape("-" + "".join(k for k, v in _LOOKALIKES.items() if v == "-"))
_SLASHES = re.escape("/" + "".join(k for k, v in _LOOKALIKES.items() if v == "/"))
# Combining marks, so that prose in decomposed form (NFD) is still matched.
_MARKS = _TONES + "\u0302\u0306\u031b"    # circumflex, breve, horn

# --- Grammar ----------------------------------------------------------------
# Templates filled in twice (below): once for `parse`, which sees normalised
# text, and once for prose, where look-alike separators are left in place.

_STATE = r"""
    (?P<number> [0-9]+ )                     # số: digits as written, leading zeros kept
    (?: {slash} (?P<year> [0-9]{{4}} ) )?    # năm ban hành, on regulations only: 30/2020/NĐ-CP
    {slash}
    (?P<symbol> {part} (?: {dash} {part} )* )   # ký hiệu: CT-TTg, UBND-NCKSTTHC, NĐ-CP, QH14
"""

_PARTY = r"""
    (?P<number> [0-9]+ )                     # số: digits as written, leading zeros kept
    {dash}
    (?P<doc_type> {part} )                   # tên loại: QĐ, QĐi, CT, NQ, HD, KL
    {slash}
    (?P<issuer> {part} (?: {dash} {part} )* )   # cơ quan ban hành: TW, TU, BTGTW, ĐU-X
"""

# A symbol part starts with a letter and goes on with letters and digits.
# `parse` accepts any case ("33/ct-ttg" is typed often enough); in prose the
# first letter must be uppercase, which keeps "100/ha"-like text out.
_PART_ANY_CASE = f"[{_UPPER}{_LOWER}][{_UPPER}{_LOWER}0-9]*"
_PART_PROSE = f"[{_UPPER}ÐƉ][{_UPPER}{_LOWER}ÐƉðɖ0-9{_MARKS}]*"


def _unnamed(pattern: str) -> str:
    """`pattern` with its named groups made non-capturing, so that both
    grammars, which use the same group names, can sit in one alternation."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_STATE_RE = re.compile(_STATE.format(part=_PART_ANY_CASE, dash="-", slash="/"), re.X)
_PARTY_RE = re.compile(_PARTY.format(part=_PART_ANY_CASE, dash="-", slash="/"), re.X)

_DASH, _SLASH = f"[{_DASHES}]", f"[{_SLASHES}]"
_PROSE_RE = re.compile(
    rf"""
    (?<! [\w{_SLASHES}{_DASHES}] )   # not glued to a word, a date (29/12/2021) or a range (2021-2025)
    (?<! [0-9][.,] )               # nor to a decimal or outline number (1.1, 2,5)
    (?:
        # a state number in prose has a year or a symbol of two parts or more,
        # so that "33/CT - TTg" or "lớp 10/A" are not taken for "33/CT", "10/A"
        (?= [0-9]+ {_SLASH} (?: [0-9]{{4}} {_SLASH} | {_PART_PROSE} {_DASH} {_PART_PROSE} ) )
        {_unnamed(_STATE.format(part=_PART_PROSE, dash=_DASH, slash=_SLASH))}
      | {_unnamed(_PARTY.format(part=_PART_PROSE, dash=_DASH, slash=_SLASH))}
    )
    (?! [\w{_SLASHES}] | [{_DASHES}]\w )   # and the number must end here, not be cut short
    """,
    re.X,
)

_TRANSLATE = str.maketrans(_LOOKALIKES)
_SPACE_AROUND_SEPARATOR = re.compile(r"\s*([/-])\s*")
_LEADING_SO = re.compile(r"^số\s*:?\s*", re.IGNORECASE)   # "số 33/CT-TTg", "Số: 33/CT-TTg"

_EXPECTED = ("expected NUMBER/SYMBOL as in 33/CT-TTg, NUMBER/YEAR/SYMBOL as in 30/2020/NĐ-CP, "
             "or NUMBER-TYPE/ISSUER as in 217-QĐ/TW")


def _normalise(text: str) -> str:
    """Look-alikes replaced, spaces unified and trimmed, leading "số" dropped."""
    text = unicodedata.normalize("NFC", text.translate(_TRANSLATE))
    # NBSP, thin spaces, ideographic space … count as spaces: str.strip() and the
    # patterns' \s take every Unicode space, and a space anywhere else fails the grammar.
    text = _SPACE_AROUND_SEPARATOR.sub(r"\1", text.strip())
    return _LEADING_SO.sub("", text)


@dataclass(frozen=True)
class DocNumber:
    """A document's number and symbol ("số, ký hiệu").

    Fields (build one with `parse`, which checks them):

    grammar
        "state" (33/CT-TTg, 30/2020/NĐ-CP) or "party" (217-QĐ/TW).
    number
        The number's digits as written: "03", "4973".
    year
        "2020" in 30/2020/NĐ-CP; None when not written (always for party).
    symbol
        Everything after the number (and year), separators normalised and
        letter case as written: "CT-TTg", "NĐ-CP"; for party "QĐ/TW".

    `doc_type` and `issuer` split the symbol; `key` is what cross-references
    match on.
    """

    grammar: str
    number: str
    year: str | None
    symbol: str

    @classmethod
    def parse(cls, text: str) -> DocNumber:
        """Parse a number as written in YAML or extracted from a PDF.

        Forgiving about look-alike characters (Ð, en dash, fullwidth slash),
        spaces around separators and at the ends, and a leading "số"; lowercase
        symbols are accepted. Raises ValueError naming `text` otherwise.

        >>> DocNumber.parse(" số 33 / CT - TTg ")
        DocNumber(grammar='state', number='33', year=None, symbol='CT-TTg')
        """
        if not isinstance(text, str):
            raise TypeError(f"document number must be a string, not {type(text).__name__}: {text!r}")
        clean = _normalise(text)
        if m := _STATE_RE.fullmatch(clean):
            return cls("state", m["number"], m["year"], m["symbol"])
        if m := _PARTY_RE.fullmatch(clean):
            return cls("party", m["number"], None, f"{m['doc_type']}/{m['issuer']}")
        raise ValueError(f"not a document number: {text!r} ({_EXPECTED})")

    def __str__(self) -> str:
        """The canonical form: 33/CT-TTg, 30/2020/NĐ-CP, 217-QĐ/TW."""
        if self.grammar == "party":
            return f"{self.number}-{self.symbol}"
        year = f"{self.year}/" if self.year else ""
        return f"{self.number}/{year}{self.symbol}"

    @property
    def doc_type(self) -> str | None:
        """The first symbol part: "CT" in 33/CT-TTg, "QĐ" in 217-QĐ/TW.

        For a công văn (4973/UBND-NCKSTTHC) this is the issuing body, "UBND",
        since công văn carry no type abbreviation. None when the state symbol
        has one part only (laws: 59/2020/QH14; old 115/TTg).
        """
        if self.grammar == "party":
            return self.symbol.split("/", 1)[0]
        head, sep, _ = self.symbol.partition("-")
        return head if sep else None

    @property
    def issuer(self) -> str:
        """The rest of the symbol: "TTg" in 33/CT-TTg, "TW" in 217-QĐ/TW."""
        if self.grammar == "party":
            return self.symbol.split("/", 1)[1]
        return self.symbol.partition("-")[2] or self.symbol

    @property
    def key(self) -> tuple:
        """Equal for the same document however it is written: leading zeros
        and letter case do not count (03-CT/TU = 3-CT/TU, 33/CT-TTG = 33/CT-TTg).
        """
        symbol = unicodedata.normalize("NFC", self.symbol.upper())
        return (self.grammar, int(self.number), self.year, symbol)

    @classmethod
    def finditer(cls, text: str) -> Iterator[tuple[int, int, DocNumber]]:
        """Every document number in prose as (start, end, DocNumber), with
        offsets into `text` as given, in order.

        Strict: no spaces inside the number; each symbol part starts with an
        uppercase letter; a state symbol of one part only counts after a year
        (59/2020/QH14, but not 115/TTg); and the number must stand on its own,
        so dates (29/12/2021), ranges (2021-2025), COVID-19 and 1.1 are not
        taken.
        Trailing punctuation (. , ) ;) is not part of the number.

        >>> [str(n) for _, _, n in DocNumber.finditer("(Quyết định 1415-QĐ/TU, 12/2021/TT-BTC).")]
        ['1415-QĐ/TU', '12/2021/TT-BTC']
        """
        for m in _PROSE_RE.finditer(text):
            try:
                number = cls.parse(m.group())
            except ValueError:
                # decomposed marks that have no precomposed letter (T + acute)
                continue
            yield m.start(), m.end(), number
