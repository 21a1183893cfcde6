"""What the big screen shows for the current activity: live results in a fixed number of queries.

Every function here reads a constant number of queries however many answers there are (tested
with `assert_flat_query_count`), because a room's big screens poll every second.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from samskab.analysis.stacey import Zone, ZoneThresholds
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

# The big screen's Stacey chart, in SVG user units. Five cells per axis, one per answer on the
# 1–5 scale; a mean on the 0–1 scale and the zone boundaries are placed so that 0 is the middle
# of the first cell and 1 the middle of the last (the answer 1 is 0, the answer 5 is 1), so a
# cell and the mean of everyone in it are drawn at the same spot. The margins hold the axis
# titles whole at the font sizes below (tested in tests/e2e/test_big_screen.py).
CELL = 80
PLOT = CELL * SCALE_HIGH
LEFT = 64
TOP = 12
RIGHT = 12
BOTTOM = 60
AXIS_FONT = 24
COUNT_FONT = 22
ZONE_FONT = 24
# How many items a board shows at once: as many as fit one projector screen, 1280 × 720 up to
# 1920 × 1080 (the type grows with the screen, so the same number fits both); the rest are
# counted in a "+ K flere" line (tested in tests/e2e/test_big_screen_many.py).
STATEMENTS_SHOWN = 6
IDEAS_SHOWN = 12
ANSWERS_SHOWN = 6


def _top(rows: list[Any], shown: int) -> tuple[list[Any], int]:
    """The first `shown` rows, and how many more there are."""
    return rows[:shown], max(0, len(rows) - shown)


def fit_screen(data: dict[str, Any]) -> dict[str, Any]:
    """The board as one projector screen shows it: the top items of each list that fit, and
    how many more there are ("+ K flere"). The API keeps the whole board (`board`)."""
    data = dict(data)
    if "statements" in data:
        # The statements most people here have answered first; the rest in the order written.
        ranked = sorted(data["statements"], key=lambda s: -s.total)
        data["statements"], data["statements_more"] = _top(ranked, STATEMENTS_SHOWN)
    if "pairwise" in data:
        ideas, more = _top(data["pairwise"]["ideas"], IDEAS_SHOWN)
        data["pairwise"] = {**data["pairwise"], "ideas": ideas, "more": more}
    if "answers" in data:
        data["answers"], data["answers_more"] = _top(data["answers"], ANSWERS_SHOWN)
    return data


ZONE_COLOURS = {
    Zone.TECHNICALLY_RATIONAL: "#dbeafe",
    Zone.POLITICAL: "#fde7d9",
    Zone.JUDGMENTAL: "#e4f3df",
    Zone.COMPLEXITY: "#f6f0d5",
    Zone.CHAOS: "#f3dce6",
}


def _x(unit: float) -> float:
    return round(LEFT + CELL / 2 + unit * (PLOT - CELL), 1)


def _y(unit: float) -> float:
    return round(TOP + CELL / 2 + (1 - unit) * (PLOT - CELL), 1)


def _edge_x(unit: float) -> float:
    """A zone boundary across the agreement axis; 0 and 1 are the plot's edges."""
    return float(LEFT) if unit <= 0 else float(LEFT + PLOT) if unit >= 1 else _x(unit)


def _edge_y(unit: float) -> float:
    return float(TOP + PLOT) if unit <= 0 else float(TOP) if unit >= 1 else _y(unit)


def _label_spot(
    box: tuple[float, float, float, float],
    towards: tuple[float, float],
    outside: list[tuple[float, float, float, float]],
) -> tuple[float, float]:
    """Where a zone's number goes: a grid crossing inside the zone (`box` = x0, y0, x1, y1) and
    outside the `outside` boxes, nearest `towards`. A crossing is a cell's corner, never where
    a cell's circle is, so the number is never hidden under the people's answers."""
    margin = ZONE_FONT * 0.6

    def within(x: float, y: float, b: tuple[float, float, float, float]) -> bool:
        return b[0] + margin <= x <= b[2] - margin and b[1] + margin <= y <= b[3] - margin

    def touches(x: float, y: float, b: tuple[float, float, float, float]) -> bool:
        return b[0] - margin < x < b[2] + margin and b[1] - margin < y < b[3] + margin

    crossings = [
        (float(LEFT + CELL * i), float(TOP + CELL * j))
        for i in range(1, SCALE_HIGH)
        for j in range(1, SCALE_HIGH)
    ]
    fits = [
        (x, y)
        for x, y in crossings
        if within(x, y, box) and not any(touches(x, y, o) for o in outside)
    ]
    if not fits:
        return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    return min(fits, key=lambda p: (p[0] - towards[0]) ** 2 + (p[1] - towards[1]) ** 2)


