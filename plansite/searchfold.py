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


# What a reader never searches for: web addresses (short URLs, the local
# preview address in examples), the permalink mark "¶", the copy and "back"
# glyphs. Indexed, "dan van" ranked a page first for the "dan" of a URL.
URL = re.compile(r"\b(?:https?|file)://[^\s<>\"']+")
GLYPHS = re.compile(r"[¶↩↗§]")


def clean(text: str) -> str:
    """Text of a search entry without URLs and permalink glyphs."""
    return re.sub(r"[ \t]{2,}", " ", GLYPHS.sub(" ", URL.sub(" ", text))).strip()


PAIR_JOINER = "_"  # not in the search separator, so a pair stays one token
WORD = re.compile(r"[^\W_]+")


def word_pairs(text: str) -> str:
    """Adjacent words, folded and lower-cased, as single tokens.

    A reader's words in a row ("tiep cong dan") are a phrase; lunr has no
    phrase search, so assets/plan.js also asks for these pairs with a boost.

    >>> word_pairs("Tăng cường công tác tiếp công dân.")
    'tang_cuong cuong_cong cong_tac tac_tiep tiep_cong cong_dan'
    """
    words = WORD.findall(fold(TAGS.sub(" ", text)).lower())
    return " ".join(a + PAIR_JOINER + b for a, b in zip(words, words[1:]))


def fold_search_index(index_json: str, field: str = "fold", title_field: str = "fold_title",
                      pairs_field: str = "pairs") -> str:
    """Clean every entry of a Material search index and add its folded fields.

    `title_field` holds the folded title and weighs like the title (a
    diacritic-free query that names a task finds the task first, as the
    accented query does); `field` holds the folded text and weighs like text.
    A folded field is empty when folding changed nothing: the original field
    already matches. `pairs_field` holds the adjacent word pairs of title and
    text (see word_pairs).
    """
    data = json.loads(index_json)
    fields = data["config"].setdefault("fields", {})
    title_boost = fields.get("title", {}).get("boost", 1)
    text_boost = fields.get("text", {}).get("boost", 1)
    fields.setdefault(title_field, {"boost": title_boost})
    fields.setdefault(field, {"boost": text_boost})
    fields.setdefault(pairs_field, {"boost": title_boost})  # a phrase in the text says as much as a title word
    for doc in data["docs"]:
        for name in ("title", "text"):
            if doc.get(name):
                doc[name] = clean(doc[name])
        doc[title_field] = _folded(doc.get("title", ""))
        doc[field] = _folded(doc.get("text", ""))
        doc[pairs_field] = " ".join(filter(None, (word_pairs(doc.get("title", "")), word_pairs(doc.get("text", "")))))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _folded(html_text: str) -> str:
    plain = TAGS.sub(" ", html_text)
    folded = fold(plain)
    return " ".join(folded.split()) if folded != plain else ""
