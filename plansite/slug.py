"""Heading slugs for hand-written pages: Vietnamese folded to ASCII.

Python-Markdown's default slugify drops "đ" ("Đảng" -> "ang"); this maps it
to "d" first, so "Đảng viên" -> "dang-vien".
"""

from __future__ import annotations

import re

from .searchfold import fold


def slugify(value: str, separator: str = "-") -> str:
    value = fold(value).lower()
    value = re.sub(r"[^a-z0-9\s-]", "", value)
    return re.sub(r"[\s-]+", separator, value).strip(separator)
