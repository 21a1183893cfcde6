"""The movement dashboard: the figures the mayor and the municipal director follow, gathered once
for the page, its CSV and JSON exports and the API alike.

Every figure is one row (`Figure`): a section, a stable key, a label people read, the period it
covers (a month "2026-03", the chosen period "2026-01-01/2026-12-31", or "nu" for how things
stand today) and its value. A count of people below the minimum group size
(`samskab.core.groups`) is never a number: its value is None and it is shown as "færre end N"
everywhere. Where a row of such counts has exactly one hidden cell, the next smallest one is
hidden too, so the hidden one cannot be worked out from the total (secondary suppression, as
statistics offices do).

Participation comes from what the capabilities recorded (`samskab.landscape.sources`) and the
directory (`samskab.accounts.directory`); the rest from each capability's own read function,
which counts only what the person may see. Each is a fixed number of queries, so the dashboard
costs the same for a village and for Aarhus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samskab.accounts import directory
from samskab.accounts.models import Role, StaffLevel
from samskab.accounts.roles import role_label
from samskab.challenges import services as challenges
from samskab.challenges.models import Phase
from samskab.complexity import services as complexity
from samskab.core.errors import ServiceError
from samskab.core.groups import OTHER_GROUP, min_group_size
from samskab.initiatives import services as initiatives
from samskab.initiatives.models import Status
from samskab.landscape import services as landscape
from samskab.landscape import sources
from samskab.landscape.models import LandscapeRun
from samskab.opinions import services as opinions

NOW = "nu"

SECTION_ROLES = "deltagelse_rolle"
SECTION_LEVELS = "deltagelse_niveau"
SECTION_PHASES = "udfordringer_fase"
SECTION_ZONES = "udfordringer_zone"
SECTION_OPINIONS = "meningskort"
SECTION_INITIATIVES = "initiativer_status"
SECTION_ECONOMY = "initiativer_oekonomi"
SECTION_LANDSCAPE = "landskab"
SECTIONS = (
    SECTION_ROLES,
    SECTION_LEVELS,
    SECTION_PHASES,
    SECTION_ZONES,
    SECTION_OPINIONS,
    SECTION_INITIATIVES,
    SECTION_ECONOMY,
    SECTION_LANDSCAPE,
)

TOTAL = "i_alt"
# Staff levels as groups of people (the model's labels name one person: "Direktør").
LEVEL_KEYS = {
    StaffLevel.DIRECTOR: "direktion",
    StaffLevel.HEAD: "chefer",
    StaffLevel.MANAGER: "ledere",
    StaffLevel.EMPLOYEE: "medarbejdere",
}


def section_title(section: str) -> str:
    return {
        SECTION_ROLES: _("Deltagelse efter rolle"),
        SECTION_LEVELS: _("Deltagelse efter niveau i kommunen"),
        SECTION_PHASES: _("Udfordringer efter fase"),
        SECTION_ZONES: _("Udfordringer efter kompleksitet (Stacey)"),
        SECTION_OPINIONS: _("Meningskort: fælles grund"),
        SECTION_INITIATIVES: _("Initiativer efter status"),
        SECTION_ECONOMY: _("Initiativernes økonomi"),
        SECTION_LANDSCAPE: _("Landskabet: øer og forslag til nye bånd"),
    }[section]


def level_label(key: str) -> str:
    return {
        "direktion": _("Direktion"),
        "chefer": _("Chefer"),
        "ledere": _("Ledere"),
        "medarbejdere": _("Medarbejdere"),
    }[key]


def zone_label(zone: int | None) -> str:
    if zone is None:
        return _("Ikke vurderet endnu")
    from samskab.analysis.stacey import Zone

    return _("Zone %(n)s: %(name)s") % {"n": zone, "name": complexity.zone_name(Zone(zone))}


def fewer_than() -> str:
    return _("færre end %(n)s") % {"n": min_group_size()}


def format_kroner(value: Decimal) -> str:
    """1234.5 → "1.234,50 kr." (as initiatives' `kroner` filter; half up to the øre)."""
    amount = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _dot, ore = f"{abs(amount):f}".partition(".")
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{ore} kr."


def format_count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class Figure:
    """One figure. `value`: an int (a count), a Decimal (kroner), a str (a name), or None for a
    count of people hidden because the group is too small."""

    section: str
    key: str
    label: str
    period: str
    value: int | Decimal | str | None
    kind: str = "count"  # "people" (hidden when small), "count", "kroner", "share", "text"

    @property
    def suppressed(self) -> bool:
        return self.kind == "people" and self.value is None

    @property
    def display(self) -> str:
        if self.suppressed:
            return fewer_than()
        if self.kind == "kroner" and isinstance(self.value, Decimal):
            return format_kroner(self.value)
        if self.kind == "share" and isinstance(self.value, Decimal):
            return f"{self.value:f}".replace(".", ",") + " %"
        if isinstance(self.value, int):
            return format_count(self.value)
        return "" if self.value is None else str(self.value)

    @property
    def export_value(self) -> int | str | None:
        """The value as the exports write it: counts as numbers, kroner and shares as strings
        with a decimal point ("1234.50": a JSON number would be read as a float)."""
        if isinstance(self.value, Decimal):
            return f"{self.value:f}"
        return self.value

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "key": self.key,
            "label": self.label,
            "period": self.period,
            "value": self.export_value,
            "display": self.display,
            "suppressed": self.suppressed,
        }


