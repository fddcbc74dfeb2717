"""Accent folding so diacritic-free queries find Vietnamese text.

Material's search (lunr) has no Vietnamese accent folding. We add a `fold`
field to every entry of the built search index holding the folded title and
text; the field is declared in the index config, so lunr indexes it and
"dan van" matches "dân vận", while accented queries still hit the original.
"""

from __future__ import annotations

import json
import re
import unicodedata

TAGS = re.compile(r"<[^>]+>")


def fold(text: str) -> str:
    """'Đảng dân vận' -> 'Dang dan van': strip combining marks, map đ/Đ."""
    if text.isascii():
        return text
    return text.translate(_FOLDED)


def _fold_char(char: str) -> str:
    # đ/Đ are letters of their own (no decomposition), not d with a mark.
    if char == "đ" or char == "Đ":
        return "d" if char == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _FoldTable(dict):
    """code point -> its folded form, for str.translate; filled on first sight.

    Folding one character at a time gives what folding the whole text gives:
    NFD decomposes each character on its own, and its only cross-character
    step (canonical reordering) moves combining marks among themselves, which
    are dropped anyway. A search index has a few hundred distinct letters, so
    this is a dictionary lookup per character instead of a Unicode database
    query per character of the decomposed text.
    """

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()


def fold_search_index(index_json: str, field: str = "fold") -> str:
    """Add the folded field to every document of a Material search index."""
    data = json.loads(index_json)
    data["config"].setdefault("fields", {}).setdefault(field, {"boost": 1})
    for doc in data["docs"]:
        plain = TAGS.sub(" ", f"{doc.get('title', '')} {doc.get('text', '')}")
        folded = fold(plain)
        # Only store what folding changed; the original field already holds the rest.
        doc[field] = " ".join(w for w in folded.split() if w) if folded != plain else ""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
