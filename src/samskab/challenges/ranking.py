"""The pairwise ranking of a challenge's ideas: fit, store, and choose the next pair to show.

The fit (Bradley–Terry with uncertainty, samskab.analysis.pairwise) runs in a background task
and is stored in `Ranking`; pages read the stored result and never wait for the fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from samskab.analysis.pairwise import PairwiseFit, fit_bradley_terry, next_pair
from samskab.challenges.models import (
    CURRENT_COMPARISON,
    Challenge,
    Comparison,
    Idea,
    Ranking,
    Visibility,
)


def _visible_idea_ids(challenge: Challenge) -> list[int]:
    return list(
        Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def compute_ranking(challenge: Challenge) -> Ranking:
    ids = _visible_idea_ids(challenge)
    index = {pk: i for i, pk in enumerate(ids)}
    rows = [
        (index[left], index[right], choice)
        # Only each person's latest answer per pair: repeating a vote must not weigh more.
        for left, right, choice in Comparison.objects.filter(
            CURRENT_COMPARISON, challenge=challenge
        ).values_list("left_id", "right_id", "choice")
        if left in index and right in index
    ]
    left = np.array([r[0] for r in rows], dtype=np.int64)
    right = np.array([r[1] for r in rows], dtype=np.int64)
    choice = np.array([r[2] for r in rows])
    winners = np.where(choice == Comparison.Choice.RIGHT, right, left)
    losers = np.where(choice == Comparison.Choice.RIGHT, left, right)
    data: list[dict[str, Any]] = []
    if len(ids) >= 2:
        fit = fit_bradley_terry(len(ids), winners, losers, choice == Comparison.Choice.TIE)
        for position, i in enumerate(fit.ranking(), start=1):
            data.append(
                {
                    "idea": ids[i],
                    "position": position,
                    "score": round(float(fit.win_probability[i]), 1),
                    "low": round(float(fit.win_probability_low[i]), 1),
                    "high": round(float(fit.win_probability_high[i]), 1),
                    "theta": float(fit.theta[i]),
                    "variance": float(fit.theta_variance[i]),
                    "comparisons": int(fit.n_comparisons[i]),
                    "needs_more_votes": bool(fit.needs_more_votes[i]),
                }
            )
    with transaction.atomic():
        ranking, _created = Ranking.objects.update_or_create(
            challenge=challenge,
            defaults={
                "municipality": challenge.municipality,
                "computed_at": timezone.now(),
                "n_comparisons": len(rows),
                "data": data,
            },
        )
    return ranking


def _fit_for(ids: list[int], ranking: Ranking | None) -> PairwiseFit:
    """A fit shaped for `next_pair` from the stored ranking; new ideas start uncertain."""
    stored = {row["idea"]: row for row in (ranking.data if ranking else [])}
    n = len(ids)
    theta = np.array([stored.get(pk, {}).get("theta", 0.0) for pk in ids])
    variance = np.array([stored.get(pk, {}).get("variance", 1.0) for pk in ids])
    zeros = np.zeros(n)
    return PairwiseFit(
        score=theta,
        score_low=theta,
        score_high=theta,
        win_probability=zeros,
        win_probability_low=zeros,
        win_probability_high=zeros,
        wins=zeros,
        losses=zeros,
        n_comparisons=np.zeros(n, dtype=np.int64),
        needs_more_votes=np.zeros(n, dtype=bool),
        theta=theta,
        theta_variance=variance,
        covariance=None,
        level=0.95,
        iterations=0,
        converged=True,
    )


def next_pair_for(challenge: Challenge, person: Any) -> tuple[Idea, Idea] | None:
    """The two ideas whose comparison teaches most, not already answered by this person."""
    ids = _visible_idea_ids(challenge)
    if len(ids) < 2:
        return None
    index = {pk: i for i, pk in enumerate(ids)}
    answered = [
        (index[a], index[b])
        for a, b in Comparison.objects.filter(
            CURRENT_COMPARISON, challenge=challenge, person=person
        ).values_list("left_id", "right_id")
        if a in index and b in index
    ]
    ranking = Ranking.objects.filter(challenge=challenge).first()
    rng = np.random.default_rng()
    pair = next_pair(_fit_for(ids, ranking), rng, answered=answered)
    if pair is None:
        return None
    ideas = Idea.objects.in_bulk([ids[pair[0]], ids[pair[1]]])
    return ideas[ids[pair[0]]], ideas[ids[pair[1]]]


def counted_comparisons(challenge: Challenge, person: Any = None) -> int:
    """How many answers the ranking counts (each person's latest per pair of visible ideas, as
    `compute_ranking` does, so the two agree when the ranking is up to date), or one person's."""
    answers = Comparison.objects.filter(
        CURRENT_COMPARISON,
        challenge=challenge,
        left__visibility=Visibility.VISIBLE,
        right__visibility=Visibility.VISIBLE,
    )
    return (answers.filter(person=person) if person is not None else answers).count()


def ranked_rows(ranking: Ranking | None) -> list[dict[str, Any]]:
    """The stored ranking's rows with their ideas, leaving out ideas no longer visible."""
    if ranking is None:
        return []
    ideas = (
        Idea.objects.filter(challenge_id=ranking.challenge_id, visibility=Visibility.VISIBLE)
        .select_related("municipality")  # each row links to its idea, whose URL needs the slug
        .in_bulk([r["idea"] for r in ranking.data])
    )
    return [{**r, "idea": ideas[r["idea"]]} for r in ranking.data if r["idea"] in ideas]
