"""Dates as plans write them: d/m/yyyy, m/yyyy (tháng 12/2025) or yyyy (năm 2025).

>>> real_date("29/12/2021"), real_date("12/2025"), real_date("2025"), real_date("31/2/2025")
(True, True, True, False)
"""

from __future__ import annotations

import datetime as dt


def real_date(text: str) -> bool:
    """True when the (partial) date exists in the calendar; a typo stays in the wording only."""
    try:
        parts = [int(x) for x in text.split("/")]
    except ValueError:
        return False
    if not 1 <= len(parts) <= 3:
        return False
    d, m, y = ([1, 1] + parts)[-3:]
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True
