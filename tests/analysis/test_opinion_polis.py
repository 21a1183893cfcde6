"""Verification against real Pol.is conversations and Pol.is's own math output.

- CSV exports (compdemocracy/openData): our groups against the group-id Pol.is exported, by
  adjusted Rand index over participants both methods cluster.
- exact/ (Pol.is API JSON + math-pca2.json, the Pol.is math server's output): PCA components,
  consensus, group-informed consensus and repness term by term.

Pol.is's state also depends on its update history, which no export carries: who is "in the
conversation" (once in, stays in) and the smoothed group count k (a new k must win 4 updates in a
row). For the term-by-term checks we therefore hand our pipeline Pol.is's in-conv set and group
count (``keep_in_conv``, ``force_k``) and compare only groups whose members coincide.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from samskab.analysis.opinion import OpinionResult, analyze
from samskab.analysis.polis_io import read_polis, read_polis_groups

from .test_opinion_helpers import adjusted_rand

DATA = Path(__file__).resolve().parents[1] / "data" / "polis"
EXACT = ["below-100-ptpts", "50ptpt-3gp-strict-no-meta"]


@pytest.mark.parametrize(
    ("name", "min_ari"), [("bg2050-volunteers", 0.95), ("vtaiwan.uberx", 0.85)]
)
def test_groups_agree_with_polis_export(name: str, min_ari: float) -> None:
    inp = read_polis(DATA / name)
    res = analyze(inp, seed=0)
    theirs = read_polis_groups(DATA / name)
    pos = {p: i for i, p in enumerate(res.participant_ids)}
    both = [p for p, g in theirs.items() if g is not None and p in pos and res.group[pos[p]] >= 0]
    assert len(both) >= 0.9 * sum(g is not None for g in theirs.values())
    ari = adjusted_rand([theirs[p] for p in both], [res.group[pos[p]] for p in both])
    assert ari >= min_ari


@cache
def load_exact(name: str) -> tuple[OpinionResult, dict[str, Any], OpinionResult]:
    folder = DATA / "exact" / name
    math_out = json.loads((folder / "math-pca2.json").read_text(encoding="utf-8"))
    inp = read_polis(folder)
    plain = analyze(inp)
    informed = analyze(
        inp,
        keep_in_conv=[str(p) for p in math_out["in-conv"]],
        force_k=len(math_out["group-clusters"]),
    )
    return plain, math_out, informed


def polis_groups(math_out: dict[str, Any]) -> dict[int, set[str]]:
    base = math_out["base-clusters"]
    members = {b: m for b, m in zip(base["id"], base["members"], strict=True)}
    return {
        g["id"]: {str(p) for b in g["members"] for p in members[b]}
        for g in math_out["group-clusters"]
    }


def matched_groups(res: OpinionResult, math_out: dict[str, Any]) -> dict[int, int]:
    """Our group id → Pol.is group id, for groups with exactly the same members."""
    theirs = polis_groups(math_out)
    out = {}
    for g in res.groups:
        ours = {res.participant_ids[i] for i in np.flatnonzero(res.group == g.id)}
        for tid, members in theirs.items():
            if members == ours:
                out[g.id] = tid
    return out


@pytest.mark.parametrize("name", EXACT)
def test_pca_matches_polis(name: str) -> None:
    res, math_out, _ = load_exact(name)
    idx = [res.statement_ids.index(str(t)) for t in math_out["tids"]]
    for k in range(2):
        theirs = np.asarray(math_out["pca"]["comps"][k])
        r = np.corrcoef(theirs, res.pca.components[k, idx])[0, 1]
        assert abs(r) >= 0.99
    # Pol.is's centre is in its database convention (agree = -1): ours negated.
    center = np.asarray(math_out["pca"]["center"])
    assert np.corrcoef(center, -res.pca.center[idx])[0, 1] >= 0.99
    ext = np.asarray(math_out["pca"]["comment-extremity"])
    assert np.corrcoef(ext, res.pca.extremity[idx])[0, 1] >= 0.99


@pytest.mark.parametrize("name", EXACT)
def test_consensus_matches_polis(name: str) -> None:
    res, math_out, _ = load_exact(name)
    for ours, key in ((res.consensus_agree, "agree"), (res.consensus_disagree, "disagree")):
        theirs = math_out["consensus"][key]
        assert [c.statement for c in ours] == [str(c["tid"]) for c in theirs]
        for a, b in zip(ours, theirs, strict=True):
            assert a.p == pytest.approx(b["p-success"]) and a.p_test == pytest.approx(b["p-test"])


@pytest.mark.parametrize("name", EXACT)
def test_groups_repness_and_informed_consensus_match_polis(name: str) -> None:
    _, math_out, res = load_exact(name)
    match = matched_groups(res, math_out)
    assert match, "no group coincides with Pol.is's"
    for g in res.groups:
        if g.id not in match:
            continue
        theirs = math_out["repness"][str(match[g.id])]
        assert [(r.statement, r.direction) for r in g.repness] == [
            (str(t["tid"]), t["repful-for"]) for t in theirs
        ]
        for a, b in zip(g.repness, theirs, strict=True):
            assert a.p == pytest.approx(b["p-success"])
            assert a.p_test == pytest.approx(b["p-test"])
            assert a.repness == pytest.approx(b["repness"])
            assert a.repness_test == pytest.approx(b["repness-test"], rel=1e-6)
            assert a.n_success == b["n-success"] and a.n_trials == b["n-trials"]
    if len(match) == len(res.groups) == len(math_out["group-clusters"]):
        gac = math_out["group-aware-consensus"]
        for tid, value in gac.items():
            j = res.statement_ids.index(tid)
            assert res.group_informed_consensus[j] == pytest.approx(value)


def test_priorities_match_polis_where_groups_match() -> None:
    # Pol.is computes priorities from the previous update's group votes; on this fixture they
    # equal the current ones (all groups coincide).
    _, math_out, res = load_exact("below-100-ptpts")
    assert len(matched_groups(res, math_out)) == len(res.groups)
    for tid, value in math_out["comment-priorities"].items():
        assert res.priority[res.statement_ids.index(tid)] == pytest.approx(value)
