"""Tests for samskab.analysis.similarity ("similar ideas while typing"). No Django."""

from __future__ import annotations

import pickle
import random

import pytest

from samskab.analysis import similarity
from samskab.analysis.similarity import (
    DEFAULT_MIN_SCORE,
    SimilarityIndex,
    char_ngrams,
    normalise,
)

IDEAS: list[tuple[int | str, str]] = [
    (1, "Mere ældresamvær i dagcentret, fx fællesspisning om torsdagen"),
    (2, "Sikker cykelsti til skolen langs Hovedvejen"),
    (3, "Flere bænke i parken, så de ældres gåture bliver lettere"),
    (4, "Legeplads med gynger og sandkasse til de mindste børn"),
    (5, "Bedre belysning på stien ved søen for trygheden om aftenen"),
    (6, "Grøn skov med nye træer og blomstereng for insekterne"),
    ("a7", "Borgermøde om den nye lokalplan for bymidten"),
]


@pytest.fixture
def index() -> SimilarityIndex:
    return SimilarityIndex(IDEAS)


def ids(hits: list[tuple[int | str, float]]) -> list[int | str]:
    return [i for i, _ in hits]


# ------------------------------------------------------------------------------ text handling


def test_normalise_keeps_danish_letters_and_strips_punctuation() -> None:
    assert normalise("Ældre-samvær, i  Ørslev og Århus!") == "ældre samvær i ørslev og århus"
    assert normalise("ÆØÅ æøå") == "æøå æøå"
    assert normalise("  ...  ") == ""
    assert normalise("snake_case\ttab\nnewline") == "snake case tab newline"
    # NFKC folds compatibility characters (ligature ﬁ) and composes å from a + ring.
    assert normalise("ﬁskeri") == "fiskeri"
    assert normalise("a\u030a") == "å"


def test_char_ngrams_are_padded_at_word_boundaries() -> None:
    assert char_ngrams("Øl", 3, 4) == [" øl", "øl ", " øl "]
    grams = char_ngrams("ældre", 3, 5)
    assert " æl" in grams and "dre " in grams and "ældre" in grams and " ældr" in grams
    assert char_ngrams("") == []
    with pytest.raises(ValueError):
        char_ngrams("x", 4, 3)


# ------------------------------------------------------------------------------ Danish examples


def test_compound_matches_its_parts(index: SimilarityIndex) -> None:
    hits = index.query("samvær for ældre")
    assert hits and hits[0][0] == 1
    assert hits[0][1] >= DEFAULT_MIN_SCORE


def test_parts_match_the_compound() -> None:
    idx = SimilarityIndex([(1, "Cykelparkering ved stationen"), (2, "Ny legeplads i parken")])
    assert ids(idx.query("parkering til cykler"))[:1] == [1]


def test_inflections_match(index: SimilarityIndex) -> None:
    # "ældres" (genitive) finds both the "ældre…" compound and "ældres gåture".
    assert set(ids(index.query("ældres"))) == {1, 3}
    assert ids(index.query("de ældres behov"))[:1] == [3]
    assert ids(index.query("cykelstier"))[:1] == [2]
    assert ids(index.query("træerne i skoven"))[:1] == [6]


def test_danish_letters_are_significant() -> None:
    idx = SimilarityIndex([(1, "søen ved skoven"), (2, "soen ved skoven")], min_score=0.0)
    hits = idx.query("søen")
    assert hits[0][0] == 1 and hits[0][1] > dict(hits).get(2, 0.0)


# ------------------------------------------------------------------------------ edge cases


def test_empty_and_punctuation_only_text(index: SimilarityIndex) -> None:
    assert index.query("") == []
    assert index.query("   !!! ,, ") == []


def test_very_short_text(index: SimilarityIndex) -> None:
    # One letter has one padded gram (" å "); it must not crash, and unrelated letters show
    # nothing above the threshold.
    assert index.query("å") == []
    assert index.query("x", min_score=0.0) == []
    hits = index.query("ældre", min_score=0.0)
    assert hits and hits[0][0] in (1, 3)


def test_empty_index() -> None:
    idx = SimilarityIndex()
    assert len(idx) == 0 and idx.query("ældre") == []


def test_idea_with_empty_text_is_kept_but_never_matches() -> None:
    idx = SimilarityIndex([(1, ""), (2, "cykelsti")])
    assert len(idx) == 2 and 1 in idx
    assert ids(idx.query("cykelsti", min_score=0.0)) == [2]


# ------------------------------------------------------------------------------ ranking


def test_scores_are_ordered_and_bounded(index: SimilarityIndex) -> None:
    hits = index.query("ældre i parken og dagcentret", k=7, min_score=0.0)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_identical_text_scores_one(index: SimilarityIndex) -> None:
    hits = index.query(IDEAS[1][1])
    assert hits[0] == (2, pytest.approx(1.0, abs=1e-9))


