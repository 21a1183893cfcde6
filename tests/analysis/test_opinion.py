"""Worked examples for each formula of the opinion map (samskab.analysis.opinion).

Expected numbers are computed by hand from the formulas cited in opinion.py (Pol.is math).
No Django, no database.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from samskab.analysis import opinion as op
from samskab.analysis.opinion import (
    OpinionInputError,
    StatementInfo,
    Vote,
    analyze,
    build_input,
    input_from_arrays,
)

from .test_opinion_helpers import adjusted_rand, planted


def matrix_input(
    rows: list[list[float]],
    mod_out: list[bool] | None = None,
    is_meta: list[bool] | None = None,
    roles: dict[str, str] | None = None,
) -> op.OpinionInput:
    """Input from a dense list of rows; NaN = not seen."""
    a = np.asarray(rows, dtype=float)
    r, c = np.nonzero(~np.isnan(a))
    return input_from_arrays(
        [str(i) for i in range(a.shape[0])],
        [str(j) for j in range(a.shape[1])],
        r,
        c,
        a[r, c].astype(int),
        mod_out=mod_out,
        is_meta=is_meta,
        roles=roles,
    )


N = float("nan")


# ---------------------------------------------------------------------------------- vote matrix


def test_latest_vote_wins_by_timestamp_then_input_order() -> None:
    inp = build_input(
        [
            Vote("a", "s1", 1, timestamp=5),
            Vote("a", "s1", -1, timestamp=3),  # older: loses
            Vote("b", "s1", 1, timestamp=1),
            Vote("b", "s1", 0, timestamp=1),  # same time, later in input: wins
            Vote("b", "s2", -1),
        ],
        [StatementInfo("s1"), StatementInfo("s2"), StatementInfo("s3", moderated=-1)],
    )
    assert inp.participant_ids == ("a", "b")
    assert inp.statement_ids == ("s1", "s2", "s3")
    dense = inp.dense()
    assert dense[0, 0] == 1 and np.isnan(dense[0, 1])
    assert dense[1, 0] == 0 and dense[1, 1] == -1  # a pass is a 0, not missing
    assert inp.mod_out.tolist() == [False, False, True]


def test_meta_statement_is_mod_out() -> None:
    inp = build_input([Vote("a", "s1", 1)], [StatementInfo("s1", moderated=1, is_meta=True)])
    assert inp.mod_out.tolist() == [True] and inp.is_meta.tolist() == [True]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"values": [2]},
        {"rows": [5]},
        {"cols": [-1]},
        {"participant_ids": ["x", "x"]},
        {"values": [0.5]},
    ],
)
def test_bad_input_raises(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "participant_ids": ["x"],
        "statement_ids": ["s"],
        "rows": [0],
        "cols": [0],
        "values": [1],
    }
    args.update(kwargs)
    with pytest.raises(OpinionInputError):
        input_from_arrays(**args)  # type: ignore[arg-type]


def test_bad_vote_value_in_build_input() -> None:
    with pytest.raises(OpinionInputError):
        build_input([Vote("a", "s", 3)])


# ------------------------------------------------------------------------------------ PCA parts


def test_column_means_and_mod_out() -> None:
    inp = matrix_input([[1, 1, 1], [-1, 0, N], [1, N, -1]], mod_out=[False, False, True])
    mu, active = op.column_means(inp)
    # (1-1+1)/3, (1+0)/2, mod-out column set to 0 for everyone
    assert mu == pytest.approx([1 / 3, 1 / 2, 0.0])
    assert active.all()


def test_pca_two_opposed_blocks() -> None:
    # Two agreeing and two disagreeing participants: means 0, CᵀC = [[4,4],[4,4]], so
    # pc1 = (1,1)/√2 and pc2 = ±(1,-1)/√2. Participant 0 projects to √(2/2)·(1+1)/√2 = √2.
    inp = matrix_input([[1, 1], [1, 1], [-1, -1], [-1, -1]])
    res = analyze(inp)
    s = 1 / math.sqrt(2)
    assert res.pca.components[0] == pytest.approx([s, s])
    assert np.abs(res.pca.components[1]) == pytest.approx([s, s])
    assert res.x.tolist() == pytest.approx([math.sqrt(2)] * 2 + [-math.sqrt(2)] * 2)
    assert res.y == pytest.approx([0, 0, 0, 0])


def test_sparsity_aware_projection_worked_example() -> None:
    # p0: s0=+1, s1=-1; p1: s0=-1, s1=+1, s2=+1; p2: s0 pass; s3 mod-out, voted by p0.
    inp = matrix_input(
        [[1, -1, N, 1], [-1, 1, 1, N], [0, N, N, N]], mod_out=[False, False, False, True]
    )
    mu, active = op.column_means(inp)
    assert mu == pytest.approx([0, 0, 1, 0])
    c = op._centered(inp, mu)
    comps = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    x, y = op.project(inp, c, comps, active)
    # m = 4 statements; the mod-out column counts as a cell for everyone (zeroed for all).
    # p0: n=2+1 → √(4/3)·(1, -1); p1: n=3+1 → (−1, 1); p2: n=1+1 → √2·(0, 0).
    assert x == pytest.approx([math.sqrt(4 / 3), -1, 0])
    assert y == pytest.approx([-math.sqrt(4 / 3), 1, 0])


def test_comment_extremity() -> None:
    mu = np.array([0.5, -1.0, 0.0])
    comps = np.array([[0.6, 0.0, 0.0], [0.8, 1.0, 0.0]])
    e = op.comment_extremity(mu, comps, np.array([True, True, True]))
    # √3·|1−μ|·‖pc_j‖: √3·0.5·1, √3·2·1, 0
    assert e == pytest.approx([math.sqrt(3) * 0.5, math.sqrt(3) * 2, 0])


def test_lanczos_path_equals_dense_path() -> None:
    rng = np.random.default_rng(3)
    n, m = 300, 450
    a = np.where(rng.random((n, m)) < 0.1, rng.choice([-1.0, 0.0, 1.0], (n, m)), np.nan)
    a[: n // 2, : m // 2] = np.where(np.isnan(a[: n // 2, : m // 2]), np.nan, 1.0)
    inp = matrix_input(a.tolist())
    mu, _ = op.column_means(inp)
    c = op._centered(inp, mu)
    sparse = op.pca_components(c, dense_below=0)
    dense = op.pca_components(c, dense_below=10_000)
    # Reference: SVD of the dense mean-imputed, centred matrix.
    filled = np.where(np.isnan(a), np.nanmean(a, axis=0), a)
    ref = np.linalg.svd(filled - filled.mean(axis=0), full_matrices=False)[2][:2]
    for comps in (sparse, dense):
        assert abs(comps[0] @ ref[0]) == pytest.approx(1, abs=1e-8)
        assert abs(comps[1] @ ref[1]) == pytest.approx(1, abs=1e-6)


# ------------------------------------------------------------------------------------ in-conv


def test_in_conv_threshold_greedy_and_sticky() -> None:
    votes = np.array([7, 6, 20] + [1] * 20)
    got = op.select_in_conv(votes, 30)
    # ≥ 7 votes: p0, p2; fewer than 15 → top voters added (p1 next, then 1-vote ones in order)
    assert got[:3].tolist() == [True, True, True] and got.sum() == 15
    assert got[3:15].all() and not got[15:].any()
    few = op.select_in_conv(np.array([3, 3, 0]), 3)  # min(7, m=3) = 3; no votes never in
    assert few.tolist() == [True, True, False]
    prev = np.zeros(23, bool)
    prev[20] = True
    assert op.select_in_conv(votes, 30, prev)[20]


# ------------------------------------------------------------------------------------ k-means


def test_kmeans_first_distinct_init_and_convergence() -> None:
    pts = np.array([[0.0, 0], [0, 0], [1, 0], [10, 0], [11, 0]])
    # init (0,0),(1,0); step 1 centres 0 and 22/3; step 2 moves (1,0) over: 1/3 and 10.5.
    ids, centers, labels = op.kmeans(pts, 2)
    assert np.allclose(centers, [[1 / 3, 0], [10.5, 0]])
    assert labels.tolist() == [0, 0, 0, 1, 1]
    assert ids.tolist() == [0, 1]


def test_weighted_kmeans_and_empty_clusters_dropped() -> None:
    pts = np.array([[0.0, 0], [1, 0], [10, 0]])
    ids, centers, labels = op.kmeans(pts, 2, weights=np.array([1.0, 3.0, 1.0]))
    assert np.allclose(centers, [[0.75, 0], [10, 0]])
    # k larger than the distinct points: only as many clusters as distinct points.
    ids, centers, labels = op.kmeans(np.array([[1.0, 1], [1, 1]]), 3)
    assert len(ids) == 1


def test_kmeans_warm_start_keeps_ids() -> None:
    pts = np.array([[0.0, 0], [0.1, 0], [5, 0], [5.1, 0], [20, 0]])
    prev_labels = np.array([7, 7, 3, 3, -1])  # last point is new
    ids0, cen0 = op._clean_start(pts, np.ones(5), 3, prev_labels, np.array([3, 7]))
    # recentred on members; the most distal point (20,0) becomes a new cluster with a new id
    assert sorted(ids0.tolist()) == [3, 7, 8]
    ids, centers, labels = op.kmeans(pts, 3, None, 100, ids0, cen0)
    by_id = dict(zip(ids.tolist(), centers.tolist(), strict=True))
    assert by_id[7] == pytest.approx([0.05, 0]) and by_id[3] == pytest.approx([5.05, 0])
    assert by_id[8] == pytest.approx([20, 0])


def test_silhouette_worked_example() -> None:
    p = np.array([0.0, 1, 10, 11])
    d = np.abs(p[:, None] - p[None, :])
    # points 0 and 11: a=1, b=10.5; points 1 and 10: a=1, b=9.5
    want = (9.5 / 10.5 + 8.5 / 9.5) / 2
    assert op.silhouette(d, np.array([0, 0, 1, 1])) == pytest.approx(want)
    # a singleton cluster scores 0 for its member: (0 + s1 + s2) / 3
    d3 = np.abs(np.array([0.0, 1, 10])[:, None] - np.array([0.0, 1, 10])[None, :])
    assert op.silhouette(d3, np.array([0, 0, 1])) == pytest.approx((9 / 10 + 8 / 9) / 3)


# ------------------------------------------------------------------------------- statistics


def test_prop_tests() -> None:
    assert op.prop_test(np.array(3.0), np.array(3.0)) == pytest.approx(2.0)
    # 2·√(5+1)·((1+1)/(5+1) − ½)
    assert op.prop_test(np.array(1.0), np.array(5.0)) == pytest.approx(
        2 * math.sqrt(6) * (2 / 6 - 0.5)
    )
    # p1 = 4/4, p2 = 1/4, p̂ = 5/8 → 0.75 / √(5/8·3/8·(1/4+1/4))
    z = op.two_prop_test(np.array(3.0), np.array(0.0), np.array(3.0), np.array(3.0))
    assert z == pytest.approx(0.75 / math.sqrt(5 / 8 * 3 / 8 * 0.5))
    assert op.two_prop_test(np.array(0.0), np.array(0.0), np.array(0.0), np.array(0.0)) == 0


def test_rep_stats_worked_example() -> None:
    # one statement, group 0: 4 agree of 5 seen; group 1: 0 agree, 3 disagree of 4 seen
    a = np.array([[4], [0]])
    d = np.array([[0], [3]])
    s = np.array([[5], [4]])
    st = op.rep_stats(a, d, s)
    assert st.pa[0, 0] == pytest.approx(5 / 7)
    assert st.pd[1, 0] == pytest.approx(4 / 6)
    assert st.pat[0, 0] == pytest.approx(2 * math.sqrt(6) * (5 / 6 - 0.5))
    # ra = pa / ((1 + rest agrees) / (2 + rest seen)) = (5/7) / (1/6)
    assert st.ra[0, 0] == pytest.approx((5 / 7) / (1 / 6))
    p1, p2, ph = 5 / 6, 1 / 5, 6 / 11
    want = (p1 - p2) / math.sqrt(ph * (1 - ph) * (1 / 6 + 1 / 5))
    assert st.rat[0, 0] == pytest.approx(want)
    reps = op.select_repness(st, ["s0"], np.array([False]))
    assert reps[0][0].statement == "s0" and reps[0][0].direction == "agree"
    assert reps[0][0].score == pytest.approx(
        st.ra[0, 0] * st.rat[0, 0] * st.pa[0, 0] * st.pat[0, 0]
    )
    assert reps[1][0].direction == "disagree"


def test_select_repness_order_and_fallback() -> None:
    # group 0 vs group 1 over 4 statements; s3 excluded (mod-out).
    a = np.array([[9, 0, 8, 9], [0, 0, 0, 0]])
    d = np.array([[0, 9, 0, 0], [9, 0, 9, 9]])
    s = np.array([[9, 9, 9, 9], [9, 9, 9, 9]])
    st = op.rep_stats(a, d, s)
    reps = op.select_repness(st, ["s0", "s1", "s2", "s3"], np.array([False, False, False, True]))
    g0 = [(r.statement, r.direction) for r in reps[0]]
    # all of s0, s1, s2 qualify; agrees before disagrees; the best agree (s0) first
    assert g0 == [("s0", "agree"), ("s2", "agree"), ("s1", "disagree")]
    assert reps[0][0].best_agree
    assert "s3" not in [r.statement for r in reps[1]]
    # Nothing qualifies: a single statement is still returned (best agree, else best)
    weak = op.rep_stats(np.array([[1], [1]]), np.array([[0], [0]]), np.array([[2], [2]]))
    one = op.select_repness(weak, ["s"], np.array([False]))
    assert [len(x) for x in one] == [1, 1]


def test_consensus_worked_example() -> None:
    a = np.array([15, 2, 9, 0])
    d = np.array([1, 12, 0, 0])
    s = np.array([16, 14, 9, 0])
    agree, disagree = op.select_consensus(a, d, s, ["a", "b", "c", "d"], np.zeros(4, bool))
    # pa·pat: a: (16/18)·2√17·(16/17−½) = 3.63…; c: (10/11)·2√10·(10/10−½) = 2.87…
    assert [x.statement for x in agree] == ["a", "c"]
    assert agree[0].p == pytest.approx(16 / 18)
    assert agree[0].p_test == pytest.approx(2 * math.sqrt(17) * (16 / 17 - 0.5))
    assert [x.statement for x in disagree] == ["b"]
    excl = op.select_consensus(a, d, s, ["a", "b", "c", "d"], np.array([1, 0, 0, 0], bool))
    assert [x.statement for x in excl[0]] == ["c"]


def test_group_informed_consensus_and_priority() -> None:
    gic = op.informed_consensus(np.array([[2, 0], [0, 1]]), np.array([[2, 2], [2, 3]]))
    # statement 0: (3/4)·(1/4); statement 1: (1/4)·(2/5)
    assert gic == pytest.approx([3 / 16, 1 / 10])
    # Pol.is's own example (priority-metric false 1 0 1 0): A=1, P=0, S=1, E=0
    pri = op.priority(
        np.array([[1, 1]]),
        np.array([[0, 0]]),
        np.array([[1, 1]]),
        np.array([0.0, 0.0]),
        np.array([False, True]),
    )
    imp = (1 - 1 / 3) * 1 * (2 / 3)
    assert pri[0] == pytest.approx((imp * (1 + 8 * 2 ** (-1 / 5))) ** 2)
    assert pri[1] == 49


# ------------------------------------------------------------------------------- pipeline


def test_roles_statistics() -> None:
    rows = [[1, 1, -1], [1, 0, -1], [-1, N, 1], [-1, -1, 1]]
    roles = {"0": "borger", "1": "borger", "2": "politiker", "3": "politiker"}
    res = analyze(matrix_input(rows, roles=roles))
    by = {r.role: r for r in res.roles}
    assert by["borger"].size == 2
    assert by["borger"].counts.n_agree.tolist() == [2, 1, 0]
    assert by["borger"].counts.n_seen.tolist() == [2, 2, 2]
    assert by["politiker"].counts.n_disagree.tolist() == [2, 1, 0]
    assert by["politiker"].counts.p_agree[2] == pytest.approx(3 / 4)
    # Π over roles (A+1)/(S+2) for statement 0: (3/4)·(1/4)
    assert res.role_informed_consensus[0] == pytest.approx(3 / 16)


def test_empty_and_tiny_inputs() -> None:
    res = analyze(input_from_arrays([], [], [], [], []))
    assert res.groups == ()
    res = analyze(matrix_input([[1, -1]]))
    assert len(res.groups) == 1 and res.group.tolist() == [0]


def test_planted_groups_recovered() -> None:
    inp, truth = planted(600, 60, 30, seed=4)
    res = analyze(inp)
    both = res.group >= 0
    assert adjusted_rand(res.group[both], truth[both]) >= 0.9


def test_deterministic_for_a_seed() -> None:
    inp, _ = planted(500, 450, 40, seed=5)  # 450 statements → the Lanczos path
    r1, r2 = analyze(inp, seed=7), analyze(inp, seed=7)
    assert np.array_equal(r1.group, r2.group)
    assert np.array_equal(r1.x, r2.x) and np.array_equal(r1.y, r2.y)
    assert [g.repness for g in r1.groups] == [g.repness for g in r2.groups]
    r3 = analyze(inp, seed=8)  # another seed: same answer up to rounding
    assert np.allclose(r1.x, r3.x, atol=1e-6)


def test_warm_start() -> None:
    more, truth2 = planted(1000, 80, 30, seed=6)
    # The earlier state: the first 800 participants only.
    keep = more.rows < 800
    inp = input_from_arrays(
        more.participant_ids[:800],
        more.statement_ids,
        more.rows[keep],
        more.cols[keep],
        more.values[keep],
    )
    first = analyze(inp)
    # Same data, warm: nothing moves.
    again = analyze(inp, previous=first)
    assert np.array_equal(again.base_cluster, first.base_cluster)
    assert np.array_equal(again.group, first.group)
    # More participants and votes: orientation, base-cluster ids and groups carry over.
    nxt = analyze(more, previous=first)
    # Same plane (the two components may rotate within it), and no component flips sign.
    overlap = np.linalg.svd(nxt.pca.components @ first.pca.components.T, compute_uv=False)
    assert overlap.min() > 0.9
    assert (nxt.pca.components * first.pca.components).sum(axis=1).min() >= 0
    shared = first.base_ids.tolist()
    assert len(set(shared) & set(nxt.base_ids.tolist())) >= 0.8 * len(shared)
    both = nxt.group >= 0
    assert adjusted_rand(nxt.group[both], truth2[both]) >= 0.9
    assert nxt.k_smoother[2] == len(nxt.groups)
    # once in, stays in: a participant in first stays in even with the same votes
    assert nxt.in_conv[: len(first.in_conv)][first.in_conv].all()


def test_k_smoother_waits_for_buffer() -> None:
    inp, _ = planted(600, 60, 30, seed=8)
    first = analyze(inp)
    k = len(first.groups)
    other = 2 if k != 2 else 3
    # Pretend an earlier state had settled on another k: the new best must win 4 times in a row.
    forged = op.OpinionResult(**{**first.__dict__, "k_smoother": (other, 9, other)})
    nxt = analyze(inp, previous=forged)
    assert nxt.k_smoother == (k, 1, other) and len(nxt.groups) == other
    for _ in range(3):
        nxt = analyze(inp, previous=nxt)
    assert nxt.k_smoother == (k, 4, k) and len(nxt.groups) == k


def test_keep_in_conv_and_force_k() -> None:
    inp, _ = planted(300, 40, 20, seed=9)
    # a participant with a single vote is not clustered, unless kept in from an earlier state
    extra = input_from_arrays(
        [*inp.participant_ids, "late"],
        inp.statement_ids,
        np.append(inp.rows, 300),
        np.append(inp.cols, 0),
        np.append(inp.values, 1),
    )
    assert analyze(extra).group[-1] == -1
    assert analyze(extra, keep_in_conv=["late"]).group[-1] >= 0
    res = analyze(inp, force_k=2)
    assert len(res.groups) == 2 and res.k_smoother[2] == 2
