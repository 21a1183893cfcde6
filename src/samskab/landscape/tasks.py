"""Background work for the landscape (Django's Tasks API).

The task itself, `compute_landscape(municipality_id, start, end, seed=0)`, lives in
`samskab.landscape.services` next to the computation it runs (as the opinion map's recompute
does), so that the services can queue it without an import cycle; it is named here for those
who look for the app's tasks.

`services.request_refresh` (a person) and `services.queue` (the system) mark the run pending
and enqueue it once their transaction commits; with the immediate backend (the tests,
`samskab` run without TASKS_BACKEND) it runs at once. A failure is stored as the run's `error`,
and the previous result is kept.
"""

from __future__ import annotations

from samskab.landscape.services import compute_landscape

__all__ = ["compute_landscape"]
