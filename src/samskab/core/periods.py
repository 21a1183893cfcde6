"""Periods of whole local days, as the landscape's read functions (`landscape_activity`) use them.

A period runs from the start of its first day to the end of its last, in the site's time zone
(Europe/Copenhagen), so an idea posted at 00:30 Danish time on the 1st belongs to the 1st even
though it is still the 31st in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware datetimes `[from, until)` covering the local days `start` to `end` inclusive;
    filter with `field__gte=from, field__lt=until`."""
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    return since, until


def within(field: str, start: date, end: date) -> dict[str, datetime]:
    """Filter keyword arguments for `field` falling on the local days `start` to `end`."""
    since, until = bounds(start, end)
    return {f"{field}__gte": since, f"{field}__lt": until}


def day(moment: datetime) -> date:
    """The local day of an aware datetime."""
    return timezone.localdate(moment)


def known(person_id: Any, is_active: Any) -> int | None:
    """The person to name in the landscape: None for an account that is nobody (a workshop guest,
    a deleted person), whose acts count for the arena but never for a person."""
    return person_id if person_id is not None and is_active else None