@dataclass
class Table:
    """Counts of people per month: `rows` (month label, month key, cells aligned with
    `columns`)."""

    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, str, list[Figure]]] = field(default_factory=list)


@dataclass
class Dashboard:
    municipality: Any
    start: date
    end: date
    roles: Table
    levels: Table
    figures: list[Figure]
    landscape: LandscapeRun | None
    conversations: list[Any]
    # Whether anything at all was recorded in the period (anonymous acts too): the page says
    # so when nothing was.
    recorded: bool = False

    @property
    def period(self) -> str:
        return period_key(self.start, self.end)

    def section(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.section == name]

    @property
    def computed_at(self) -> datetime | None:
        run = self.landscape
        return run.computed_at if run is not None and run.data else None

    def as_dict(self) -> dict[str, Any]:
        computed = self.computed_at
        return {
            "format": 1,
            "municipality": {"code": self.municipality.code, "name": self.municipality.name},
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "min_group_size": min_group_size(),
            "landscape_computed_at": computed.isoformat() if computed else None,
            "figures": [f.as_dict() for f in self.figures],
        }


def period_key(start: date, end: date) -> str:
    return f"{start.isoformat()}/{end.isoformat()}"


def months(start: date, end: date) -> list[tuple[int, int]]:
    """The calendar months the period touches, first to last."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_label(year: int, month: int) -> str:
    return formats.date_format(date(year, month, 1), "F Y").capitalize()


def _suppress(counts: dict[str, int], *, total: str | None = None) -> dict[str, int | None]:
    """The counts as they may be shown: below the minimum group size hidden (None); where just
    one is hidden, the next smallest one too (or the total, where there is no other), so the
    hidden one cannot be worked out by subtraction."""
    n = min_group_size()
    shown: dict[str, int | None] = {k: (v if v >= n else None) for k, v in counts.items()}
    parts = [k for k in counts if k != total]
    hidden = [k for k in parts if shown[k] is None]
    if len(hidden) == 1:
        others = sorted((counts[k], k) for k in parts if shown[k] is not None)
        if others:
            shown[others[0][1]] = None
        elif total is not None:
            shown[total] = None
    return shown


def _role_columns(holders: dict[str, int]) -> tuple[list[str], dict[str, str]]:
    """The role columns: each role held by at least the minimum group size on its own, the
    others together as "Andre" (so a role only the mayor holds is never a column of its own).
    Returns the column keys in order and the column each role counts in."""
    n = min_group_size()
    own = [r.value for r in Role if r.value == Role.CITIZEN or holders.get(r.value, 0) >= n]
    column = {r.value: (r.value if r.value in own else OTHER_GROUP) for r in Role}
    keys = own + ([OTHER_GROUP] if OTHER_GROUP in column.values() else [])
    return keys, column


def _participation(municipality: Any, start: date, end: date) -> tuple[Table, Table, list[Figure]]:
    report = sources.collect(municipality, start, end)
    roles_of = directory.roles_by_person(municipality)
    departments = {o.id for o in directory.organisations(municipality) if o.kind == "department"}
    level_of: dict[int, int] = {}
    for aff in directory.affiliations(municipality):
        if aff.staff_level and aff.organisation_id in departments:
            # Someone with posts at two levels counts at the higher one (1 is the top).
            level_of[aff.person_id] = min(aff.staff_level, level_of.get(aff.person_id, 9))

    holders: dict[str, int] = {}
    for held in roles_of.values():
        for role in held:
            holders[role] = holders.get(role, 0) + 1
    role_keys, column_of = _role_columns(holders)

    by_month: dict[tuple[int, int], set[int]] = {m: set() for m in months(start, end)}
    recorded = False
    for activity in report.activities:
        if not (start <= activity.on <= end):
            continue
        recorded = True
        if activity.person_id is None:
            continue  # anonymous: counts for an arena, never for a person or a group
        by_month.setdefault((activity.on.year, activity.on.month), set()).add(activity.person_id)

    period_roles = Table([(k, role_label(k)) for k in role_keys] + [(TOTAL, _("I alt"))])
    level_keys = [LEVEL_KEYS[level] for level in StaffLevel]
    period_levels = Table([(k, level_label(k)) for k in level_keys])
    figures: list[Figure] = []
    for year, month in sorted(by_month):
        people = by_month[(year, month)]
        key = f"{year:04d}-{month:02d}"
        label = month_label(year, month)
        role_counts = dict.fromkeys([*role_keys, TOTAL], 0)
        level_counts = dict.fromkeys(level_keys, 0)
        for person in people:
            # Everyone without a role in the municipality takes part as a citizen.
            columns = {column_of[r] for r in roles_of.get(person) or {Role.CITIZEN.value}}
            for c in columns:
                role_counts[c] += 1
            role_counts[TOTAL] += 1
            if person in level_of:
                level_counts[LEVEL_KEYS[StaffLevel(level_of[person])]] += 1
        shown_roles = _suppress(role_counts, total=TOTAL)
        shown_levels = _suppress(level_counts)
        row = [
            Figure(SECTION_ROLES, k, title, key, shown_roles[k], "people")
            for k, title in period_roles.columns
        ]
        level_row = [
            Figure(SECTION_LEVELS, k, title, key, shown_levels[k], "people")
            for k, title in period_levels.columns
        ]
        period_roles.rows.append((label, key, row))
        period_levels.rows.append((label, key, level_row))
        figures += row + level_row
    return period_roles, period_levels, figures, recorded


def _landscape(run: LandscapeRun | None, period: str) -> list[Figure]:
    data = (run.data if run is not None else None) or {}
    if not data:
        return []
    islands = data.get("islands") or []
    actors = {a.get("id"): a for a in data.get("actors") or []}
    measures = data.get("measures") or {}
    out = [
        Figure(SECTION_LANDSCAPE, "aktoerer", _("Aktører"), period, len(actors)),
        Figure(
            SECTION_LANDSCAPE,
            "baand",
            _("Bånd mellem aktører"),
            period,
            len(data.get("ties") or []),
        ),
        Figure(SECTION_LANDSCAPE, "oeer", _("Øer"), period, len(islands)),
    ]
    coherence = measures.get("coherence")
    if isinstance(coherence, int | float):
        share = (Decimal(str(coherence)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        out.append(
            Figure(
                SECTION_LANDSCAPE,
                "sammenhaeng",
                _("Andel af aktørerne på den største ø"),
                period,
                share,
                "share",
            )
        )
    for i, island in enumerate(islands):
        out.append(
            Figure(
                SECTION_LANDSCAPE,
                f"oe:{i + 1}",
                _("Aktører på ø %(n)s (%(name)s)") % {"n": i + 1, "name": island.get("name", "")},
                period,
                len(island.get("members") or []),
            )
        )
    for i, s in enumerate(data.get("suggestions") or []):
        a = actors.get(s.get("actor_a"), {}).get("label", "")
        b = actors.get(s.get("actor_b"), {}).get("label", "")
        out.append(
            Figure(
                SECTION_LANDSCAPE,
                f"forslag:{i + 1}",
                _("Forslag %(n)s til at binde ø %(a)s og ø %(b)s sammen")
                % {
                    "n": i + 1,
                    "a": int(s.get("island_a", 0)) + 1,
                    "b": int(s.get("island_b", 0)) + 1,
                },
                period,
                _("introducer %(a)s for %(b)s") % {"a": a, "b": b},
                "text",
            )
        )
    return out


def _counts(section: str, rows: Iterable[tuple[str, str, int]]) -> list[Figure]:
    return [Figure(section, key, label, NOW, n) for key, label, n in rows]


def gather(user: Any, municipality: Any, start: date, end: date) -> Dashboard:
    """Every figure of the dashboard for `user` (who may `landscape.view_landscape` the
    municipality), over `start`–`end`. Call inside the municipality's scope."""
    roles, levels, figures, recorded = _participation(municipality, start, end)
    phases = challenges.challenges_by_phase(user, municipality)
    figures += _counts(
        SECTION_PHASES, [(p.value, str(p.label), phases.get(p.value, 0)) for p in Phase]
    )
    zones = complexity.zone_counts(user, municipality)
    figures += _counts(
        SECTION_ZONES,
        [(str(z), zone_label(z), zones.get(z, 0)) for z in (1, 2, 3, 4, 5)]
        + [("ikke_vurderet", zone_label(None), zones.get(None, 0))],
    )
    conversations = opinions.consensus_counts(user, municipality)
    for c in conversations:
        figures += [
            Figure(
                SECTION_OPINIONS,
                f"samtale:{c.conversation_id}:udsagn",
                _("%(title)s: udsagn med stemmer") % {"title": c.title},
                NOW,
                c.statements,
            ),
            Figure(
                SECTION_OPINIONS,
                f"samtale:{c.conversation_id}:faelles",
                _("%(title)s: udsagn med fælles grund") % {"title": c.title},
                NOW,
                c.consensus,
            ),
        ]
    figures += [
        Figure(SECTION_OPINIONS, "samtaler", _("Meningskort i alt"), NOW, len(conversations)),
        Figure(
            SECTION_OPINIONS,
            "udsagn",
            _("Udsagn med stemmer i alt"),
            NOW,
            sum(c.statements for c in conversations),
        ),
        Figure(
            SECTION_OPINIONS,
            "faelles",
            _("Udsagn med fælles grund i alt"),
            NOW,
            sum(c.consensus for c in conversations),
        ),
    ]
    overview = initiatives.overview(user, municipality)
    figures += _counts(
        SECTION_INITIATIVES,
        [(s.value, str(s.label), overview.by_status.get(s.value, 0)) for s in Status]
        + [(TOTAL, _("I alt"), sum(overview.by_status.values()))],
    )
    figures += [
        Figure(SECTION_ECONOMY, "budget", _("Budget"), NOW, overview.budget, "kroner"),
        Figure(SECTION_ECONOMY, "tilsagn", _("Tilsagn"), NOW, overview.committed, "kroner"),
        Figure(SECTION_ECONOMY, "forbrug", _("Brugt"), NOW, overview.spent, "kroner"),
    ]
    run = landscape.latest(municipality, start, end)
    today = timezone.localdate()
    if (run is None or not run.data) and (start, end) == landscape.default_period(today):
        # The last 12 months move every day: show last night's picture until today's is ready.
        run = landscape.recent(municipality, today) or run
    shown = (run.start, run.end) if run is not None else (start, end)
    figures += _landscape(run, period_key(*shown))
    return Dashboard(municipality, start, end, roles, levels, figures, run, conversations, recorded)


