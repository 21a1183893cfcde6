"""Open data per challenge, without personal data: no names, emails or account ids.

People appear only as numbers local to one export ("deltager 3"), so votes can be analysed
without anyone being identified.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from samskab.challenges.models import (
    CURRENT_COMPARISON,
    Challenge,
    Comment,
    Comparison,
    Idea,
    Outcome,
    Ranking,
    Visibility,
)
from samskab.challenges.phases import Phase
from samskab.core.exports import Table, neutralise_cell

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


# -- the page downloads, for people in Danish Excel -------------------------------------------
# The JSON and the API keep the machine-readable English keys and codes above; these tables say
# the same in Danish, with titles next to ids and local times.

XLSX_NAME = "alt.xlsx"
TABLE_WHAT = {
    "ideer.csv": "ideer",
    "kommentarer.csv": "kommentarer",
    "sammenligninger.csv": "sammenligninger",
    "rangering.csv": "rangering",
}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def challenge_tables(data: dict[str, Any]) -> dict[str, Table]:
    """`challenge_data` as Danish tables, keyed like CSV_TABLES."""
    titles = {i["id"]: i["title"] for i in data["ideas"]}
    phase = _label(Phase, data["challenge"]["phase"])
    choice = {
        "left": _("Venstre idé"),
        "right": _("Højre idé"),
        "tie": _("Kan ikke vælge"),
    }
    return {
        "ideer.csv": Table(
            _("Idéer"),
            [
                _("Id"),
                _("Titel"),
                _("Beskrivelse"),
                _("Kategori"),
                _("Oprettet"),
                _("Støtter"),
                _("Kommentarer"),
                _("Status"),
                _("Udfordringens fase"),
            ],
            [
                [
                    i["id"],
                    i["title"],
                    i["body"],
                    i["category"],
                    _when(i["created_at"]),
                    i["support_count"],
                    i["comment_count"],
                    _label(Outcome, i["outcome"]),
                    phase,
                ]
                for i in data["ideas"]
            ],
        ),
        "kommentarer.csv": Table(
            _("Kommentarer"),
            [
                _("Id"),
                _("Idé-id"),
                _("Idé"),
                _("Svar på kommentar"),
                _("Kommentar"),
                _("Slettet"),
                _("Oprettet"),
            ],
            [
                [
                    c["id"],
                    c["idea_id"],
                    titles.get(c["idea_id"], ""),
                    c["parent_id"],
                    c["body"],
                    c["deleted"],
                    _when(c["created_at"]),
                ]
                for c in data["comments"]
            ],
        ),
        "sammenligninger.csv": Table(
            _("Sammenligninger"),
            [
                _("Deltager"),
                _("Venstre idé-id"),
                _("Venstre idé"),
                _("Højre idé-id"),
                _("Højre idé"),
                _("Valg"),
                _("Tidspunkt"),
            ],
            [
                [
                    c["participant"],
                    c["left_id"],
                    titles.get(c["left_id"], ""),
                    c["right_id"],
                    titles.get(c["right_id"], ""),
                    choice.get(c["choice"], c["choice"]),
                    _when(c["created_at"]),
                ]
                for c in data["comparisons"]
            ],
        ),
        "rangering.csv": Table(
            _("Rangering"),
            [
                _("Placering"),
                _("Idé-id"),
                _("Idé"),
                _("Score"),
                _("Nedre grænse"),
                _("Øvre grænse"),
                _("Sammenligninger"),
                _("Mangler flere stemmer"),
            ],
            [
                [
                    r["position"],
                    r["idea"],
                    titles.get(r["idea"], ""),
                    _decimal(r["score"]),
                    _decimal(r["low"]),
                    _decimal(r["high"]),
                    r["comparisons"],
                    r["needs_more_votes"],
                ]
                for r in data["ranking"]
            ],
        ),
    }


def _decimal(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(round(value, 4)))
    return value
