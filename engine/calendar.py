"""Working days: weekdays that are not an algemeen erkende feestdag.

Algemene termijnenwet (BWBR0002448) art. 3 lid 1: Nieuwjaarsdag, tweede Paas- en
Pinksterdag, beide Kerstdagen, Hemelvaartsdag, the day the King's birthday is celebrated, and
5 May; art. 3 lid 2: Goede Vrijdag is treated the same. Koningsdag is 27 April, or 26 April
when the 27th is a Sunday (since 2014). Days made equal by royal decree every three years
(art. 3 lid 3, such as the Friday after Ascension) are not included: they are published per
period and not in our sources (VERIFY before relying on a deadline near those days).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=512)
def holidays(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = dt.date(year, 4, 26)
    return frozenset(
        {
            dt.date(year, 1, 1),
            easter - dt.timedelta(days=2),  # Goede Vrijdag
            easter + dt.timedelta(days=1),  # tweede Paasdag
            kings_day,
            dt.date(year, 5, 5),
            easter + dt.timedelta(days=39),  # Hemelvaartsdag
            easter + dt.timedelta(days=50),  # tweede Pinksterdag
            dt.date(year, 12, 25),
            dt.date(year, 12, 26),
        }
    )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The date `count` working days after `start` (the start day itself is not counted)."""
    if count < 0:
        raise ValueError("count working days forward only")
    day = start
    remaining = int(count)
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
