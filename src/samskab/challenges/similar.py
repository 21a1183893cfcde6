"""Similar ideas while typing: a character n-gram index per challenge, kept in process memory.

Building the index for 10,000 ideas takes about a second and a half, so it is built once per
process and then kept in step incrementally: each request compares the challenge's visible idea
ids with the index's and adds or removes only the difference (about a millisecond an idea; see
bench/results/similarity.md). A process-local dict rather than the shared cache, because
deserialising the index costs as much as the query itself.
"""

from __future__ import annotations

import threading

from django.db.models import Count, Max, Sum

from samskab.analysis.similarity import SimilarityIndex
from samskab.challenges.models import Challenge, Idea, Visibility

_INDEXES: dict[tuple[int, str], tuple[tuple[int, int, int], SimilarityIndex]] = {}
_LOCK = threading.Lock()
_MAX_CHALLENGES = 64  # bounded memory per process: drop the oldest index beyond this


def _text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _synced_index(challenge: Challenge) -> SimilarityIndex:
    """The challenge's index, brought in step with its visible ideas. Call holding _LOCK."""
    visible = Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE)
    # A cheap fingerprint of the visible set (one index-only aggregate); the full id list is
    # read only when it changed.
    found = visible.aggregate(n=Count("pk"), total=Sum("pk"), newest=Max("pk"))
    version = (found["n"], found["total"] or 0, found["newest"] or 0)
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
        added = current - known
        if added:
            index.add_many(
                (pk, _text(title, body))
                for pk, title, body in Idea.objects.filter(pk__in=added).values_list(
                    "pk", "title", "body"
                )
            )
    _INDEXES[key] = (version, index)
    return index


def similar_ideas(challenge: Challenge, text: str, k: int = 5) -> list[tuple[Idea, float]]:
    if len(text.strip()) < 3:
        return []
    # The index caches during a query, so querying holds the lock too (it is not thread-safe).
    with _LOCK:
        hits = _synced_index(challenge).query(text, k=k)
    ideas = Idea.objects.in_bulk([pk for pk, _score in hits])
    return [(ideas[pk], score) for pk, score in hits if pk in ideas]
