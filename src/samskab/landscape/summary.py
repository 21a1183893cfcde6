"""The landscape in words: the plain-language summary on top of the page, and the words for
sectors, staff levels, the network-weaving stages (Krebs & Holley) and the reasons the stage was
chosen (the keys `samskab.analysis.network.weaving_stage` returns).

Everything here reads a stored document (`samskab.landscape.results`) and touches no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

SECTORS = ("kommune", "borger", "forening", "virksomhed")

# The sector filter's choices and the table's words (one actor of the sector).
SECTOR_LABELS = {
    "kommune": gettext_lazy("Kommune"),
    "borger": gettext_lazy("Borgere"),
    "forening": gettext_lazy("Forening"),
    "virksomhed": gettext_lazy("Virksomhed"),
}
SECTOR_PLURALS = {
    "kommune": gettext_lazy("kommunen"),
    "borger": gettext_lazy("borgerne"),
    "forening": gettext_lazy("foreningerne"),
    "virksomhed": gettext_lazy("virksomhederne"),
}
STAFF_LEVELS = {
    1: gettext_lazy("Direktion"),
    2: gettext_lazy("Chefer"),
    3: gettext_lazy("Ledere"),
    4: gettext_lazy("Medarbejdere"),
}

STAGE_ORDER = ("scattered_clusters", "hub_and_spokes", "multi_hub", "core_periphery")
STAGE_NAMES = {
    "empty": gettext_lazy("Ingen samskabelse endnu"),
    "scattered_clusters": gettext_lazy("Spredte klynger"),
    "hub_and_spokes": gettext_lazy("Ét knudepunkt med eger"),
    "multi_hub": gettext_lazy("Flere knudepunkter"),
    "core_periphery": gettext_lazy("Kerne og periferi"),
}
STAGE_MEANINGS = {
    "empty": gettext_lazy("Der er ikke registreret samskabelse i perioden."),
    "scattered_clusters": gettext_lazy(
        "Samskabelsen sker i små grupper, der ikke kender hinanden. Hver gruppe arbejder for sig."
    ),
    "hub_and_spokes": gettext_lazy(
        "Én aktør holder det meste sammen. Det er en god start, men det hele hviler på den ene."
    ),
    "multi_hub": gettext_lazy(
        "Flere aktører binder hver deres del sammen. Netværket er ikke længere afhængigt af én."
    ),
    "core_periphery": gettext_lazy(
        "En tæt kerne af aktører arbejder sammen, og de fleste andre har en direkte vej ind til "
        "kernen. Det er det mest sammenhængende trin."
    ),
}
STAGE_NEXT = {
    "empty": gettext_lazy("Næste skridt: registrer samarbejder, møder og partnerskaber."),
    "scattered_clusters": gettext_lazy(
        "Næste skridt: find en aktør, der kan forbinde klyngerne, og introducer dem for hinanden."
    ),
    "hub_and_spokes": gettext_lazy(
        "Næste skridt: hjælp flere aktører til selv at forbinde andre, så netværket ikke står og "
        "falder med én."
    ),
    "multi_hub": gettext_lazy(
        "Næste skridt: knyt knudepunkterne tættere sammen, så de danner en fælles kerne."
    ),
    "core_periphery": gettext_lazy(
        "Næste skridt: hold kernen åben, og inviter nye aktører fra periferien ind."
    ),
}

# The thresholds of `samskab.analysis.network.DEFAULT_WEAVING`, used when the document does not
# carry its own.
DEFAULT_THRESHOLDS = {
    "coherent": 0.5,
    "hub_factor": 2.0,
    "hub_min_degree": 3,
    "star_reach": 0.5,
    "core_min_hubs": 3,
    "core_density": 0.5,
    "periphery_reach": 0.5,
}

REASONS = (
    "no_actors",
    "no_island_holds_enough",
    "islands_too_small",
    "connected_without_hubs",
    "one_hub",
    "one_hub_reaches_most",
    "dense_core_of_hubs",
    "several_hubs",
)

MAX_NAMED = 5


def sector_label(sector: str) -> str:
    return str(SECTOR_LABELS.get(sector, sector))


def staff_level_label(level: int) -> str:
    return str(STAFF_LEVELS.get(level, level))


def percent(share: float | None) -> str:
    """A share as a whole percent in the language's way ("60 %"); "–" for none."""
    if share is None:
        return "–"
    value = share * 100
    if 0 < value < 1:
        return _("under 1 %")
    return _("%(n)s %%") % {"n": number_format(round(value), use_l10n=True)}


