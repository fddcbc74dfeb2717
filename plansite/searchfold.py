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
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
