"""Harmless wording edits of the real content, as an editor makes them: proof
that the code tests do not depend on the plan's wording.

    .venv/bin/python tests/reword.py content    # rewords content/ in place
    .venv/bin/python -m pytest -q -m "not content" tests/...
    git checkout content/                       # never commit the result

Every text of the plan's body (paragraphs, bullets, titles, notes, the
responsibility and timing lines) gets one word more, and every unit a new name
(a word after its first). Paragraphs are re-wrapped, so lines move. Ids,
numbers, labels, citations, dates and kinds stay: what the plan says changes,
not what it is.
Content tests (`-m content`) pin the real wording and are expected to fail.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import _walk, yaml_set, yaml_source

# The parts of plan.yaml that hold the plan's body (the header and the
# recipients hold document facts, not prose).
BODY = ("preamble", "sections", "footnotes")
FIELDS = ("text", "title")  # labels ("Đơn vị thực hiện", a footnote's "1") are the plan's vocabulary
INSERTED = "đồng thời"   # after the comma nearest the middle of a sentence
APPENDED = "nay"         # where there is no comma
UNIT_WORD = "mới"      # after the first word of a unit's name


def reworded(text: str) -> str:
    """`text` with one word more: after its middle comma, or else before its
    final full stop.

    >>> reworded("Một, hai, ba.")
    'Một, hai, đồng thời ba.'
    >>> reworded("Thường xuyên.")
    'Thường xuyên nay.'
    >>> reworded("TỔ CHỨC THỰC HIỆN")
    'TỔ CHỨC THỰC HIỆN NAY'
    """
    inserted, appended = (INSERTED.upper(), APPENDED.upper()) if text.isupper() else (INSERTED, APPENDED)
    commas = [i for i, ch in enumerate(text) if ch == "," and text[i + 1:i + 2] == " "]
    if commas:
        at = min(commas, key=lambda i: abs(i - len(text) / 2)) + 2
        return f"{text[:at]}{inserted} {text[at:]}"
    stem = text.rstrip(".;:")
    return f"{stem} {appended}{text[len(stem):]}"


def reword(content: Path) -> int:
    """Reword the plan and the units' names in `content`; the number of values changed."""
    plan = content / "plan.yaml"
    data = yaml_source(plan).data
    edits = [(value["id"], name, value[name]) for part in BODY for _, value in _walk(data[part], ())
             if isinstance(value, dict) and "id" in value for name in FIELDS if isinstance(value.get(name), str)]
    for ident, name, text in edits:
        yaml_set(plan, ident, name, reworded(text))
    units = content / "units.yaml"
    names = [(u["id"], u["name"]) for u in yaml_source(units).data["units"]]
    for ident, name in names:
        first, _, rest = name.partition(" ")
        yaml_set(units, ident, "name", f"{first} {UNIT_WORD} {rest}".strip())
    return len(edits) + len(names)


if __name__ == "__main__":
    # The folder is named on purpose: rewording the checkout's own content/ by
    # accident would leave edits that must not be committed.
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/reword.py CONTENT_DIR   (a copy's content/, e.g. of a throwaway clone)")
    target = Path(sys.argv[1])
    print(f"{reword(target)} values reworded in {target}")