def test_k_limits_results(index: SimilarityIndex) -> None:
    assert len(index.query("de ældre i parken", k=2, min_score=0.0)) == 2
    assert index.query("de ældre", k=0) == []
    with pytest.raises(ValueError):
        index.query("x", k=-1)


def test_threshold_hides_unrelated_ideas(index: SimilarityIndex) -> None:
    unrelated = "teleskop til observatoriet"
    assert index.query(unrelated) == []
    assert index.query(unrelated, min_score=0.0) != []
    strict = SimilarityIndex(IDEAS, min_score=0.99)
    assert ids(strict.query(IDEAS[0][1])) == [1]
    assert strict.query("samvær for ældre") == []


def test_exclude(index: SimilarityIndex) -> None:
    assert 2 not in ids(index.query(IDEAS[1][1], exclude={2}, min_score=0.0))


def test_determinism_and_tie_order() -> None:
    items = [(i, "cykelsti til skolen") for i in (5, 3, 9)] + [(1, "bænke i parken")]
    a = SimilarityIndex(items).query("cykelsti til skolen")
    b = SimilarityIndex(items).query("cykelsti til skolen")
    assert a == b
    # Equal scores keep insertion order.
    assert ids(a) == [5, 3, 9]


# ------------------------------------------------------------------------------ add / remove


def test_add_and_remove(index: SimilarityIndex) -> None:
    assert index.query("hundeskov") == []
    index.add(8, "Indhegnet hundeskov ved stranden")
    assert ids(index.query("hundeskov"))[:1] == [8]
    assert 8 in index and len(index) == 8
    assert index.remove(8) is True
    assert index.remove(8) is False
    assert 8 not in index and index.query("hundeskov") == []


def test_add_replaces_existing_text(index: SimilarityIndex) -> None:
    index.add(2, "Hundeskov i parken")
    assert 2 not in ids(index.query("sikker cykelsti til skolen"))
    assert ids(index.query("hundeskov"))[:1] == [2]
    assert len(index) == len(IDEAS)


@pytest.mark.parametrize("tail_rows", [2, 256])
def test_incremental_updates_equal_a_fresh_build(
    tail_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tail_rows = 2 merges the tail of recent rows into the base often, so removals hit both.
    monkeypatch.setattr(similarity, "_TAIL_ROWS", tail_rows)
    rng = random.Random(0)
    words = [
        "ældre",
        "samvær",
        "park",
        "bænk",
        "cykel",
        "sti",
        "skole",
        "sø",
        "skov",
        "træ",
        "lys",
        "tryghed",
        "børn",
        "leg",
        "mad",
    ]
    texts = {i: " ".join(rng.choice(words) for _ in range(12)) for i in range(60)}
    idx = SimilarityIndex()
    for i in range(40):
        idx.add(i, texts[i])
        if i % 7 == 0:
            idx.query("park")  # queries flush pending rows into the tail / base
    for i in range(0, 40, 3):
        idx.remove(i)  # enough removals to trigger compaction
    idx.add_many((i, texts[i]) for i in range(40, 60))
    live = [(i, texts[i]) for i in range(60) if not (i < 40 and i % 3 == 0)]
    fresh = SimilarityIndex(live)
    assert sorted(map(str, idx.ids)) == sorted(map(str, fresh.ids))
    for q in ("ældre på bænk i park", "cykel sti til skole", "børn og mad"):
        got = idx.query(q, k=10, min_score=0.0)
        want = fresh.query(q, k=10, min_score=0.0)
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-12)
        assert set(ids(got)) == set(ids(want))


def test_bad_ids_and_texts() -> None:
    with pytest.raises(TypeError):
        SimilarityIndex([(1.5, "x")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        SimilarityIndex([(True, "x")])
    with pytest.raises(TypeError):
        SimilarityIndex([(1, None)])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        SimilarityIndex(ngram_range=(5, 3))
    with pytest.raises(ValueError):
        SimilarityIndex(min_score=1.5)


# ------------------------------------------------------------------------------ serialisation


def test_to_bytes_round_trip(index: SimilarityIndex) -> None:
    index.remove(4)
    blob = index.to_bytes()
    restored = SimilarityIndex.from_bytes(blob)
    assert restored.ids == index.ids and "a7" in restored
    for q in ("samvær for ældre", "lokalplan", "lys på stien"):
        assert restored.query(q, min_score=0.0) == index.query(q, min_score=0.0)
    restored.add(9, "lokalplan for havnen")
    assert 9 in ids(restored.query("lokalplan"))


def test_pickle_round_trip(index: SimilarityIndex) -> None:
    restored = pickle.loads(pickle.dumps(index))  # noqa: S301 - our own bytes
    assert restored.query("samvær for ældre") == index.query("samvær for ældre")
    assert restored.min_score == index.min_score and restored.ngram_range == index.ngram_range


def test_from_bytes_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        SimilarityIndex.from_bytes(b"not an index")