def _zones(t: ZoneThresholds) -> list[dict[str, Any]]:
    """Zone 4 (the whole square) under the four corner zones, each with its number on the
    chart, so colour is never the only cue."""

    def area(zone: Zone, x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
        return {
            "zone": int(zone),
            "name": complexity_services.zone_name(zone),
            "fill": ZONE_COLOURS[zone],
            "x": x0,
            "y": y0,
            "w": round(x1 - x0, 1),
            "h": round(y1 - y0, 1),
            "box": (x0, y0, x1, y1),
        }

    corners = [
        area(Zone.TECHNICALLY_RATIONAL, _edge_x(t.high), _edge_y(1), _edge_x(1), _edge_y(t.high)),
        area(Zone.POLITICAL, _edge_x(0), _edge_y(1), _edge_x(t.low), _edge_y(t.high)),
        area(Zone.JUDGMENTAL, _edge_x(t.high), _edge_y(t.low), _edge_x(1), _edge_y(0)),
        area(Zone.CHAOS, _edge_x(0), _edge_y(t.chaos), _edge_x(t.chaos), _edge_y(0)),
    ]
    corners = [z for z in corners if z["w"] > 0 and z["h"] > 0]
    whole = area(Zone.COMPLEXITY, LEFT, TOP, LEFT + PLOT, TOP + PLOT)
    outer = {1: (LEFT + PLOT, TOP), 2: (LEFT, TOP), 3: (LEFT + PLOT, TOP + PLOT)}
    outer[5] = (LEFT, TOP + PLOT)
    for z in corners:
        z["label_x"], z["label_y"] = _label_spot(z["box"], outer[z["zone"]], [])
    whole["label_x"], whole["label_y"] = _label_spot(
        whole["box"], (LEFT + PLOT / 2, TOP + PLOT / 2), [z["box"] for z in corners]
    )
    return [whole, *corners]


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
    steps = SCALE_HIGH - 1
    cells = [
        {
            "x": _x((a - 1) / steps),
            "y": _y((c - 1) / steps),
            # Big enough for its number at the count font, at most filling its cell.
            "r": round(COUNT_FONT * 0.75 + (CELL / 2 - 4 - COUNT_FONT * 0.75) * n / most, 1),
            "n": n,
        }
        for (a, c), n in sorted(counts.items())
    ]
    width = LEFT + PLOT + RIGHT
    height = TOP + PLOT + BOTTOM
    data: dict[str, Any] = {
        "n": len(ratings),
        "cells": cells,
        "width": width,
        "height": height,
        "plot": PLOT,
        "left": LEFT,
        "top": TOP,
        "right": LEFT + PLOT,
        "bottom": TOP + PLOT,
        "lines_x": [LEFT + CELL * i for i in range(1, SCALE_HIGH)],
        "lines_y": [TOP + CELL * i for i in range(1, SCALE_HIGH)],
        "mid_x": LEFT + PLOT / 2,
        "mid_y": TOP + PLOT / 2,
        "x_title_y": TOP + PLOT + BOTTOM / 2 + AXIS_FONT / 3,
        "y_title_x": LEFT / 2,
        "axis_font": AXIS_FONT,
        "count_font": COUNT_FONT,
        "zone_font": ZONE_FONT,
        "zones": _zones(thresholds),
    }
    if summary is not None:
        mean = summary.overall.mean
        data.update(
            mean_x=_x(mean.agreement),
            mean_y=_y(mean.certainty),
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
    # Newest named answer first: the room sees its latest answers when not all fit the screen.
    answers = [
        {"text": text, "name": names.get(author, "")} for author, text in reversed(found.shared)
    ]
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
