"""When the support team is at work, from one readable setting.

`NAHBAR_OFFICE_HOURS="mon-fri 09:00-17:00; sat 10:00-14:00"` in `NAHBAR_TIMEZONE`; empty
means always. Outside these hours customers who ask for a person can leave a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class OfficeHoursError(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    spans: tuple[tuple[int, time, time], ...]  # (weekday, opens, closes); closes 24:00 as time.max
    zone: ZoneInfo
    text: str = ""

    @classmethod
    def parse(cls, text: str, timezone: str = "Europe/Berlin") -> "OfficeHours":
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise OfficeHoursError(f"unknown time zone {timezone!r} (e.g. Europe/Berlin, UTC)") from exc
        spans: list[tuple[int, time, time]] = []
        for part in filter(None, (p.strip().lower() for p in text.split(";"))):
            if part == "always":
                continue
            match = _SPAN.match(part)
            if not match:
                raise OfficeHoursError(f"cannot read {part!r}; write e.g. 'mon-fri 09:00-17:00; sat 10:00-14:00'")
            days, h1, m1, h2, m2 = match.groups()
            opens, closes = _clock(int(h1), int(m1), part), _clock(int(h2), int(m2), part)
            if closes <= opens:
                raise OfficeHoursError(f"in {part!r} the closing time is not after the opening time")
            for day in _days(days, part):
                spans.append((day, opens, closes))
        return cls(tuple(spans), zone, text.strip())

    @property
    def always(self) -> bool:
        return not self.spans

    def is_open(self, at: datetime) -> bool:
        if self.always:
            return True
        local = at.astimezone(self.zone)
        now = local.time()
        return any(day == local.weekday() and opens <= now < closes for day, opens, closes in self.spans)

    def describe(self) -> Optional[str]:
        return None if self.always else f"{self.text} ({self.zone.key})"


def _clock(hour: int, minute: int, part: str) -> time:
    if hour == 24 and minute == 0:
        return time.max
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise OfficeHoursError(f"{part!r} has an impossible time")
    return time(hour, minute)


def _days(spec: str, part: str) -> list[int]:
    result: list[int] = []
    for item in spec.split(","):
        first, _, last = item.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise OfficeHoursError(f"{part!r} names an unknown day; use {', '.join(DAYS)}")
        start, end = DAYS.index(first), DAYS.index(last or first)
        result.extend(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return result
