"""A plain date as Compose gives it to a container: go-yaml v3 reads `2024-01-01` (and a
date with a time) as a timestamp, which Compose spells as Go's `time.Time.String()`."""

from __future__ import annotations

import re

# go-yaml's formats: a date, then a time after `T` or `t` with a zone (`Z` or `+hh:mm`), or
# after spaces with none. Go takes one or two digits for everything but the year.
_TIMESTAMP = re.compile(
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:[Tt](?P<time>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?)"
    r"(?P<zone>Z|[-+][0-9]{2}:[0-9]{2}))"
    r"| +(?P<local>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?))?$"
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(month: int, year: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _DAYS[month - 1]


def timestamp_text(text: str) -> str | None:
    """Compose's text for a plain timestamp (`2024-01-01 00:00:00 +0000 UTC`), or None when
    go-yaml does not read `text` as one. A zone offset of zero is named UTC, as it is where
    Compose runs in UTC (its name elsewhere depends on the machine's zone)."""
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(month, year):
        return None
    clock = match["time"] or match["local"] or "0:0:0"
    hms, _, fraction = clock.replace(",", ".").partition(".")
    hour, minute, second = (int(part) for part in hms.split(":"))
    if hour > 23 or minute > 59 or second > 59:
        return None
    zone = match["zone"] or "Z"
    minutes = 0 if zone == "Z" else int(zone[1:3]) * 60 + int(zone[4:6])
    if int(zone[4:6] or 0) > 60 or minutes >= 24 * 60:
        return None  # an offset Go refuses, or one Compose cannot write (a day or more)
    if minutes == 0:
        spelled_zone = "+0000 UTC"
    else:
        offset = f"{zone[0]}{minutes // 60:02d}{minutes % 60:02d}"
        spelled_zone = f"{offset} {offset}"
    nanoseconds = fraction[:9].ljust(9, "0").rstrip("0")
    seconds = f"{second:02d}" + (f".{nanoseconds}" if nanoseconds else "")
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{seconds} {spelled_zone}"