def decimal(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return number_format(round(value, places), places, use_l10n=True)


def count(value: float | int) -> str:
    return number_format(int(round(value)), use_l10n=True, force_grouping=True)


def join_words(words: Sequence[str]) -> str:
    """ "A", "A og B", "A, B og C" """
    words = [str(w) for w in words]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return _("%(first)s og %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def computed_at(moment: datetime | None) -> str:
    """ "2. december 2026 kl. 08.15" in the current time zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return _("%(date)s kl. %(time)s") % {
        "date": date_format(local, "j. F Y"),
        "time": date_format(local, "H.i"),
    }


def stage_step(stage: str) -> int | None:
    """1–4 for the four stages, None for the empty network or an unknown stage."""
    return STAGE_ORDER.index(stage) + 1 if stage in STAGE_ORDER else None


def reason_text(
    reason: str,
    facts: Mapping[str, float],
    hubs: Sequence[str] = (),
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """Why the stage was chosen, in words, with the measured values it looked at. `hubs`: the
    hubs' labels, most tied first."""
    t = DEFAULT_THRESHOLDS | dict(thresholds or {})
    n_hubs = int(facts.get("hubs", len(hubs)))
    largest = int(facts.get("largest_island", 0))
    first_hub = hubs[0] if hubs else _("én aktør")
    if reason == "no_actors":
        return _("Der er ikke registreret samskabelse mellem aktører i perioden.")
    if reason == "no_island_holds_enough":
        return _(
            "Ingen ø samler %(needed)s af aktørerne: den største samler %(share)s. Derfor er "
            "samskabelsen endnu spredte klynger."
        ) % {"needed": percent(t["coherent"]), "share": percent(facts.get("coherence", 0.0))}
    if reason == "islands_too_small":
        return ngettext(
            "Den største ø har kun %(n)s aktør, så ingen kan endnu være et knudepunkt, der "
            "binder mange sammen.",
            "Den største ø har kun %(n)s aktører, så ingen kan endnu være et knudepunkt, der "
            "binder mange sammen.",
            largest,
        ) % {"n": largest}
    if reason == "connected_without_hubs":
        return _(
            "Den største ø hænger sammen, men båndene er spredt jævnt: ingen aktør har markant "
            "flere bånd end de andre (i gennemsnit %(mean)s bånd hver)."
        ) % {"mean": decimal(facts.get("mean_degree", 0.0), 1)}
    if reason == "one_hub":
        return _(
            "Én aktør, %(hub)s, har langt flere bånd end de andre og holder den største ø sammen."
        ) % {"hub": first_hub}
    if reason == "one_hub_reaches_most":
        return ngettext(
            "%(hub)s har direkte bånd til %(reach)s af de andre i den største ø. Netværket "
            "drejer om den ene aktør, selv om der er %(n)s knudepunkt.",
            "%(hub)s har direkte bånd til %(reach)s af de andre i den største ø. Netværket "
            "drejer om den ene aktør, selv om der er %(n)s knudepunkter.",
            n_hubs,
        ) % {"hub": first_hub, "reach": percent(facts.get("top_hub_reach", 0.0)), "n": n_hubs}
    if reason == "dense_core_of_hubs":
        return _(
            "%(n)s knudepunkter er tæt forbundet med hinanden, og %(reach)s af de øvrige "
            "aktører i den største ø har et direkte bånd til et af dem."
        ) % {"n": n_hubs, "reach": percent(facts.get("periphery_reach", 0.0))}
    if reason == "several_hubs":
        if (
            facts.get("periphery_reach", 1.0) < t["periphery_reach"]
            and n_hubs >= t["core_min_hubs"]
            and facts.get("hub_density", 0.0) >= t["core_density"]
        ):
            return _(
                "Den største ø har %(n)s knudepunkter, der arbejder tæt sammen, men kun %(reach)s "
                "af de øvrige aktører har et direkte bånd til et af dem."
            ) % {"n": n_hubs, "reach": percent(facts.get("periphery_reach", 0.0))}
        return ngettext(
            "Den største ø har %(n)s knudepunkt, men de er ikke tæt nok forbundet med hinanden "
            "til at danne en fælles kerne.",
            "Den største ø har %(n)s knudepunkter, men de er ikke tæt nok forbundet med "
            "hinanden til at danne en fælles kerne.",
            n_hubs,
        ) % {"n": n_hubs}
    return ""


@dataclass
class Stage:
    key: str
    step: int | None
    name: str
    meaning: str
    reason: str
    next: str


@dataclass
class Suggestion:
    text: str
    actor_a: str
    actor_b: str


@dataclass
class Summary:
    """What the page says on top. `lead`: the first sentences; `connectors`: the answer to
    "Hvem forbinder?"; `cut_points`: sentences about the actors a part hangs on."""

    lead: list[str] = field(default_factory=list)
    stage: Stage | None = None
    connectors: str = ""
    connector_ids: list[str] = field(default_factory=list)
    cut_points: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    sectors: str = ""
    change: str = ""

    @property
    def text(self) -> str:
        """All of it as one paragraph (the map's description)."""
        parts = [*self.lead]
        if self.stage:
            parts += [self.stage.name + ".", self.stage.reason]
        return " ".join(p for p in parts if p)


def _labels(actors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {a["id"]: str(a.get("label") or a["id"]) for a in actors}


def _adjacency(ties: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {}
    for t in ties:
        adj.setdefault(t["a"], set()).add(t["b"])
        adj.setdefault(t["b"], set()).add(t["a"])
    return adj


def split_parts(adj: Mapping[str, set[str]], cut: str) -> list[list[str]]:
    """The parts an island falls into without `cut` (each a list of actor ids)."""
    seen = {cut}
    parts = []
    for start in sorted(adj.get(cut, ())):
        if start in seen:
            continue
        part, stack = [], [start]
        seen.add(start)
        while stack:
            node = stack.pop()
            part.append(node)
            for nxt in adj.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        parts.append(part)
    return parts


def island_words(doc: Mapping[str, Any], index: int) -> str:
    islands = doc.get("islands") or []
    if 0 <= index < len(islands):
        return _("øen omkring %(name)s") % {"name": islands[index].get("name") or index + 1}
    return _("ø %(n)s") % {"n": index + 1}


def _context_words(doc: Mapping[str, Any], keys: Sequence[str]) -> list[str]:
    arenas = doc.get("arenas") or {}
    words: list[str] = []
    closed = 0
    for key in keys:
        arena = arenas.get(key) or {}
        if arena.get("public", False) and arena.get("label"):
            words.append(str(arena["label"]))
        else:
            closed += 1
    if closed:
        words.append(ngettext("et lukket forløb", "%(n)s lukkede forløb", closed) % {"n": closed})
    return words


def suggestion_text(doc: Mapping[str, Any], s: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    a, b = labels.get(s["actor_a"], s["actor_a"]), labels.get(s["actor_b"], s["actor_b"])
    islands = {
        "a": a,
        "b": b,
        "island_a": island_words(doc, int(s["island_a"])),
        "island_b": island_words(doc, int(s["island_b"])),
    }
    names = doc.get("islands") or []

    def named_after(index: int, label: str) -> bool:
        return 0 <= index < len(names) and names[index].get("name") == label

    if named_after(int(s["island_a"]), a) and named_after(int(s["island_b"]), b):
        first = _("Hvis %(a)s og %(b)s blev introduceret, ville deres to øer hænge sammen") % {
            "a": a,
            "b": b,
        }
    else:
        first = (
            _(
                "Hvis %(a)s og %(b)s blev introduceret, ville %(island_a)s og %(island_b)s "
                "hænge sammen"
            )
            % islands
        )
    shared = _context_words(doc, s.get("shared_context") or [])
    sectors = [str(SECTOR_PLURALS.get(x, x)) for x in (s.get("sectors") or [])]
    reasons = []
    if shared:
        reasons.append(_("de begge arbejder med %(what)s") % {"what": join_words(shared)})
    if s.get("complementary_sectors") and len(sectors) == 2:
        reasons.append(
            _("de kommer fra hver sin sektor (%(a)s og %(b)s)") % {"a": sectors[0], "b": sectors[1]}
        )
    if not reasons:
        reasons.append(_("de har flest bånd i hver deres ø og kan føre introduktionen videre"))
    why = reasons[0]
    for more in reasons[1:]:
        why = _("%(why)s, og fordi %(more)s") % {"why": why, "more": more}
    return _("%(first)s, fordi %(why)s.") % {"first": first, "why": why}


def sectors_text(measures: Mapping[str, Any]) -> str:
    """Do the sectors work together? The E–I index (Krackhardt & Stern 1988) in words: the
    share of ties that cross sectors, and the sector that keeps most to itself."""
    ei = measures.get("ei") or {}
    external, internal = int(ei.get("external") or 0), int(ei.get("internal") or 0)
    if external + internal == 0:
        return ""
    text = _(
        "%(share)s af båndene går på tværs af sektorerne (kommunen, borgerne, foreningerne og "
        "virksomhederne)."
    ) % {"share": percent(external / (external + internal))}
    per_sector = {k: v for k, v in (ei.get("per_sector") or {}).items() if v is not None}
    if len(per_sector) > 1:
        closed = min(per_sector, key=lambda k: (per_sector[k], k))
        if per_sector[closed] < 0:
            text += " " + _(
                "Mest for sig selv holder %(sector)s: flere af deres bånd går inden for egen "
                "sektor end ud af den (E–I-indeks %(value)s på en skala fra −1, kun bånd inden "
                "for egen sektor, til +1, kun bånd til andre sektorer)."
            ) % {
                "sector": SECTOR_PLURALS.get(closed, closed),
                "value": decimal(per_sector[closed]),
            }
    return text


def _day(iso: Any) -> str:
    try:
        return date_format(date.fromisoformat(str(iso)), "j. F Y")
    except ValueError:
        return str(iso or "")


def change_text(change: Mapping[str, Any] | None) -> str:
    """What changed since the period of the same length before this one."""
    if not change:
        return ""
    previous = change.get("previous") or {}
    added = len(change.get("actors_added") or [])
    ties = len(change.get("ties_added") or [])
    gone = len(change.get("actors_removed") or [])
    new = join_words(
        [
            ngettext("%(n)s ny aktør", "%(n)s nye aktører", added) % {"n": count(added)},
            ngettext("%(n)s nyt bånd", "%(n)s nye bånd", ties) % {"n": count(ties)},
        ]
    )
    sentences = [
        _("Siden perioden før (%(start)s–%(end)s) er der kommet %(new)s til.")
        % {"start": _day(previous.get("start")), "end": _day(previous.get("end")), "new": new}
    ]
    if gone:
        sentences.append(
            ngettext("%(n)s aktør er ikke med længere.", "%(n)s aktører er ikke med længere.", gone)
            % {"n": count(gone)}
        )
    sentences.append(
        _(
            "Øerne gik fra %(before)s til %(after)s, og den største ø samler nu %(c_after)s af "
            "aktørerne mod %(c_before)s før."
        )
        % {
            "before": count(int(change.get("islands_before") or 0)),
            "after": count(int(change.get("islands_after") or 0)),
            "c_before": percent(change.get("coherence_before")),
            "c_after": percent(change.get("coherence_after")),
        }
    )
    return " ".join(sentences)


def summarise(doc: Mapping[str, Any], *, max_suggestions: int = 3) -> Summary:
    """The plain-language summary of a computed landscape document."""
    actors = doc.get("actors") or []
    out = Summary()
    weaving = doc.get("weaving") or {}
    if not actors:
        out.lead = [_("Der er ikke registreret samskabelse i perioden.")]
        return out
    labels = _labels(actors)
    measures = doc.get("measures") or {}
    out.sectors = sectors_text(measures)
    out.change = change_text(doc.get("change"))
    islands = doc.get("islands") or []
    n_islands = len(islands)
    n_actors = int(measures.get("actors", len(actors)))
    n_ties = int(measures.get("ties", len(doc.get("ties") or [])))
    coherence = measures.get("coherence")
    if coherence is None and islands:
        coherence = len(islands[0].get("members") or []) / max(n_actors, 1)

    out.lead.append(
        ngettext(
            "Jeres samskabelse hænger sammen i én ø.",
            "Jeres samskabelse består af %(n)s øer.",
            n_islands,
        )
        % {"n": count(n_islands)}
    )
    if n_islands > 1 and coherence is not None:
        out.lead.append(
            _("Den største, øen omkring %(name)s, samler %(share)s af aktørerne.")
            % {"name": islands[0].get("name", ""), "share": percent(coherence)}
        )
    out.lead.append(
        ngettext(
            "I perioden var %(actors)s aktør med.",
            "I perioden var %(actors)s aktører med, forbundet af %(ties)s bånd.",
            n_actors,
        )
        % {"actors": count(n_actors), "ties": count(n_ties)}
    )

    stage = str(weaving.get("stage", ""))
    if stage:
        hub_labels = [labels.get(h, h) for h in weaving.get("hubs") or []]
        step = stage_step(stage)
        name = str(STAGE_NAMES.get(stage, stage))
        out.stage = Stage(
            key=stage,
            step=step,
            name=(_("Trin %(step)s af 4: %(name)s") % {"step": step, "name": name.lower()})
            if step
            else name,
            meaning=str(STAGE_MEANINGS.get(stage, "")),
            reason=reason_text(
                str(weaving.get("reason", "")),
                weaving.get("facts") or {},
                hub_labels,
                weaving.get("thresholds"),
            ),
            next=str(STAGE_NEXT.get(stage, "")),
        )

    brokers = sorted(
        (a for a in actors if a.get("broker")),
        key=lambda a: (-(a.get("betweenness") or 0.0), a["id"]),
    )[:MAX_NAMED]
    out.connector_ids = [a["id"] for a in brokers]
    if brokers:
        out.connectors = ngettext(
            "%(names)s binder flest af de andre sammen: mange af de øvrige aktører når kun "
            "hinanden gennem den.",
            "%(names)s binder flest af de andre sammen: mange af de øvrige aktører når kun "
            "hinanden gennem dem.",
            len(brokers),
        ) % {"names": join_words([labels[a["id"]] for a in brokers])}
    else:
        out.connectors = _("Ingen aktør står i perioden som forbinder mellem de andre.")

    adj = _adjacency(doc.get("ties") or [])
    degree = {k: len(v) for k, v in adj.items()}
    cuts = sorted(
        (a for a in actors if a.get("cut_point")),
        key=lambda a: (-(a.get("betweenness") or 0.0), a["id"]),
    )[:2]
    for cut in cuts:
        parts = split_parts(adj, cut["id"])
        if len(parts) < 2:
            continue
        parts.sort(key=lambda p: (-len(p), min(p)))
        names = [labels[min(p, key=lambda m: (-degree.get(m, 0), m))] for p in parts[:4]]
        more = len(parts) - len(names)
        if more:
            names.append(ngettext("%(n)s anden gruppe", "%(n)s andre grupper", more) % {"n": more})
        out.cut_points.append(
            _("%(name)s er eneste bro mellem %(parts)s.")
            % {"name": labels[cut["id"]], "parts": join_words(names)}
        )
    n_bridges = sum(1 for t in doc.get("ties") or [] if t.get("bridge"))
    if n_bridges:
        out.cut_points.append(
            ngettext(
                "%(n)s bånd er det eneste mellem to dele af netværket; brister det, falder "
                "netværket fra hinanden.",
                "%(n)s bånd er hvert det eneste mellem to dele af netværket; brister et af dem, "
                "falder netværket fra hinanden.",
                n_bridges,
            )
            % {"n": count(n_bridges)}
        )

    pairs: set[tuple[int, int]] = set()
    for s in doc.get("suggestions") or []:
        pair = (int(s["island_a"]), int(s["island_b"]))
        if pair in pairs or len(pairs) >= max_suggestions:
            continue  # the best suggestion of each pair of islands
        pairs.add(pair)
        out.suggestions.append(
            Suggestion(suggestion_text(doc, s, labels), str(s["actor_a"]), str(s["actor_b"]))
        )
    return out
