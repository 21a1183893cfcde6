"""votes.csv read in bulk (the fast path) gives exactly what the row-by-row reader gives, and
anything unusual is left to the row-by-row reader, which names the file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from samskab.analysis import polis_io

DATA = Path(__file__).resolve().parents[1] / "data" / "polis"
REAL = sorted(DATA.rglob("votes.csv"))


def _same(a, b) -> None:
    assert a.p_index == b.p_index and a.s_index == b.s_index
    for name in ("rows", "cols", "vals", "ts"):
        assert np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name))), name


@pytest.mark.parametrize("path", REAL, ids=[p.parent.name for p in REAL])
def test_bulk_and_row_by_row_agree_on_real_exports(path):
    bulk = polis_io._read_votes_csv_in_bulk(path)
    assert bulk is not None
    _same(bulk, polis_io._read_votes_csv_row_by_row(path))


@pytest.mark.parametrize(
    "body",
    [
        "1,,0,a,2\n",  # not a vote
        ",,0,a,1\n",  # no timestamp: counts as 0
        "1,,0,a, 1\n",  # a space before the value
        "1,,0, ,1\n",  # an empty voter id
        "1,,0,a,1\n\n2,,1,a,-1\n",  # an empty line
        "1,,0,a,1\n",  # an id that is not a number
        "1,,0,007,1\n",  # a leading zero: kept as written, so not read as the number 7
        "1,,-3,5,1\n",  # a signed id
        "1.5,,0,5,1\n",  # a timestamp with decimals
        "1,,0,5,+1\n",  # a vote written another way
        "1,,0,5,01\n",
        "12345678901234567,,0,5,1\n",  # more digits than float64 holds exactly
        "1,,0,5\n",  # a field short
        "1,,0,5,1,1\n",  # a field too many
    ],
)
def test_unusual_files_are_read_row_by_row(tmp_path, body):
    path = tmp_path / "votes.csv"
    path.write_text("timestamp,datetime,comment-id,voter-id,vote\n" + body, encoding="utf-8")
    assert polis_io._read_votes_csv_in_bulk(path) is None
    try:
        careful = polis_io._read_votes_csv_row_by_row(path)
    except polis_io.PolisFormatError as exc:
        assert "votes.csv, line" in str(exc)
        with pytest.raises(polis_io.PolisFormatError):
            polis_io._read_votes_csv(path)
    else:
        _same(polis_io._read_votes_csv(path), careful)


@pytest.mark.parametrize(
    "text",
    [
        "timestamp,datetime,comment-id,voter-id,vote\r\n5,Fri Sep 20,3,9,1\r\n4,,3,2,-1\r\n",
        "\ufefftimestamp,datetime,comment-id,voter-id,vote\n5,,3,9,1\n4,,0,2,0",  # BOM, no end
        # Ids far apart (not Pol.is's 0, 1, 2, …) and a voter first seen late.
        "vote,voter-id,comment-id,timestamp\n1,900000000,12,1726860583813\n-1,4,12,2\n"
        "0,900000000,100000,3\n1,4,7,0\n",
    ],
)
def test_bulk_reads_what_pol_is_writes_exactly_as_row_by_row(tmp_path, text):
    path = tmp_path / "votes.csv"
    path.write_bytes(text.encode("utf-8"))
    bulk = polis_io._read_votes_csv_in_bulk(path)
    assert bulk is not None
    _same(bulk, polis_io._read_votes_csv_row_by_row(path))
