"""Open data per challenge, without personal data: no names, emails or account ids.

People appear only as numbers local to one export ("deltager 3"), so votes can be analysed
without anyone being identified.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from samskab.challenges.models import (
    CURRENT_COMPARISON,
    Challenge,
    Comment,
    Comparison,
    Idea,
    Ranking,
    Visibility,
)
from samskab.core.exports import neutralise_cell

CSV_TABLES = {
    "ideer.csv": "ideas",
    "kommentarer.csv": "comments",
    "sammenligninger.csv": "comparisons",
    "rangering.csv": "ranking",
}


def challenge_data(challenge: Challenge) -> dict[str, Any]:
    ideas = list(
        Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE)
        .select_related("category")
        .order_by("pk")
    )
    visible = {i.pk for i in ideas}
    comments = [
        {
            "id": c.pk,
            "idea_id": c.idea_id,
            "parent_id": c.parent_id,
            "body": "" if c.deleted_at else c.body,
            "deleted": c.deleted_at is not None,
            "created_at": c.created_at.isoformat(),
        }
        for c in Comment.objects.filter(idea__in=visible, visibility=Visibility.VISIBLE).order_by(
            "pk"
        )
    ]
    people: dict[int, int] = {}
    comparisons = []
    for row in (
        # Each person's current answer per pair, the ones the ranking counts.
        Comparison.objects.filter(CURRENT_COMPARISON, challenge=challenge)
        .order_by("pk")
        .values("person_id", "left_id", "right_id", "choice", "created_at")
    ):
        if row["left_id"] in visible and row["right_id"] in visible:
            participant = people.setdefault(row["person_id"], len(people) + 1)
            comparisons.append(
                {
                    "participant": participant,
                    "left_id": row["left_id"],
                    "right_id": row["right_id"],
                    "choice": row["choice"],
                    "created_at": row["created_at"].isoformat(),
                }
            )
    ranking = Ranking.objects.filter(challenge=challenge).first()
    return {
        "challenge": {
            "id": challenge.pk,
            "title": challenge.title,
            "description": challenge.description,
            "phase": challenge.phase,
            "municipality_code": challenge.municipality.code,
        },
        "ideas": [
            {
                "id": i.pk,
                "title": i.title,
                "body": i.body,
                "category": i.category.name if i.category else "",
                "created_at": i.created_at.isoformat(),
                "support_count": i.support_count,
                "comment_count": i.comment_count,
                "outcome": i.outcome,
            }
            for i in ideas
        ],
        "comments": comments,
        "comparisons": comparisons,
        "ranking": [
            {
                k: r[k]
                for k in (
                    "idea",
                    "position",
                    "score",
                    "low",
                    "high",
                    "comparisons",
                    "needs_more_votes",
                )
            }
            for r in (ranking.data if ranking else [])
            if r["idea"] in visible
        ],
    }


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        # Staff open these in Excel: a citizen's text must never run there as a formula.
        writer.writerows({k: neutralise_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
