"""The landscape in words: every weaving stage and reason key, the connectors, the bridges and
the suggested ties, in plain Danish; all of it through gettext."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from samskab.landscape import summary
from tests.landscape.documents import empty_document, make_document

# Every reason `samskab.analysis.network.weaving_stage` can return, with facts it would give.
CASES = {
    "no_actors": ("empty", {}, []),
    "no_island_holds_enough": (
        "scattered_clusters",
        {"coherence": 0.3, "islands": 5.0, "largest_island": 12.0},
        [],
    ),
    "islands_too_small": (
        "scattered_clusters",
        {"coherence": 0.75, "islands": 2.0, "largest_island": 3.0},
        [],
    ),
    "connected_without_hubs": (
        "multi_hub",
        {
            "coherence": 0.9,
            "islands": 2.0,
            "largest_island": 30.0,
            "mean_degree": 2.5,
            "hub_degree": 5.0,
            "hubs": 0.0,
        },
        [],
    ),
    "one_hub": (
        "hub_and_spokes",
        {
            "coherence": 0.9,
            "largest_island": 30.0,
            "mean_degree": 2.0,
            "hubs": 1.0,
            "top_hub_reach": 0.4,
        },
        ["org:00001"],
    ),
    "one_hub_reaches_most": (
        "hub_and_spokes",
        {"coherence": 0.9, "largest_island": 30.0, "hubs": 3.0, "top_hub_reach": 0.72},
        ["org:00001", "org:00002", "org:00003"],
    ),
    "dense_core_of_hubs": (
        "core_periphery",
        {
            "coherence": 0.95,
            "largest_island": 30.0,
            "hubs": 4.0,
            "top_hub_reach": 0.3,
            "hub_density": 0.8,
            "periphery_reach": 0.66,
        },
        ["org:00001", "org:00002", "org:00003", "org:00004"],
    ),
    "several_hubs": (
        "multi_hub",
        {
            "coherence": 0.95,
            "largest_island": 30.0,
            "hubs": 2.0,
            "top_hub_reach": 0.3,
            "hub_density": 0.0,
            "periphery_reach": 0.8,
        },
        ["org:00001", "org:00002"],
    ),
}

EXPECTED = {
    "no_actors": "Der er ikke registreret samskabelse mellem aktører i perioden.",
    "no_island_holds_enough": "Ingen ø samler 50 % af aktørerne: den største samler 30 %.",
    "islands_too_small": "Den største ø har kun 3 aktører, så ingen kan endnu være et knudepunkt",
    "connected_without_hubs": "ingen aktør har markant flere bånd end de andre (i gennemsnit "
    "2,5 bånd hver).",
    "one_hub": "Én aktør, {hub}, har langt flere bånd end de andre",
    "one_hub_reaches_most": "{hub} har direkte bånd til 72 % af de andre i den største ø. "
    "Netværket drejer om den ene aktør, selv om der er 3 knudepunkter.",
    "dense_core_of_hubs": "4 knudepunkter er tæt forbundet med hinanden, og 66 % af de øvrige",
    "several_hubs": "Den største ø har 2 knudepunkter, men de er ikke tæt nok forbundet",
}

STAGE_WORDS = {
    "empty": None,
    "scattered_clusters": "Trin 1 af 4: spredte klynger",
    "hub_and_spokes": "Trin 2 af 4: ét knudepunkt med eger",
    "multi_hub": "Trin 3 af 4: flere knudepunkter",
    "core_periphery": "Trin 4 af 4: kerne og periferi",
}


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


def test_every_reason_key_of_the_analysis_has_words():
    assert set(CASES) == set(summary.REASONS)
    import inspect

    from samskab.analysis import network

    source = inspect.getsource(network._weaving)
    for key in summary.REASONS:
        assert f'"{key}"' in source


@pytest.mark.parametrize("reason", list(CASES))
def test_each_stage_and_reason_in_plain_danish(reason):
    stage, facts, hubs = CASES[reason]
    doc = make_document(
        30, 2, weaving={"stage": stage, "reason": reason, "facts": facts, "hubs": hubs}
    )
    labels = {a["id"]: a["label"] for a in doc["actors"]}
    said = summary.summarise(doc)
    assert said.stage is not None
    expected = EXPECTED[reason].format(hub=labels.get(hubs[0], "") if hubs else "")
    assert expected in said.stage.reason
    if STAGE_WORDS[stage]:
        assert said.stage.name == STAGE_WORDS[stage]
        assert said.stage.step == summary.STAGE_ORDER.index(stage) + 1
    assert said.stage.meaning and said.stage.next


def test_an_unknown_reason_says_nothing_rather_than_break():
    assert summary.reason_text("something_new", {}) == ""


def test_the_lead_counts_islands_and_the_largest_share():
    doc = make_document(40, 4)
    said = summary.summarise(doc)
    share = round(len(doc["islands"][0]["members"]) / 40 * 100)
    assert said.lead[0] == "Jeres samskabelse består af 4 øer."
    assert said.lead[1] == (
        f"Den største, øen omkring {doc['islands'][0]['name']}, samler {share} % af aktørerne."
    )
    assert said.lead[2].startswith("I perioden var 40 aktører med, forbundet af ")
    one = summary.summarise(make_document(12, 1))
    assert one.lead[0] == "Jeres samskabelse hænger sammen i én ø."


def test_connectors_are_the_brokers_by_betweenness():
    doc = make_document(40, 4)
    said = summary.summarise(doc)
    brokers = sorted((a for a in doc["actors"] if a["broker"]), key=lambda a: -a["betweenness"])
    assert said.connector_ids == [a["id"] for a in brokers[:5]]
    assert said.connectors.startswith(brokers[0]["label"] + ", ")
    assert " og " in said.connectors and "binder flest af de andre sammen" in said.connectors
    for a in doc["actors"]:
        a["broker"] = False
    assert "Ingen aktør står i perioden som forbinder" in summary.summarise(doc).connectors


def test_a_cut_point_is_the_only_bridge_between_named_parts():
    doc = make_document(7, 1, ties_per_actor=1.0)
    # A star: the centre is the only bridge between the others.
    ids = [a["id"] for a in doc["actors"]][:4]
    for a in doc["actors"]:
        a["cut_point"] = a["id"] == ids[0]
    doc["ties"] = [
        {"a": ids[0], "b": other, "weight": 1.0, "kinds": {}, "bridge": True} for other in ids[1:]
    ]
    labels = {a["id"]: a["label"] for a in doc["actors"]}
    said = summary.summarise(doc)
    assert said.cut_points[0] == (
        f"{labels[ids[0]]} er eneste bro mellem {labels[ids[1]]}, {labels[ids[2]]} og "
        f"{labels[ids[3]]}."
    )
    assert said.cut_points[1].startswith("3 bånd er hvert det eneste mellem to dele")


def test_suggested_ties_say_which_islands_and_why():
    doc = make_document(40, 4)
    labels = {a["id"]: a["label"] for a in doc["actors"]}
    doc["suggestions"] = [
        {
            "island_a": 0,
            "island_b": 1,
            "actor_a": doc["actors"][0]["id"],
            "actor_b": doc["actors"][30]["id"],
            "score": 2.5,
            "shared_context": ["category:grøn-omstilling", "challenge:3"],
            "sectors": ["kommune", "forening"],
            "complementary_sectors": True,
        },
        {
            "island_a": 1,
            "island_b": 2,
            "actor_a": doc["actors"][1]["id"],
            "actor_b": doc["actors"][2]["id"],
            "score": 0.0,
            "shared_context": [],
            "sectors": ["forening", "forening"],
            "complementary_sectors": False,
        },
    ]
    said = summary.summarise(doc)
    first, second = (s.text for s in said.suggestions)
    assert first == (
        f"Hvis {labels[doc['actors'][0]['id']]} og {labels[doc['actors'][30]['id']]} blev "
        f"introduceret, ville øen omkring {doc['islands'][0]['name']} og øen omkring "
        f"{doc['islands'][1]['name']} hænge sammen, fordi de begge arbejder med Grøn omstilling "
        "og et lukket forløb, og fordi de kommer fra hver sin sektor (kommunen og foreningerne)."
    )
    # A closed arena is never named.
    assert "Udfordring 3" not in first
    assert second.endswith(
        "fordi de har flest bånd i hver deres ø og kan føre introduktionen videre."
    )


def test_an_empty_landscape_says_nothing_was_registered():
    said = summary.summarise(empty_document())
    assert said.lead == ["Der er ikke registreret samskabelse i perioden."]
    assert said.stage is None and said.suggestions == []


def test_numbers_and_times_in_danish():
    assert summary.percent(0.6) == "60 %"
    assert summary.percent(0.004) == "under 1 %"
    assert summary.percent(None) == "–"
    assert summary.decimal(0.314) == "0,31"
    assert summary.join_words(["A", "B", "C"]) == "A, B og C"
    moment = datetime(2026, 12, 2, 7, 15, tzinfo=UTC)  # 08.15 in Copenhagen
    assert summary.computed_at(moment) == "2. december 2026 kl. 08.15"


def test_every_sentence_goes_through_gettext(monkeypatch):
    """English comes from the translation catalogue: each text is a gettext msgid."""
    monkeypatch.setattr(summary, "_", lambda s: "«" + s + "»")
    monkeypatch.setattr(summary, "ngettext", lambda s, p, n: "«" + (s if n == 1 else p) + "»")
    doc = make_document(40, 4)
    said = summary.summarise(doc)
    for text in [
        *said.lead,
        said.connectors,
        *said.cut_points,
        said.stage.reason,
        *(s.text for s in said.suggestions),
    ]:
        assert text.startswith("«"), text
    with translation.override("en"):
        assert str(summary.STAGE_NAMES["hub_and_spokes"])  # lazily translated
        assert summary.sector_label("forening")


def test_a_suggestion_between_the_islands_namesakes_is_said_shortly():
    doc = make_document(40, 4)
    by_label = {a["label"]: a["id"] for a in doc["actors"]}
    doc["suggestions"] = [
        {
            "island_a": 0,
            "island_b": 1,
            "actor_a": by_label[doc["islands"][0]["name"]],
            "actor_b": by_label[doc["islands"][1]["name"]],
            "score": 0.5,
            "shared_context": [],
            "sectors": ["kommune", "forening"],
            "complementary_sectors": True,
        }
    ]
    text = summary.summarise(doc).suggestions[0].text
    assert text.startswith(
        f"Hvis {doc['islands'][0]['name']} og {doc['islands'][1]['name']} blev introduceret, "
        "ville deres to øer hænge sammen, fordi de kommer fra hver sin sektor"
    )


def test_whether_the_sectors_work_together_in_words():
    """The E–I index as a share of ties across sectors, and the sector that keeps most to
    itself (Krackhardt & Stern's index, with its scale explained)."""
    measures = {
        "ei": {
            "whole": 0.2,
            "external": 6,
            "internal": 4,
            "per_sector": {"kommune": 0.5, "forening": -0.6, "borger": None},
        }
    }
    text = summary.sectors_text(measures)
    assert text.startswith("60 % af båndene går på tværs af sektorerne")
    assert "Mest for sig selv holder foreningerne" in text
    assert "−0,60" in text or "-0,60" in text
    assert summary.sectors_text({"ei": {"external": 0, "internal": 0}}) == ""


def test_what_changed_since_the_period_before():
    change = {
        "previous": {"start": "2025-01-01", "end": "2025-12-31"},
        "actors_added": ["org:1", "org:2"],
        "actors_removed": ["org:9"],
        "ties_added": [["org:1", "org:2"]],
        "ties_removed": [],
        "islands_before": 5,
        "islands_after": 3,
        "coherence_before": 0.3,
        "coherence_after": 0.55,
    }
    text = summary.change_text(change)
    assert "Siden perioden før (1. januar 2025–31. december 2025)" in text
    assert "er der kommet 2 nye aktører og 1 nyt bånd til. 1 aktør er ikke med længere." in text
    assert "Øerne gik fra 5 til 3" in text and "55 %" in text and "30 %" in text
    assert summary.change_text(None) == ""
