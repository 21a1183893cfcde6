"""What the big screen shows for the current activity: live results in a fixed number of queries.

Every function here reads a constant number of queries however many answers there are (tested
with `assert_flat_query_count`), because a room's big screens poll every second.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from samskab.challenges.models import CURRENT_COMPARISON, Comparison, Idea
from samskab.challenges.models import Visibility as IdeaVisibility
from samskab.complexity import services as complexity_services
from samskab.complexity.models import SCALE_HIGH, Rating
from samskab.opinions import services as opinion_services
from samskab.reflection import services as reflection_services
from samskab.workshops.models import (
    Activity,
    ActivityKind,
    LiveSession,
    WorkshopParticipant,
    reflection_origin,
)

CELL = 80
PAD = 50


def stacey(activity: Activity) -> dict[str, Any]:
    ratings = list(
        Rating.objects.filter(round_id=activity.assessment_round_id).only(
            "agreement", "certainty", "role"
        )
    )
    thresholds = complexity_services.thresholds_for(activity.municipality_id)
    summary = complexity_services.summarise(ratings, thresholds)
    counts: dict[tuple[int, int], int] = {}
    for r in ratings:
        counts[(r.agreement, r.certainty)] = counts.get((r.agreement, r.certainty), 0) + 1
    most = max(counts.values(), default=1)
    cells = [
        {
            "x": PAD + (a - 1) * CELL + CELL / 2,
            "y": PAD + (SCALE_HIGH - c) * CELL + CELL / 2,
            "r": round(8 + 28 * n / most, 1),
            "n": n,
        }
        for (a, c), n in sorted(counts.items())
    ]
    data: dict[str, Any] = {
        "n": len(ratings),
        "cells": cells,
        "size": PAD * 2 + CELL * SCALE_HIGH,
        "plot": CELL * SCALE_HIGH,
        "pad": PAD,
        "lines": [PAD + CELL * i for i in range(1, SCALE_HIGH)],
        "mid": PAD + CELL * SCALE_HIGH / 2,
    }
    if summary is not None:
        mean = summary.overall.mean
        data.update(
            mean_x=round(PAD + mean.agreement * CELL * SCALE_HIGH, 1),
            mean_y=round(PAD + (1 - mean.certainty) * CELL * SCALE_HIGH, 1),
            agreement=round(mean.agreement * 100),
            certainty=round(mean.certainty * 100),
            zone=int(summary.overall.zone),
            zone_name=complexity_services.zone_name(summary.overall.zone),
        )
    return data


def statements(activity: Activity, session: LiveSession) -> dict[str, Any]:
    """Votes from this workshop's participants only: the room sees its own answers move."""
    people = WorkshopParticipant.objects.filter(session=session).values("person_id")
    here = Q(votes__participant__person_id__in=people)
    rows = list(
        opinion_services.votable_statements(activity.conversation)
        .annotate(
            agree=Count("votes", filter=here & Q(votes__value=1)),
            disagree=Count("votes", filter=here & Q(votes__value=-1)),
            passed=Count("votes", filter=here & Q(votes__value=0)),
        )
        .order_by("created_at", "id")
        .only("text")
    )
    for s in rows:
        total = s.agree + s.disagree + s.passed
        s.total = total
        s.agree_pct = round(100 * s.agree / total) if total else 0
        s.disagree_pct = round(100 * s.disagree / total) if total else 0
        s.pass_pct = 100 - s.agree_pct - s.disagree_pct if total else 0
    return {"statements": rows}


def pairwise(activity: Activity, session: LiveSession) -> dict[str, Any]:
    """Wins and losses from this workshop's participants only."""
    people = WorkshopParticipant.objects.filter(session=session).values("person_id")
    tally: dict[int, list[int]] = {}
    n = 0
    for left, right, choice, count in (
        # Only each person's current answer to a pair: a changed answer is not a win and a loss.
        Comparison.objects.filter(
            CURRENT_COMPARISON, challenge_id=session.challenge_id, person_id__in=people
        )
        .values("left_id", "right_id", "choice")
        .annotate(n=Count("id"))
        .values_list("left_id", "right_id", "choice", "n")
    ):
        n += count
        for pk in (left, right):
            tally.setdefault(pk, [0, 0])
        if choice == Comparison.Choice.LEFT:
            tally[left][0] += count
            tally[right][1] += count
        elif choice == Comparison.Choice.RIGHT:
            tally[right][0] += count
            tally[left][1] += count
    ideas = list(
        Idea.objects.filter(
            challenge_id=session.challenge_id, visibility=IdeaVisibility.VISIBLE
        ).only("title")
    )
    rows = []
    for idea in ideas:
        wins, losses = tally.get(idea.pk, [0, 0])
        rows.append(
            {
                "title": idea.title,
                "wins": wins,
                "losses": losses,
                # All Our Ideas' score: the chance to beat a random other idea.
                "score": round(100 * (wins + 1) / (wins + losses + 2)),
            }
        )
    rows.sort(key=lambda r: (-r["score"], r["title"]))
    return {"ideas": rows, "n": n}


def reflection(activity: Activity, session: LiveSession) -> dict[str, Any]:
    """The answers given in this workshop activity, and nothing else of the reflection room:
    shared ones with the name the participant chose to show, anonymous ones without."""
    found = reflection_services.workshop_answers(
        activity.reflection_session_id, activity.prompt_index, reflection_origin(activity)
    )
    names = dict(
        WorkshopParticipant.objects.filter(session=session).values_list("person_id", "pseudonym")
    )
    answers = [{"text": text, "name": names.get(author, "")} for author, text in found.shared]
    # Anonymous entries carry no time; their random ids give an order that says nothing.
    answers += [{"text": text, "name": ""} for text in found.anonymous]
    return {"answers": answers, "prompt": found.prompt}


def prompt_text(prompt: Any) -> str:
    if isinstance(prompt, dict):
        return str(prompt.get("text") or prompt.get("question") or prompt.get("title") or "")
    return str(prompt)


def board(session: LiveSession) -> dict[str, Any]:
    """Everything the big-screen fragment shows. `session` comes with `current` selected."""
    activity = session.current
    data: dict[str, Any] = {
        "activity": activity,
        "n_participants": WorkshopParticipant.objects.filter(session=session).count(),
    }
    if activity is None:
        return data
    if activity.kind == ActivityKind.STACEY:
        data["stacey"] = stacey(activity)
    elif activity.kind == ActivityKind.STATEMENTS:
        data.update(statements(activity, session))
    elif activity.kind == ActivityKind.PAIRWISE:
        data["pairwise"] = pairwise(activity, session)
    elif activity.kind == ActivityKind.REFLECTION:
        found = reflection(activity, session)
        data["answers"] = found["answers"]
        data["prompt"] = prompt_text(found["prompt"])
    return data
