"""Imports that run as background tasks: what their report says, and who may read it.

An import page queues the rows (a django_tasks task) and sends the person to a report page
named by the task result's id; the report is the task's return value. Initiatives and
experiments import this way.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from django_tasks.base import TaskResultStatus

_RESULT_ID = re.compile(r"^[0-9a-fA-F-]{1,64}$")

#: The report of an import whose task failed: it says so instead of showing a 500.
FAILED: dict[str, Any] = {"failed": True, "stored": False, "rows": 0, "created": 0, "refused": []}


def report_of(result: Any) -> dict[str, Any] | None:
    """The finished import's report (None while it is still queued)."""
    if not result.is_finished:
        return None
    if result.status != TaskResultStatus.SUCCESSFUL:
        return dict(FAILED)
    return result.return_value  # type: ignore[no-any-return]


def result_for(task: Any, result_id: str, person: Any, municipality: Any) -> Any:
    """The queued import `result_id` of `task`, if `person` started it in `municipality`;
    otherwise (also for an unknown or malformed id) a 404, so no one reads another's report."""
    if not _RESULT_ID.match(result_id):
        raise Http404
    try:
        found = task.get_result(result_id)
    except Exception:  # noqa: BLE001 - an unknown or malformed id is simply not there
        raise Http404 from None
    kwargs = found.kwargs
    if kwargs.get("actor_id") != person.pk or kwargs.get("municipality_id") != municipality.pk:
        raise Http404
    return found
