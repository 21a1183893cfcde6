"""What people and organisations did where: the neutral record the landscape is built from.

Each capability that records participation offers a read function in its `services` module,
`landscape_activity(municipality, start, end) -> ActivityReport`, listing who took part in what
between two dates (both inclusive). The landscape (samskab.landscape) turns the records into
the co-creation network and the involvement from top to bottom without reading any other app's
tables. The foundation defines the record so that no capability has to import another.

Privacy is the source's duty: a private item is never listed, and an anonymous contribution is
listed without its person (`person_id=None`) so it can count for an arena but never for a
person, a unit or a staff level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: The kinds of participation, in the order the involvement table shows them.
KINDS: tuple[str, ...] = (
    "challenge",  # posed a challenge
    "idea",  # proposed an idea
    "comment",  # commented
    "support",  # supported an idea
    "comparison",  # compared ideas pairwise
    "statement",  # wrote an opinion-map statement
    "vote",  # voted on the opinion map
    "rating",  # rated complexity (Stacey)
    "room",  # took part in a reflection room
    "workshop",  # took part in a live workshop
    "partner",  # an organisation is a partner of an initiative
    "commitment",  # an organisation committed money or hours
    "responsibility",  # carries a part of an initiative's work (ansvarlig)
    "experiment",  # designed or reviewed a safe-to-fail experiment
)


@dataclass(frozen=True)
class Arena:
    """A place where actors meet: a challenge, an initiative, a room, a workshop, a conversation.

    `key` is "<kind>:<id>" (e.g. "challenge:12"); `parent` the key of the challenge or
    initiative it belongs to ("" if none), so a room on a challenge ties its members to those
    of the challenge. `public`: anyone may see it, so its title may be shown in the landscape;
    otherwise the landscape names it only generically. `categories`: category keys for the
    suggested ties.
    """

    key: str
    kind: str
    label: str
    public: bool
    url: str = ""
    parent: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    """One act of participation on one day in one arena.

    `person_id`: who (None when anonymous). `organisation_id`: the organisation acted for, when
    the act itself says so (a partner, a commitment, an idea posted on behalf of an
    association); otherwise the landscape uses the person's affiliations. `target_person_id`
    / `target_organisation_id`: whom the act was directed at (the author of the idea commented
    on or supported), which ties the two organisations directly.
    """

    kind: str
    on: date
    arena: str
    person_id: int | None = None
    organisation_id: int | None = None
    target_person_id: int | None = None
    target_organisation_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of participation {self.kind!r}")


@dataclass(frozen=True)
class ActivityReport:
    arenas: tuple[Arena, ...] = ()
    activities: tuple[Activity, ...] = field(default_factory=tuple)
