"""Similar ideas while typing: a character n-gram index per challenge, kept in the cache.

The index (samskab.analysis.similarity) is built once per challenge and version of its ideas
(count and newest id), so a person typing costs one cache read and one query per keystroke pause.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Max

from samskab.analysis.similarity import SimilarityIndex
from samskab.challenges.models import Challenge, Idea, Visibility


def _index(challenge: Challenge) -> SimilarityIndex:
    visible = Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE)
    version = visible.aggregate(n=Count("pk"), newest=Max("pk"))
    key = f"similar:{challenge.pk}:{version['n']}:{version['newest']}"
    blob = cache.get(key)
    if blob is not None:
        return SimilarityIndex.from_bytes(blob)
    index = SimilarityIndex(
        (pk, f"{title}\n{body}") for pk, title, body in visible.values_list("pk", "title", "body")
    )
    cache.set(key, index.to_bytes(), timeout=3600)
    return index


def similar_ideas(challenge: Challenge, text: str, k: int = 5) -> list[tuple[Idea, float]]:
    if len(text.strip()) < 3:
        return []
    hits = _index(challenge).query(text, k=k)
    ideas = Idea.objects.in_bulk([pk for pk, _score in hits])
    return [(ideas[pk], score) for pk, score in hits if pk in ideas]
