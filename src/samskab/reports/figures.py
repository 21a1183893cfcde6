"""The report's data section, computed from what the other apps store, through their services.

`compute(user, challenge)` returns plain JSON (keys, numbers, Decimal amounts as strings) so a
version sent to the committee can be frozen as it was; labels are looked up when the report is
shown (`samskab.reports.labels`), in the reader's language. Every section names its `source`
and says `empty` when there is nothing yet, so a challenge with no ideas or no votes gives a
report that says so section by section. No figure is shown for a group below the minimum group
size (`samskab.core.groups`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from samskab.accounts.models import Role
from samskab.challenges import services as challenges
from samskab.complexity import services as complexity
from samskab.core.groups import OTHER_GROUP, merge_small, min_group_size
from samskab.experiments import services as experiments
from samskab.initiatives import services as initiatives
from samskab.landscape import services as landscape
from samskab.opinions import services as opinions
from samskab.reflection import services as reflection

# A person holding several roles is counted once, in the first of these they hold.
ROLE_ORDER = [
    Role.MAYOR,
    Role.COUNCIL_MEMBER,
    Role.MANAGER,
    Role.EMPLOYEE,
    Role.FACILITATOR,
    Role.MODERATOR,
    Role.ADMINISTRATOR,
    Role.BUSINESS,
    Role.ASSOCIATION,
    Role.CITIZEN,
]
# Roles by sector: the municipality, business, civil society, citizens.
SECTOR_OF = {
    Role.MAYOR: "kommune",
    Role.COUNCIL_MEMBER: "kommune",
    Role.MANAGER: "kommune",
    Role.EMPLOYEE: "kommune",
    Role.FACILITATOR: "kommune",
    Role.MODERATOR: "kommune",
    Role.ADMINISTRATOR: "kommune",
    Role.BUSINESS: "erhverv",
    Role.ASSOCIATION: "civilsamfund",
    Role.CITIZEN: "borger",
}

# Each section stores the key of its source; the "Kilde: …" line is looked up in the reader's
# language when the report is shown (`source_label`), so a frozen version reads in English too.
SOURCES = {
    "participation": gettext_noop(
        "Samskab: idéer, støtte og parvise sammenligninger på udfordringen"
    ),
    "ideas": gettext_noop("Samskab: synlige idéer på udfordringen og deres status"),
    "ranking": gettext_noop(
        "Samskab: prioriteringen (Bradley-Terry-model af de parvise sammenligninger)"
    ),
    "opinions": gettext_noop("Samskab: meningskortet (Pol.is-metoden), som alle kan se det"),
    "complexity": gettext_noop("Samskab: kompleksitetsvurderingernes runder (Stacey-matricen)"),
    "reflection": gettext_noop("Samskab: læringer, som refleksionsrummene har valgt at dele"),
    "initiatives": gettext_noop("Samskab: initiativer, partnere, tilsagn og budget"),
    "landscape": gettext_noop("Samskab: samskabelseslandskabet for de seneste 12 måneder"),
    "movement_participation": gettext_noop(
        "Samskab: idéer, støtte og parvise sammenligninger på alle bevægelsens udfordringer"
    ),
    "movement_ideas": gettext_noop(
        "Samskab: synlige idéer på alle bevægelsens udfordringer og deres status"
    ),
    "movement_challenges": gettext_noop(
        "Samskab: bevægelsens offentliggjorte udfordringer og deres fase"
    ),
    "movement_opinions": gettext_noop("Samskab: bevægelsens meningskort, som alle kan se dem"),
    "movement_complexity": gettext_noop(
        "Samskab: den nyeste kompleksitetsvurdering af hver udfordring (Stacey-matricen)"
    ),
    "movement_reflection": gettext_noop(
        "Samskab: læringer, som bevægelsens refleksionsrum har valgt at dele"
    ),
    "movement_initiatives": gettext_noop(
        "Samskab: alle bevægelsens initiativer, partnere, tilsagn og budget"
    ),
}


def source_label(key: str) -> str:
    """The source line's text in the reader's language (an old stored text is shown as is)."""
    from django.utils.translation import gettext

    return gettext(SOURCES[key]) if key in SOURCES else str(key or "")


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def _primary(roles: list[str]) -> str:
    for role in ROLE_ORDER:
        if role in roles:
            return str(role)
    return ""


def _grouped(keys: list[str]) -> tuple[list[list[Any]], int]:
    """(key, count) per group shown, merged so no group is below the minimum size, and how
    many groups were not shown on their own."""
    sizes = Counter(keys)
    groups, hidden = merge_small(dict(sizes))
    shown: Counter[str] = Counter()
    for key, n in sizes.items():
        if key in groups:
            shown[groups[key]] += n
    rows = sorted(
        ([k, n] for k, n in shown.items()), key=lambda r: (r[0] == OTHER_GROUP, -r[1], r[0])
    )
    return rows, hidden


def _participation(found: dict[str, Any], source: str = "participation") -> dict[str, Any]:
    roles = [_primary(r) for r in found["roles"]]
    by_role, role_hidden = _grouped(roles)
    by_sector, sector_hidden = _grouped([SECTOR_OF.get(r, "") for r in roles])  # type: ignore[call-overload]
    return {
        "source": source,
        "empty": found["participants"] == 0,
        "participants": found["participants"],
        "by_role": by_role,
        "by_sector": by_sector,
        "hidden": role_hidden + sector_hidden,
        "min_group_size": min_group_size(),
    }


def _ideas(found: dict[str, Any], source: str = "ideas") -> dict[str, Any]:
    ideas = found["ideas"]
    outcomes = Counter(i["outcome"] for i in ideas)
    return {
        "source": source,
        "empty": not ideas,
        "count": len(ideas),
        "supports": sum(i["support_count"] for i in ideas),
        "comments": sum(i["comment_count"] for i in ideas),
        "by_outcome": sorted([k, n] for k, n in outcomes.items()),
        "selected": [i["title"] for i in ideas if i["outcome"] in ("selected", "implemented")],
        "most_supported": [[i["title"], i["support_count"]] for i in ideas[:5]],
    }


def _ranking(found: dict[str, Any]) -> dict[str, Any]:
    rows = found["ranking"][:10]
    return {
        "source": "ranking",
        "empty": found["comparisons"] == 0 or not rows,
        "comparisons": found["comparisons"],
        "rows": rows,
        "uncertain": sum(1 for r in found["ranking"] if r["needs_more_votes"]),
    }


def _opinions(user: Any, challenge: Any) -> dict[str, Any]:
    maps = opinions.maps_for_report(
        user, challenge, conversations=opinions.conversations_for_report(challenge, user)
    )
    return {
        "source": "opinions",
        "empty": not any(m["participants"] for m in maps),
        "maps": maps,
    }


def _complexity(user: Any, challenge: Any) -> dict[str, Any]:
    rounds = complexity.assessments_for_challenge(challenge, user)
    ratings = complexity.ratings_by_round(rounds)
    thresholds = complexity.thresholds_for(challenge.municipality_id)
    out = []
    for r in sorted(rounds, key=lambda r: r.number):
        summary = complexity.summarise(ratings.get(r.pk, []), thresholds)
        if summary is None:
            continue
        out.append(
            {
                "number": r.number,
                "ratings": summary.overall.n,
                "zone": int(summary.overall.zone),
                "agreement": round(summary.overall.mean.agreement * 100),
                "certainty": round(summary.overall.mean.certainty * 100),
            }
        )
    moved = len(out) >= 2 and out[0]["zone"] != out[-1]["zone"]
    return {
        "source": "complexity",
        "empty": not out,
        "rounds": out,
        "moved": moved,
        "zone": out[-1]["zone"] if out else None,
    }


def _reflection(user: Any, challenge: Any) -> dict[str, Any]:
    learnings = reflection.learnings_for_challenge(challenge, user)
    return {
        "source": "reflection",
        "empty": not learnings,
        "learnings": [{"title": x.title, "text": x.text} for x in learnings],
    }


def _initiatives(user: Any, found: list[Any], source: str = "initiatives") -> dict[str, Any]:
    found = sorted(found, key=lambda i: i.pk)
    economies = initiatives.economies(found)
    partners = initiatives.partners_for_report(user, found)
    probes = experiments.counts_per_initiative(found)
    rows = []
    total = {"budget": Decimal(0), "committed": Decimal(0), "municipal": Decimal(0)}
    total["external"] = Decimal(0)
    for i in found:
        e = economies.get(i.pk)
        p = partners.get(i.pk, {"organisations": [], "people": 0, "commitments": 0})
        values = {
            "budget": e.budget if e else Decimal(0),
            "committed": e.committed if e else Decimal(0),
            "municipal": e.municipal if e else Decimal(0),
            "external": e.external if e else Decimal(0),
        }
        for key, value in values.items():
            total[key] += value
        rows.append(
            {
                "title": i.title,
                "status": i.status,
                "progress": i.progress,
                "partners": p["organisations"],
                "people": p["people"],
                "commitments": p["commitments"],
                **{key: _money(value) for key, value in values.items()},
                "experiments": dict(sorted(probes.get(i.pk, {}).items())),
            }
        )
    committed = total["committed"]
    share = (
        str((100 * total["municipal"] / committed).quantize(Decimal("0.1"))) if committed else None
    )
    return {
        "source": source,
        "empty": not rows,
        "initiatives": rows,
        "total": {key: _money(value) for key, value in total.items()},
        "municipal_percent": share,
        "experiments": sum(sum(r["experiments"].values()) for r in rows),
    }


def _landscape(municipality: Any, today: date, challenge: Any = None) -> dict[str, Any]:
    run = landscape.recent(municipality, today)
    data = run.data if run is not None else {}
    measures = data.get("measures") or {}
    here = None
    if challenge is not None:
        arena = f"challenge:{challenge.pk}"
        here = sum(1 for a in data.get("actors") or [] if arena in (a.get("arenas") or []))
    return {
        "source": "landscape",
        "empty": not data,
        "actors": measures.get("actors", 0),
        "ties": measures.get("ties", 0),
        "islands": measures.get("islands", len(data.get("islands") or [])),
        "brokers": len(measures.get("brokers") or []),
        "here": here,
        "period": data.get("period") or {},
    }


def compute(user: Any, challenge: Any) -> dict[str, Any]:
    """Every figure of the challenge's report. Call inside the challenge's municipality scope.

    `user` is the person asking; each app checks that they may see the challenge (the figures
    are aggregates anyone who may see the challenge may see)."""
    found = challenges.report_figures(user, challenge) or {
        "ideas": [],
        "ranking": [],
        "comparisons": 0,
        "participants": 0,
        "roles": [],
    }
    return {
        "kind": "challenge",
        "municipality": challenge.municipality.name,
        "challenge": {
            "title": challenge.title,
            "description": challenge.description,
            "phase": challenge.phase,
            "created": challenge.created_at.date().isoformat(),
        },
        "computed_on": timezone.localdate().isoformat(),
        "participation": _participation(found),
        "ideas": _ideas(found),
        "ranking": _ranking(found),
        "opinions": _opinions(user, challenge),
        "complexity": _complexity(user, challenge),
        "reflection": _reflection(user, challenge),
        "initiatives": _initiatives(user, initiatives.initiatives_for_challenge(user, challenge)),
        "landscape": _landscape(challenge.municipality, timezone.localdate(), challenge),
    }


def compute_movement(user: Any, movement: Any) -> dict[str, Any]:
    """Every figure of the movement's report: all its challenges together, in a fixed number of
    queries whatever the number of challenges. Call inside the municipality's scope; `user` may
    see the landscape (the rules say so)."""
    municipality = movement.municipality
    found = challenges.movement_report_figures(user, municipality)
    found["ideas"].sort(key=lambda i: (-i["support_count"], i["title"]))
    rows = found["challenges"]
    zones = complexity.zone_counts(user, municipality)
    maps = opinions.consensus_counts(user, municipality)
    learnings = reflection.learnings_for_movement(movement, user)
    return {
        "kind": "movement",
        "municipality": municipality.name,
        "challenge": {
            "title": movement.title,
            "description": movement.description,
            "phase": "",
            "created": movement.created_at.date().isoformat(),
        },
        "computed_on": timezone.localdate().isoformat(),
        "challenges": {
            "source": "movement_challenges",
            "empty": not rows,
            "rows": [{"title": r["title"], "phase": r["phase"], "ideas": r["ideas"]} for r in rows],
            "selected": sum(len(r["selected"]) for r in rows),
        },
        "participation": _participation(found, "movement_participation"),
        "ideas": _ideas(found, "movement_ideas"),
        "ranking": {"source": "ranking", "empty": True, "comparisons": 0, "rows": []},
        "opinions": {
            "source": "movement_opinions",
            "empty": not any(m.statements for m in maps),
            "maps": [
                {"title": m.title, "statements": m.statements, "consensus": m.consensus}
                for m in maps
            ],
            "statements": sum(m.statements for m in maps),
            "consensus": sum(m.consensus for m in maps),
        },
        "complexity": {
            "source": "movement_complexity",
            "empty": not any(n for z, n in zones.items() if z is not None),
            "zones": [[z, zones.get(z, 0)] for z in (1, 2, 3, 4, 5)],
            "unrated": zones.get(None, 0),
            "zone": None,
        },
        "reflection": {
            "source": "movement_reflection",
            "empty": not learnings,
            "learnings": [{"title": x.title, "text": x.text} for x in learnings],
        },
        "initiatives": _initiatives(
            user, list(initiatives.initiatives_for(user, municipality)), "movement_initiatives"
        ),
        "landscape": _landscape(municipality, timezone.localdate()),
    }


def fingerprint(data: dict[str, Any]) -> str:
    """Changes when any figure or text changes (the day it was computed aside)."""
    stable = {k: v for k, v in data.items() if k != "computed_on"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def drafted_clauses(figures: dict[str, Any]) -> list[str]:
    """The "at …" clauses drafted from the outcome; staff edit them before sending."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    ideas = figures["ideas"]
    clauses = []
    if figures.get("kind") == "movement":
        clauses.append(
            ngettext(
                "udvalget tager orienteringen om bevægelsens %(n)s udfordring til efterretning",
                "udvalget tager orienteringen om bevægelsens %(n)s udfordringer til efterretning",
                len(figures["challenges"]["rows"]),
            )
            % {"n": len(figures["challenges"]["rows"])}
        )
    elif ideas["selected"]:
        clauses.append(
            _("udvalget tager de udvalgte idéer til efterretning: %(ideas)s")
            % {"ideas": ", ".join(f"»{t}«" for t in ideas["selected"])}
        )
    elif not ideas["empty"]:
        clauses.append(
            ngettext(
                "udvalget tager den indsendte idé og prioriteringen til efterretning",
                "udvalget tager de %(n)s indsendte idéer og prioriteringen til efterretning",
                ideas["count"],
            )
            % {"n": ideas["count"]}
        )
    else:
        clauses.append(_("udvalget tager orientering om udfordringen til efterretning"))
    inits = figures["initiatives"]
    if not inits["empty"]:
        clauses.append(
            ngettext(
                "forvaltningen arbejder videre med %(n)s initiativ sammen med partnerne",
                "forvaltningen arbejder videre med %(n)s initiativer sammen med partnerne",
                len(inits["initiatives"]),
            )
            % {"n": len(inits["initiatives"])}
        )
    clauses.append(_("deltagerne får besked om beslutningen"))
    return clauses
