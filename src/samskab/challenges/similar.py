"""Similar ideas while typing: a character n-gram index per challenge, kept in process memory.

Building the index for 10,000 ideas takes about a second and a half, so it is built once per
process and then kept in step incrementally: each request compares the challenge's visible idea
ids with the index's and adds or removes only the difference (about a millisecond an idea; see
bench/results/similarity.md). A process-local dict rather than the shared cache, because
deserialising the index costs as much as the query itself.
"""

from __future__ import annotations

import threading
from datetime import datetime

from django.db.models import Count, Max, Q, Sum

from samskab.analysis.similarity import SimilarityIndex
from samskab.challenges.models import Challenge, Idea, Visibility

# (count, sum and largest of the visible ids, latest change to any of the challenge's ideas)
Version = tuple[int, int, int, datetime | None]

_INDEXES: dict[tuple[int, str], tuple[Version, SimilarityIndex]] = {}
_LOCK = threading.Lock()
_MAX_CHALLENGES = 64  # bounded memory per process: drop the oldest index beyond this
_VISIBLE = Q(visibility=Visibility.VISIBLE)
_SPARE = 5  # hits asked for beyond k, so a hit dropped at lookup still leaves k to show


def _text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _synced_index(challenge: Challenge) -> SimilarityIndex:
    """The challenge's index, brought in step with its visible ideas. Call holding _LOCK."""
    ideas = Idea.objects.filter(challenge=challenge)
    visible = ideas.filter(_VISIBLE)
    # A cheap fingerprint (one aggregate); the full id list is read only when it changed. The
    # ids alone cannot tell a hidden idea from a restored one with the same count, sum and
    # largest id, so the latest save of any idea (moderation moves it) is part of it.
    found = ideas.aggregate(
        n=Count("pk", filter=_VISIBLE),
        total=Sum("pk", filter=_VISIBLE),
        newest=Max("pk", filter=_VISIBLE),
        changed=Max("updated_at"),
    )
    version: Version = (found["n"], found["total"] or 0, found["newest"] or 0, found["changed"])
    # The creation time is part of the key, so a new challenge that reuses an old id (a test
    # database, a restored backup) never meets the old challenge's index.
    key = (challenge.pk, challenge.created_at.isoformat())
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    if cached is None:
        index = SimilarityIndex(
            (pk, _text(title, body))
            for pk, title, body in visible.values_list("pk", "title", "body")
        )
        if len(_INDEXES) >= _MAX_CHALLENGES:
            _INDEXES.pop(next(iter(_INDEXES)))
    else:
        index = cached[1]
        current = set(visible.values_list("pk", flat=True))
        known = set(index.ids)
        for pk in known - current:
            index.remove(pk)
        # New ideas, restored ones, and visible ones saved since (their text may have changed).
        since = cached[0][3]
        changed = visible.filter(updated_at__gte=since) if since is not None else visible.none()
        fresh = (current - known) | set(changed.values_list("pk", flat=True))
        if fresh:
            index.add_many(
                (pk, _text(title, body))
                for pk, title, body in visible.filter(pk__in=fresh).values_list(
                    "pk", "title", "body"
                )
            )
    _INDEXES[key] = (version, index)
    return index


def similar_ideas(challenge: Challenge, text: str, k: int = 5) -> list[tuple[Idea, float]]:
    """Up to `k` visible ideas of the challenge like `text`, best first.

    The index is only a cache: whatever it holds (another process moderated, a bulk update
    bypassed `save`), every hit is checked against the ideas visible now, in the same query
    that loads them.
    """
    if len(text.strip()) < 3:
        return []
    # The index caches during a query, so querying holds the lock too (it is not thread-safe).
    with _LOCK:
        hits = _synced_index(challenge).query(text, k=k + _SPARE)
    ideas = (
        Idea.objects.filter(_VISIBLE, challenge=challenge)
        .select_related("municipality")  # each hit links to its idea, whose URL needs the slug
        .in_bulk([pk for pk, _score in hits])
    )
    return [(ideas[pk], score) for pk, score in hits if pk in ideas][:k]
