"""The clauses a report drafts count in whole Danish: one challenge, one idea, one initiative,
not "1 udfordringer", "de 1 indsendte idéer" or "1 initiativer"."""

from __future__ import annotations

from samskab.reports.figures import drafted_clauses


def _figures(kind: str, challenges: int, ideas: int, initiatives: int) -> dict:
    return {
        "kind": kind,
        "challenges": {"rows": [{}] * challenges},
        "ideas": {"selected": [], "empty": ideas == 0, "count": ideas},
        "initiatives": {"empty": initiatives == 0, "initiatives": [{}] * initiatives},
    }


def test_one_of_each_is_singular():
    movement = drafted_clauses(_figures("movement", 1, 0, 1))
    assert "udvalget tager orienteringen om bevægelsens 1 udfordring til efterretning" in movement
    assert "forvaltningen arbejder videre med 1 initiativ sammen med partnerne" in movement
    challenge = drafted_clauses(_figures("challenge", 1, 1, 0))
    assert "udvalget tager den indsendte idé og prioriteringen til efterretning" in challenge


def test_more_than_one_is_plural():
    movement = drafted_clauses(_figures("movement", 3, 0, 2))
    assert "udvalget tager orienteringen om bevægelsens 3 udfordringer til efterretning" in movement
    assert "forvaltningen arbejder videre med 2 initiativer sammen med partnerne" in movement
    challenge = drafted_clauses(_figures("challenge", 1, 4, 0))
    assert "udvalget tager de 4 indsendte idéer og prioriteringen til efterretning" in challenge
