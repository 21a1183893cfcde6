"""Background work for challenges (Django Tasks API)."""

from __future__ import annotations

from django.core.cache import cache
from django_scopes import scope, scopes_disabled
from django_tasks import task

from samskab.challenges.models import Challenge


@task()
def recompute_ranking(challenge_id: int) -> int:
    from samskab.challenges.ranking import compute_ranking

    cache.delete(f"ranking-pending:{challenge_id}")
    # A worker has no request and so no municipality yet: look the challenge up first.
    with scopes_disabled():
        challenge = Challenge.objects.select_related("municipality").get(pk=challenge_id)
    with scope(municipality=challenge.municipality):
        return compute_ranking(challenge).n_comparisons
