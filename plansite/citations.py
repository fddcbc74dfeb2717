"""Find the places where text cites a registered document.

A citation is an edge of the content graph: (place in the plan or a page) →
document. This module only finds them in plain text; `linker` turns them into
links inside HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .docnumber import DocNumber


@dataclass(frozen=True)
class Mention:
    """A span of text that cites a document; `doc_id` is None when unregistered."""

    start: int
    end: int
    written: str
    doc_id: str | None


class CitationIndex:
    """Maps document numbers and citing phrases to document ids.

    `kind_names` are the document kinds as prose writes them ("Chỉ thị"); a
    kind word and "số" before a number are taken into the mention so the whole
    phrase "Chỉ thị số 33/CT-TTg" becomes the link.
    """

    def __init__(self, numbers: dict[tuple, str], phrases: dict[str, str],
                 kind_names: Iterable[str]):
        self.numbers = numbers
        self.phrases = phrases
        names = sorted({unicodedata.normalize("NFC", n) for n in kind_names}, key=len, reverse=True)
        kinds = "|".join(re.escape(n) for n in names) or r"(?!x)x"
        # kind word (any case), optional "số", right before the number
        self._prefix = re.compile(rf"(?:\b(?:{kinds})\s+)?(?:số\s+)?$", re.IGNORECASE)
        self._phrase_re = (
            re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
            if phrases else None
        )

    @classmethod
    def from_registry(cls, documents, kinds) -> CitationIndex:
        """The index for registered documents (model.Document) and kinds."""
        numbers = {n.key: d.id for d in documents for n in (d.number, *d.also_numbered) if n is not None}
        phrases = {p: d.id for d in documents for p in d.cited_as}
        return cls(numbers, phrases, [k.name for k in kinds])

    def find(self, text: str) -> list[Mention]:
        mentions: list[Mention] = []
        for start, end, number in DocNumber.finditer(text):
            prefix = self._prefix.search(text, max(0, start - 40), start)
            if prefix and prefix.start() < start:
                start = prefix.start()
            mentions.append(Mention(start, end, text[start:end], self.numbers.get(number.key)))
        if self._phrase_re:
            taken = [(m.start, m.end) for m in mentions]
            for match in self._phrase_re.finditer(text):
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    mentions.append(Mention(match.start(), match.end(), match.group(),
                                            self.phrases[match.group()]))
        return sorted(mentions, key=lambda m: m.start)


def excerpt(text: str, start: int, end: int, width: int = 70) -> str:
    """The cited span with about `width` characters either side, cut at words."""
    left = text[max(0, start - width): start]
    right = text[end: end + width]
    if start - width > 0:
        left = "…" + left.split(" ", 1)[-1]
    if end + width < len(text):
        right = right.rsplit(" ", 1)[0] + "…"
    return " ".join((left + text[start:end] + right).split())
