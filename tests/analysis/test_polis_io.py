"""Reading/writing Pol.is data and the CLI JSON (samskab.analysis.polis_io)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samskab.analysis.opinion import analyze
from samskab.analysis.polis_io import (
    PolisFormatError,
    read_polis,
    read_polis_groups,
    result_to_json,
    write_polis_csv,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "polis"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


VOTES_HEAD = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS_HEAD = "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body\n"


def test_read_votes_csv_latest_wins_and_ids_as_strings(tmp_path: Path) -> None:
    write(tmp_path, "votes.csv", VOTES_HEAD + "1,x,7,012,1\n3,x,7,012,-1\n2,x,7,012,0\n5,x,9,4,0\n")
    write(
        tmp_path,
        "comments.csv",
        COMMENTS_HEAD + '0,7,0,0,1,1,false,"a, quoted"\n0,9,0,0,0,-1,false,b\n0,8,0,0,0,1,true,c\n',
    )
    inp = read_polis(tmp_path)
    assert inp.participant_ids == ("012", "4")  # kept exactly, leading zero included
    assert inp.statement_ids == ("7", "9", "8")
    assert inp.dense()[0, 0] == -1  # timestamp 3 is the latest
    assert inp.mod_out.tolist() == [False, True, True] and inp.is_meta.tolist() == [0, 0, 1]


def test_participants_votes_csv_equals_votes_csv() -> None:
    a = read_polis(DATA / "bg2050-volunteers")
    only_pv = DATA / "bg2050-volunteers" / "participants-votes.csv"
    from samskab.analysis import polis_io

    votes, groups = polis_io._read_participants_votes_csv(only_pv)
    b = polis_io._assemble(votes, polis_io._read_comments_csv(only_pv.with_name("comments.csv")))
    da, db = a.dense(), b.dense()
    ia = {p: i for i, p in enumerate(a.participant_ids)}
    ja = {s: j for j, s in enumerate(a.statement_ids)}
    # every final vote in participants-votes.csv is the latest event of votes.csv
    sub = da[np.ix_([ia[p] for p in b.participant_ids], [ja[s] for s in b.statement_ids])]
    assert np.array_equal(np.nan_to_num(sub, nan=9), np.nan_to_num(db, nan=9))
    assert sum(g is not None for g in groups.values()) == 108


def test_read_json_with_line_numbers_and_sign(tmp_path: Path) -> None:
    inp = read_polis(DATA / "exact" / "below-100-ptpts")
    assert inp.n_participants == 35 and inp.n_statements == 44
    # comments.json says statement 0 has 0 agrees, 11 disagrees: stored here as -1 = disagree
    j = inp.statement_ids.index("0")
    col = inp.values[inp.cols == j]
    assert (col == -1).sum() == 11 and (col == 1).sum() == 0
    # The same votes in the database convention (agree = -1) are detected and flipped.
    votes = json.loads((DATA / "exact" / "below-100-ptpts" / "votes.json").read_text())
    for v in votes:
        v["vote"] = -v["vote"]
    write(tmp_path, "votes.json", json.dumps(votes, indent=1))
    (tmp_path / "comments.json").write_text(
        (DATA / "exact" / "below-100-ptpts" / "comments.json").read_text()
    )
    flipped = read_polis(tmp_path)
    assert np.array_equal(flipped.values, inp.values)
    assert np.array_equal(read_polis(tmp_path, agree=1).values, -inp.values)


BAD_CASES = [
    ("votes.csv", VOTES_HEAD + "1,x,7,1,1\n2,x,7,1,2\n", "line 3"),  # vote outside {-1,0,1}
    ("votes.csv", VOTES_HEAD + "1,x,7,1,1\n2,x,7\n", "line 3"),  # short row
    ("votes.csv", "timestamp,comment-id,voter-id,vote,colour\n1,7,1,1,red\n", "line 1"),
    ("votes.csv", "timestamp,comment-id,vote\n1,7,1\n", "line 1"),  # missing voter-id
    ("votes.csv", VOTES_HEAD + '1,x,7,1,"1\n', "malformed CSV"),  # unterminated quote
    ("votes.csv", VOTES_HEAD + "1,x,,1,1\n", "line 2"),  # empty id
    ("votes.csv", VOTES_HEAD + "soon,x,7,1,1\n", "line 2"),
    (
        "participants-votes.csv",
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0\n"
        "1,,0,1,1,0,1\n1,,0,1,1,0,-1\n",
        "line 3",
    ),  # duplicate participant
    (
        "participants-votes.csv",
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,0\n1,,0,1,1,0,1,1\n",
        "line 1",
    ),  # duplicate comment column
    (
        "participants-votes.csv",
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0\n1,,0,1,1,0,x\n",
        "line 2",
    ),
    ("participants-votes.csv", "voter,group-id,n-disagree,0\n1,,0,1\n", "line 1"),
    (
        "votes.json",
        '[\n {"pid": 1, "tid": 2, "vote": 1},\n {"pid": 1, "tid": 3, "vote": 5}\n]',
        "line 3",
    ),
    ("votes.json", '[\n {"pid": 1, "tid": 2, "vote": 1},\n {"pid": 1, "vote": 1}\n]', "line 3"),
    ("votes.json", '[\n {"pid": 1, "tid": 2, "vote": 1}\n {"pid": 1}\n]', "line 3"),
    ("votes.json", '{"pid": 1}', "line 1"),
]


@pytest.mark.parametrize(("name", "text", "where"), BAD_CASES)
def test_bad_input_raises_with_file_and_line(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    write(tmp_path, name, text)
    with pytest.raises(PolisFormatError) as exc:
        read_polis(tmp_path)
    assert name in str(exc.value) and where in str(exc.value)


def test_bad_comments_files(tmp_path: Path) -> None:
    write(tmp_path, "votes.csv", VOTES_HEAD + "1,x,7,1,1\n")
    write(tmp_path, "comments.csv", COMMENTS_HEAD + "0,7,0,0,0,1,false,a\n0,7,0,0,0,1,false,b\n")
    with pytest.raises(PolisFormatError, match=r"comments.csv, line 3.*duplicate"):
        read_polis(tmp_path)
    write(tmp_path, "comments.csv", COMMENTS_HEAD + "0,7,0,0,0,2,false,a\n")
    with pytest.raises(PolisFormatError, match=r"comments.csv, line 2"):
        read_polis(tmp_path)
    json_dir = tmp_path / "j"
    write(json_dir, "votes.json", '[{"pid": 1, "tid": 7, "vote": 1}]')
    write(json_dir, "comments.json", '[\n{"tid": 7, "mod": 1},\n{"tid": 7, "mod": 1}\n]')
    with pytest.raises(PolisFormatError, match=r"comments.json, line 3"):
        read_polis(json_dir)


def test_no_votes_file(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError):
        read_polis(tmp_path)
    with pytest.raises(PolisFormatError):
        read_polis(tmp_path / "missing")


def test_result_json_shape() -> None:
    inp = read_polis(DATA / "bg2050-volunteers")
    res = analyze(inp)
    out = result_to_json(res)
    text = json.dumps(out)  # JSON-able
    assert json.loads(text) == out
    assert set(out) == {
        "participants",
        "groups",
        "consensus",
        "group_informed_consensus",
        "pca",
        "timing_s",
    }
    p = out["participants"][0]
    assert set(p) == {"id", "x", "y", "group", "n_votes"} and isinstance(p["id"], str)
    assert len(out["participants"]) == inp.n_participants
    clustered = [q for q in out["participants"] if q["group"] is not None]
    assert sum(g["size"] for g in out["groups"]) == len(clustered)
    rep = out["groups"][0]["repness"][0]
    assert set(rep) == {"statement", "direction", "p", "score"}
    assert rep["direction"] in ("agree", "disagree")
    assert set(out["consensus"]) == {"agree", "disagree"}
    assert len(out["pca"]["components"]) == 2
    assert set(out["pca"]["center"]) == set(inp.statement_ids)


def test_write_read_round_trip(tmp_path: Path) -> None:
    inp = read_polis(DATA / "exact" / "50ptpt-3gp-strict-no-meta")
    res = analyze(inp)
    write_polis_csv(inp, tmp_path, result=res, texts={"1": 'Text, with "quotes"\nand lines'})
    back = read_polis(tmp_path)  # from votes.csv + comments.csv
    assert back.participant_ids == inp.participant_ids
    assert back.statement_ids == inp.statement_ids
    assert np.array_equal(back.rows, inp.rows) and np.array_equal(back.cols, inp.cols)
    assert np.array_equal(back.values, inp.values)
    assert np.array_equal(back.mod_out, inp.mod_out)
    (tmp_path / "votes.csv").unlink()  # now from participants-votes.csv
    again = read_polis(tmp_path)
    assert again.participant_ids == inp.participant_ids
    assert np.array_equal(again.dense(), inp.dense(), equal_nan=True)
    groups = read_polis_groups(tmp_path)
    assert [groups[p] for p in inp.participant_ids] == [
        None if g < 0 else int(g) for g in res.group
    ]
