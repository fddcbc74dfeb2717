"""Vietnamese document numbers ("số, ký hiệu") as a type that parses and formats itself.

Two grammars share one class:

* state documents (Nghị định 30/2020/NĐ-CP): ``NUMBER[/YEAR]/SYMBOL``, the
  symbol being hyphen-joined parts: ``33/CT-TTg``, ``30/2020/NĐ-CP``;
* Party documents: ``NUMBER-TYPE/ISSUER``: ``217-QĐ/TW``, ``08-HD/TU``.

>>> DocNumber.parse("33/CT-TTg")
DocNumber(grammar='state', number='33', year=None, doc_type='CT', issuer='TTg')
>>> str(DocNumber.parse("số 30 / 2020 / NĐ - CP"))
'30/2020/NĐ-CP'
>>> str(DocNumber.parse("217-QĐ/TW"))
'217-QĐ/TW'
>>> DocNumber.parse("03-CT/TU").key == DocNumber.parse("3-CT/TU").key
True
>>> [str(n) for _, _, n in DocNumber.finditer("Chỉ thị số 33/CT-TTg ngày 26/11/2021")]
['33/CT-TTg']
>>> DocNumber.parse("26/11/2021")
Traceback (most recent call last):
...
ValueError: not a document number: '26/11/2021' (expected e.g. 33/CT-TTg, 30/2020/NĐ-CP or 217-QĐ/TW)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

# Uppercase letters of Vietnamese (Latin + every precomposed capital with a diacritic).
_UPPER = "A-ZĐ" + "".join(
    chr(c) for c in range(0xC0, 0x1EFA)
    if unicodedata.category(chr(c)) == "Lu" and unicodedata.name(chr(c), "").startswith("LATIN")
)
_PART = rf"[{_UPPER}][{_UPPER}a-zđ0-9]*"  # TTg, UBND, NĐ, SKHĐT

STATE = re.compile(rf"""
    (?P<number>\d+)                          # số: 33, 4973
    (?:/(?P<year>\d{{4}}))?                  # optional year: /2020
    /(?P<doc_type>{_PART})                   # type or issuing body: CT, UBND, NĐ
    -(?P<issuer>{_PART}(?:-{_PART})*)        # issuer, maybe several parts: TTg, UBND-NCKSTTHC
""", re.X)

PARTY = re.compile(rf"""
    (?P<number>\d+)                          # số: 217, 08
    -(?P<doc_type>{_PART})                   # document type: QĐ, CT, HD, NQ
    /(?P<issuer>{_PART}(?:-{_PART})*)        # issuing body: TW, TU, ĐU-X
""", re.X)

# In prose: no letter/digit glued before, no symbol character right after.
_BOUND_L = r"(?<![\w/\-.])"
_BOUND_R = r"(?![\w/\-])"
SCAN = re.compile(
    _BOUND_L + "(?:" + re.sub(r"\?P<\w+>", "?:", PARTY.pattern) + "|"
    + re.sub(r"\?P<\w+>", "?:", STATE.pattern) + ")" + _BOUND_R, re.X)

_LOOKALIKES = str.maketrans({
    "\u00d0": "Đ", "\u0189": "Đ", "\u00f0": "đ",          # Eth look-alikes of Đ/đ
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2011": "-", "\u2010": "-",
    "\uff0f": "/", "\u2215": "/",
})


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^[Ss]ố\s+", "", text)
    return re.sub(r"\s*([/-])\s*", r"\1", text)


@dataclass(frozen=True)
class DocNumber:
    """A parsed số, ký hiệu.

    grammar: "state" or "party"; number: digits as written ("03");
    year: "2020" or None; doc_type: "CT" in 33/CT-TTg and in 03-CT/TU;
    issuer: "TTg", "UBND-NCKSTTHC", "TW".
    """

    grammar: str
    number: str
    year: str | None
    doc_type: str
    issuer: str

    @classmethod
    def parse(cls, text: str) -> "DocNumber":
        """Parse one number, tolerating stray spaces, dashes, look-alike Đ and a leading "số"."""
        if not isinstance(text, str):
            raise ValueError(f"not a document number: {text!r} (expected text)")
        clean = _normalise(text)
        match = PARTY.fullmatch(clean)
        if match:
            return cls("party", match["number"], None, match["doc_type"], match["issuer"])
        match = STATE.fullmatch(clean)
        if match:
            return cls("state", match["number"], match["year"], match["doc_type"], match["issuer"])
        raise ValueError(f"not a document number: {text!r} "
                         "(expected e.g. 33/CT-TTg, 30/2020/NĐ-CP or 217-QĐ/TW)")

    @classmethod
    def finditer(cls, text: str) -> Iterator[tuple[int, int, "DocNumber"]]:
        """Every number written in prose, with its offsets in `text`."""
        for match in SCAN.finditer(text):
            yield match.start(), match.end(), cls.parse(match.group())

    def __str__(self) -> str:
        if self.grammar == "party":
            return f"{self.number}-{self.doc_type}/{self.issuer}"
        year = f"/{self.year}" if self.year else ""
        return f"{self.number}{year}/{self.doc_type}-{self.issuer}"

    @property
    def key(self) -> tuple:
        """Equal for the same document however it is written (03 = 3, TTg = TTG)."""
        return (self.grammar, int(self.number), self.year,
                unicodedata.normalize("NFC", self.doc_type.upper()),
                unicodedata.normalize("NFC", self.issuer.upper()))
