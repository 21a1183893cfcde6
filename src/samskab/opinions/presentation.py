"""Turn a stored analysis (JSON) into what the opinion-map page shows.

Groups are named by letter (A, B, C …) as in Pol.is, and each has a colour *and* a shape, so the
map can be read without telling colours apart (WCAG 1.4.1). The colours are dark enough for 3:1
against white (WCAG 1.4.11, graphics) and are used with dark text only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samskab.accounts.roles import role_label
from samskab.core.groups import OTHER_GROUP, hidden_note

WIDTH, HEIGHT, PAD = 640, 400, 28

# colour, shape, the shape's name as people read it
STYLES: list[tuple[str, str, Any]] = [
    ("#1d5ea8", "circle", gettext_lazy("cirkel")),
    ("#b3261e", "square", gettext_lazy("firkant")),
    ("#2e6b30", "triangle", gettext_lazy("trekant")),
    ("#6a3d9a", "diamond", gettext_lazy("rombe")),
    ("#8a4f00", "cross", gettext_lazy("kryds")),
]
UNGROUPED = ("#5c5c5c", "ring", gettext_lazy("ring"))
LETTERS = "ABCDEFGH"


#: Statements in the table of roles: those where the roles differ most.
ROLE_TABLE_ROWS = 40


def shape_path(shape: str, x: float, y: float, r: float) -> str:
    """An SVG path for a marker centred at (x, y)."""
    if shape in ("circle", "ring"):
        return (
            f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0"
            f"a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0z"
        )
    if shape == "square":
        s = r * 0.9
        return f"M{x - s:.1f},{y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}z"
    if shape == "triangle":
        return (
            f"M{x:.1f},{y - r * 1.15:.1f}L{x + r * 1.1:.1f},{y + r * 0.8:.1f}"
            f"L{x - r * 1.1:.1f},{y + r * 0.8:.1f}z"
        )
    if shape == "diamond":
        d = r * 1.2
        return f"M{x:.1f},{y - d:.1f}L{x + d:.1f},{y:.1f}L{x:.1f},{y + d:.1f}L{x - d:.1f},{y:.1f}z"
    w = r * 0.45
    return (
        f"M{x - w:.1f},{y - r:.1f}h{2 * w:.1f}v{r - w:.1f}h{r - w:.1f}v{2 * w:.1f}h{-(r - w):.1f}"
        f"v{r - w:.1f}h{-2 * w:.1f}v{-(r - w):.1f}h{-(r - w):.1f}v{-2 * w:.1f}h{r - w:.1f}z"
    )


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class StatementLine:
    id: str
    text: str
    direction: str = ""
    percent: int = 0
    n: int = 0
    extra: list[Any] = field(default_factory=list)


@dataclass
class GroupView:
    id: int
    letter: str
    size: int
    colour: str
    shape: str
    shape_name: Any
    legend_path: str
    too_small: bool = False
    label_x: float = 0.0
    label_y: float = 0.0
    statements: list[StatementLine] = field(default_factory=list)


def build(data: dict[str, Any], texts: dict[str, str], me: str | None = None) -> dict[str, Any]:
    """Context for the map page. `texts`: statement id → text; `me`: the viewer's participant id."""
    groups_raw = data.get("groups") or []
    groups: list[GroupView] = []
    for k, g in enumerate(groups_raw):
        colour, shape, name = STYLES[k % len(STYLES)]
        groups.append(
            GroupView(
                id=g["id"],
                letter=LETTERS[k % len(LETTERS)],
                size=g["size"],
                colour=colour,
                shape=shape,
                shape_name=name,
                legend_path=shape_path(shape, 10, 10, 7),
                too_small=bool(g.get("too_small")),
            )
        )
    by_id = {g.id: g for g in groups}

    def text(sid: str) -> str:
        return texts.get(sid, _("(udsagnet findes ikke længere)"))

    # --- the map: points (or base clusters for big conversations) scaled into the view box ---
    points = data.get("points") or []
    use_points = bool(points)
    raw = (
        [(p[1], p[2], p[3], 1, p[0]) for p in points]
        if use_points
        else [(b[0], b[1], b[3], b[2], "") for b in data.get("base_clusters") or []]
    )
    xs = [r[0] for r in raw] or [0.0]
    ys = [r[1] for r in raw] or [0.0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (WIDTH - 2 * PAD) / (x1 - x0) if x1 > x0 else 0.0
    sy = (HEIGHT - 2 * PAD) / (y1 - y0) if y1 > y0 else 0.0

    def place(x: float, y: float) -> tuple[float, float]:
        px = PAD + (x - x0) * sx if sx else WIDTH / 2
        py = HEIGHT - PAD - (y - y0) * sy if sy else HEIGHT / 2
        return px, py

    biggest = max((r[3] for r in raw), default=1)
    layers: dict[int, list[str]] = {}
    mine = None
    for x, y, group, size, pid in raw:
        px, py = place(x, y)
        radius = 5.0 if use_points else 4.0 + 14.0 * (size / biggest) ** 0.5
        view = by_id.get(group)
        shape = view.shape if view else UNGROUPED[1]
        layers.setdefault(group if view else -1, []).append(shape_path(shape, px, py, radius))
        if me is not None and pid == me:
            mine = (px, py)
    marker_layers = []
    for g in groups:
        marker_layers.append(
            {"colour": g.colour, "fill": g.colour, "title": g, "d": "".join(layers.get(g.id, []))}
        )
    ungrouped_d = "".join(layers.get(-1, []))
    for g, raw_g in zip(groups, groups_raw, strict=True):
        cx, cy = place(*raw_g["center"])
        g.label_x, g.label_y = cx, cy

    # --- what each group stands for ---
    for g, raw_g in zip(groups, groups_raw, strict=True):
        for rep in raw_g.get("repness", []):
            g.statements.append(
                StatementLine(
                    id=rep["statement"],
                    text=text(rep["statement"]),
                    direction=rep["direction"],
                    percent=percent(rep["n_success"], rep["n_trials"]),
                    n=rep["n_trials"],
                )
            )

    # --- bridging: group-informed consensus, best first ---
    stats = data.get("statements") or {}
    candidates = [(sid, s) for sid, s in stats.items() if s.get("seen") and not s.get("mod_out")]
    bridging = []
    for sid, s in sorted(candidates, key=lambda item: (-item[1]["gic"], int(_num(item[0]))))[:5]:
        per_group = []
        for g, raw_g in zip(groups, groups_raw, strict=True):
            a, d, n = (raw_g.get("counts") or {}).get(sid, [0, 0, 0])
            per_group.append(
                {"group": g, "agree": percent(a, n), "disagree": percent(d, n), "n": n}
            )
        bridging.append(
            StatementLine(
                id=sid,
                text=text(sid),
                percent=percent(s["agree"], s["seen"]),
                n=s["seen"],
                extra=per_group,
            )
        )
    consensus = data.get("consensus") or {}
    broad_agree = [
        StatementLine(
            c["statement"],
            text(c["statement"]),
            "agree",
            percent(c["n_success"], c["n_trials"]),
            c["n_trials"],
        )
        for c in consensus.get("agree", [])
    ]
    broad_disagree = [
        StatementLine(
            c["statement"],
            text(c["statement"]),
            "disagree",
            percent(c["n_success"], c["n_trials"]),
            c["n_trials"],
        )
        for c in consensus.get("disagree", [])
    ]

    # --- declared roles: where they agree and where they differ ---
    # `data` comes through services.public_result: only roles large enough are left.
    roles_raw = sorted(
        (r for r in data.get("roles") or [] if r.get("size")),
        key=lambda r: r["role"] == OTHER_GROUP,
    )
    roles = [
        {"role": r["role"], "label": role_label(r["role"]), "size": r["size"]} for r in roles_raw
    ]
    role_rows = []
    for sid, s in candidates:
        cells = []
        shares = []
        for r in roles_raw:
            a, d, n = (r.get("counts") or {}).get(sid, [0, 0, 0])
            cells.append({"agree": percent(a, n), "disagree": percent(d, n), "n": n})
            if n:
                shares.append(a / n)
        spread = (max(shares) - min(shares)) if len(shares) >= 2 else 0.0
        role_rows.append(
            {
                "id": sid,
                "text": text(sid),
                "cells": cells,
                "spread": spread,
                "ric": s.get("ric", 0.0),
                "n_roles": len(shares),
            }
        )
    compared = [row for row in role_rows if row["n_roles"] >= 2]
    roles_agree = sorted(compared, key=lambda row: (-row["ric"], row["spread"]))[:3]
    roles_differ = sorted(compared, key=lambda row: -row["spread"])[:3]
    role_rows.sort(key=lambda row: (-row["spread"], int(_num(row["id"]))))
    # Where the roles differ most, first; a national conversation's 2,000 rows would make a
    # page no one reads (and 0.4 s of rendering).
    roles_more = max(0, len(role_rows) - ROLE_TABLE_ROWS)
    role_rows = role_rows[:ROLE_TABLE_ROWS]

    return {
        "groups": groups,
        "marker_layers": marker_layers,
        "ungrouped_d": ungrouped_d,
        "ungrouped_colour": UNGROUPED[0],
        "mine": mine,
        "width": WIDTH,
        "height": HEIGHT,
        "draws_points": use_points,
        "n_participants": data.get("n_participants", 0),
        "n_votes": data.get("n_votes", 0),
        "n_clustered": data.get("n_clustered", 0),
        "bridging": bridging,
        "broad_agree": broad_agree,
        "broad_disagree": broad_disagree,
        "roles": roles,
        "role_rows": role_rows,
        "roles_more": roles_more,
        "roles_agree": roles_agree,
        "roles_differ": [row for row in roles_differ if row["spread"] > 0],
        "roles_note": hidden_note(range(data.get("roles_hidden", 0))),
        "groups_note": hidden_note(range(data.get("groups_hidden", 0))),
    }


def _num(sid: str) -> int:
    return int(sid) if sid.isdigit() else 0