# -- the exports ---------------------------------------------------------------------------------

CSV_COLUMNS = ("section", "key", "label", "period", "value", "display")


def csv_rows(dashboard: Dashboard) -> list[list[Any]]:
    """The CSV: a header and one row per figure. A hidden count's value is "færre end N", never
    a number; text cells are neutralised so a spreadsheet never runs them."""
    from samskab.core.exports import neutralise_cell

    rows: list[list[Any]] = [list(CSV_COLUMNS)]
    for f in dashboard.figures:
        value = f.display if f.suppressed else f.export_value
        rows.append(
            [neutralise_cell(v) for v in (f.section, f.key, f.label, f.period, value, f.display)]
        )
    return rows


def csv_bytes(dashboard: Dashboard) -> bytes:
    """The CSV file: UTF-8 with a BOM (so Excel reads æ, ø and å), comma separated."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(dashboard))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def people_table(dashboard: Dashboard) -> Any:
    """The figures as a table for people in Danish Excel (the page's CSV and xlsx): Danish
    headers, kroner and shares as numbers with a decimal comma. The API's CSV above stays the
    machine format."""
    from samskab.core.exports import Table

    table = Table(
        _("Overblik"),
        [_("Afsnit"), _("Nøgle"), _("Betegnelse"), _("Periode"), _("Værdi"), _("Vist som")],
    )
    for f in dashboard.figures:
        value: Any = f.display if f.suppressed else f.value
        table.rows.append([f.section, f.key, f.label, f.period, value, f.display])
    return table


class PeriodError(ValueError):
    """A period the dashboard cannot show; the message says why, in Danish."""


def parse_period(fra: str | None, til: str | None, today: date) -> tuple[date, date]:
    """The period the query string asks for (`fra`, `til` as 2026-03-01), read as the landscape
    reads it (`samskab.landscape.services.parse_period`: a missing end is today, a missing start
    12 months before the end, at most five years). PeriodError with the reason in Danish."""
    try:
        return landscape.parse_period((fra or "")[:40], (til or "")[:40], today)
    except ServiceError as refused:
        raise PeriodError(str(refused)) from None
