"""Read and write Pol.is data; turn an opinion result into the CLI's JSON.

Formats (as exported by Pol.is and published in compdemocracy/openData):

- CSV export folder: ``votes.csv`` (every vote event: timestamp, datetime, comment-id, voter-id,
  vote with 1 agree / -1 disagree / 0 pass), ``comments.csv`` (comment-id, moderated 1/0/-1,
  is-meta, ...), ``participants-votes.csv`` (one row per participant, one column per comment
  id, holding the final vote; blank = not seen).
- API JSON folder: ``votes.json`` and ``comments.json`` (keys ``pid``/``tid``/``mod`` or
  ``participant_id``/``statement_id``/``moderated``).

Pol.is's database stores agree as -1; its CSV exports flip that to +1. The JSON fixtures we know
(from polis-community/red-dwarf) are already flipped (+1 agree; checked against each comment's
``agree_count``), so JSON votes are read as +1 = agree unless the comments' agree/disagree counts
show the database convention, or the caller says so.

Every problem with the input raises ``PolisFormatError`` naming the file and line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from samskab.analysis.opinion import OpinionInput, OpinionResult, input_from_arrays

JsonDict = dict[str, Any]


class PolisFormatError(ValueError):
    """Malformed or inconsistent Pol.is data; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}" if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


# The headers we write, in order; reading also accepts the columns newer Pol.is exports add.
VOTES_CSV_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
COMMENTS_CSV_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "is-meta",
    "comment-body",
)
VOTES_CSV_COLUMNS = set(VOTES_CSV_HEADER)
VOTES_CSV_REQUIRED = {"comment-id", "voter-id", "vote"}
COMMENTS_CSV_COLUMNS = {*COMMENTS_CSV_HEADER, "is-seed", "group-informed-consensus"}
COMMENTS_CSV_REQUIRED = {"comment-id"}
# Columns before the per-comment columns of participants-votes.csv.
PV_HEAD_COLUMNS = (
    "participant",
    "xid",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)


# --------------------------------------------------------------------------------------------
# Low-level readers
# --------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record; raises PolisFormatError on malformed CSV."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                yield reader.line_num, row
    except csv.Error as exc:
        raise PolisFormatError(path, None, f"malformed CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise PolisFormatError(path, None, f"not UTF-8: {exc}") from exc
    except OSError as exc:
        raise PolisFormatError(path, None, f"cannot read: {exc}") from exc


def _header(path: Path, rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The first row of a CSV file, its names stripped; an empty file is an error."""
    try:
        line, header = next(rows)
    except StopIteration:
        raise PolisFormatError(path, 1, "empty file, expected a header") from None
    return line, [h.strip() for h in header]


def _header_problem(header: list[str], allowed: set[str], required: set[str]) -> str:
    """What is wrong with a table's header, or "" when nothing is."""
    unknown = [h for h in header if h not in allowed]
    if unknown:
        return f"unknown column(s) {unknown}"
    missing = sorted(required - set(header))
    if missing:
        return f"missing column(s) {missing}"
    if len(set(header)) != len(header):
        return "duplicate column names"
    return ""


def _read_table(
    path: Path, allowed: set[str], required: set[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    rows = _csv_rows(path)
    line, header = _header(path, rows)
    problem = _header_problem(header, allowed, required)
    if problem:
        raise PolisFormatError(path, line, problem)
    for line, row in rows:
        if not row:
            continue
        if len(row) != len(header):
            raise PolisFormatError(path, line, f"{len(row)} fields, header has {len(header)}")
        yield line, dict(zip(header, row, strict=True))


_VOTE_VALUES = {"1": 1, "-1": -1, "0": 0}


def _vote_value(path: Path, line: int, text: str) -> int:
    t = text.strip()
    if t not in _VOTE_VALUES:
        raise PolisFormatError(path, line, f"vote {text!r} is not -1, 0 or 1")
    return _VOTE_VALUES[t]


def _id(path: Path, line: int, text: str, what: str) -> str:
    # Ids are kept exactly as written (no stripping), so they match the source system's ids.
    if not text.strip():
        raise PolisFormatError(path, line, f"empty {what}")
    return text


def _bool(path: Path, line: int, text: str) -> bool:
    t = text.strip().lower()
    if t in ("true", "t", "1"):
        return True
    if t in ("false", "f", "0", ""):
        return False
    raise PolisFormatError(path, line, f"{text!r} is not a boolean")


def _moderated(path: Path, line: int, text: str) -> int:
    t = text.strip()
    if t == "":
        return 0
    if t not in ("1", "0", "-1"):
        raise PolisFormatError(path, line, f"moderated {text!r} is not 1, 0 or -1")
    return int(t)


def _json_items(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, item) for each element of a top-level JSON array, with its line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolisFormatError(path, None, f"cannot read: {exc}") from exc
    dec = json.JSONDecoder()
    ws = " \t\r\n"

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ws:
            i += 1
        return i

    def fail(i: int, msg: str) -> PolisFormatError:
        return PolisFormatError(path, text.count("\n", 0, i) + 1, msg)

    i = skip(0)
    if i >= len(text) or text[i] != "[":
        raise fail(i, "expected a JSON array")
    i = skip(i + 1)
    if i < len(text) and text[i] == "]":
        if skip(i + 1) != len(text):
            raise fail(i + 1, "extra data after the array")
        return
    while True:
        try:
            item, end = dec.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise PolisFormatError(path, exc.lineno, f"malformed JSON: {exc.msg}") from exc
        yield text.count("\n", 0, i) + 1, item
        i = skip(end)
        if i < len(text) and text[i] == ",":
            i = skip(i + 1)
            continue
        if i < len(text) and text[i] == "]":
            if skip(i + 1) != len(text):
                raise fail(i + 1, "extra data after the array")
            return
        raise fail(i, "expected ',' or ']'")


def _json_field(path: Path, line: int, item: Any, *names: str) -> Any:
    if not isinstance(item, dict):
        raise PolisFormatError(path, line, "expected a JSON object")
    for name in names:
        if name in item:
            return item[name]
    raise PolisFormatError(path, line, f"missing key {' or '.join(repr(n) for n in names)}")


def _json_id(path: Path, line: int, value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        raise PolisFormatError(path, line, f"bad {what} {value!r}")
    return str(value)


# --------------------------------------------------------------------------------------------
# Statement metadata
# --------------------------------------------------------------------------------------------


class _Statements:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.mod: dict[str, int] = {}
        self.meta: dict[str, bool] = {}
        self.counts: dict[str, tuple[int, int]] = {}

    def add(self, path: Path, line: int, sid: str, mod: int, meta: bool) -> None:
        if sid in self.mod:
            raise PolisFormatError(path, line, f"duplicate comment id {sid!r}")
        self.ids.append(sid)
        self.mod[sid] = mod
        self.meta[sid] = meta


def _read_comments_csv(path: Path) -> _Statements:
    st = _Statements()
    for line, row in _read_table(path, COMMENTS_CSV_COLUMNS, COMMENTS_CSV_REQUIRED):
        sid = _id(path, line, row["comment-id"], "comment-id")
        st.add(
            path,
            line,
            sid,
            _moderated(path, line, row.get("moderated", "")),
            _bool(path, line, row.get("is-meta", "")),
        )
    return st


def _read_comments_json(path: Path) -> _Statements:
    st = _Statements()
    for line, item in _json_items(path):
        sid = _json_id(path, line, _json_field(path, line, item, "tid", "statement_id"), "tid")
        mod = item.get("mod", item.get("moderated", 0)) if isinstance(item, dict) else 0
        if mod not in (-1, 0, 1) or isinstance(mod, bool):
            raise PolisFormatError(path, line, f"moderation {mod!r} is not 1, 0 or -1")
        meta = item.get("is_meta", False)
        if not isinstance(meta, bool):
            raise PolisFormatError(path, line, f"is_meta {meta!r} is not a boolean")
        st.add(path, line, sid, int(mod), meta)
        a, d = item.get("agree_count"), item.get("disagree_count")
        if isinstance(a, int) and isinstance(d, int):
            st.counts[sid] = (a, d)
    return st


# --------------------------------------------------------------------------------------------
# Votes
# --------------------------------------------------------------------------------------------


class _Votes:
    def __init__(self) -> None:
        self.p_index: dict[str, int] = {}
        self.s_index: dict[str, int] = {}
        # Lists when read row by row, arrays when read in bulk.
        self.rows: Any = []
        self.cols: Any = []
        self.vals: Any = []
        self.ts: Any = []

    def add(self, pid: str, sid: str, value: int, ts: float) -> None:
        self.rows.append(self.p_index.setdefault(pid, len(self.p_index)))
        self.cols.append(self.s_index.setdefault(sid, len(self.s_index)))
        self.vals.append(value)
        self.ts.append(ts)


def _timestamp(path: Path, line: int, text: str) -> float:
    t = text.strip()
    if not t:
        return 0.0
    try:
        return float(t)
    except ValueError:
        raise PolisFormatError(path, line, f"timestamp {text!r} is not a number") from None


def _read_votes_csv(path: Path) -> _Votes:
    fast = _read_votes_csv_in_bulk(path)
    return fast if fast is not None else _read_votes_csv_row_by_row(path)


def _read_votes_csv_in_bulk(path: Path) -> _Votes | None:
    """A plain votes.csv, as Pol.is writes it (no quotes; whole numbers for the timestamp, the
    ids and the vote), read as bytes with numpy: the field edges from the positions of the
    commas and line ends, the numbers digit by digit for all rows at once. About 20x faster
    than reading it row by row on a large export (bench/bench_analyze_cli.py). None for
    anything else (quotes, other ids, a bad value, an empty line or field): the row-by-row
    reader then reads it and says what is wrong, and where."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")
    if b'"' in raw or b"\r" in raw:
        return None
    head, _, body = raw.partition(b"\n")
    try:
        header = [h.strip() for h in head.decode("utf-8").split(",")]
    except UnicodeDecodeError:
        return None
    if not body or _header_problem(header, VOTES_CSV_COLUMNS, {*VOTES_CSV_REQUIRED, "timestamp"}):
        return None
    if not body.endswith(b"\n"):
        body += b"\n"
    buf = np.frombuffer(body, np.uint8)
    edges = np.flatnonzero((buf == ord(",")) | (buf == ord("\n")))
    width = len(header)
    if len(edges) % width:
        return None
    ends = edges.reshape(-1, width)
    # Each line has exactly width - 1 commas: the last edge of a row is its line end.
    if not (np.all(buf[ends[:, -1]] == ord("\n")) and np.all(buf[ends[:, :-1]] == ord(","))):
        return None
    starts = np.empty_like(ends)
    starts[0, 0] = 0
    starts[1:, 0] = ends[:-1, -1] + 1
    starts[:, 1:] = ends[:, :-1] + 1
    column = {name: i for i, name in enumerate(header)}

    def numbers(name: str, ids: bool = False) -> npt.NDArray[np.int64] | None:
        i = column[name]
        return _whole_numbers(
            buf, np.ascontiguousarray(starts[:, i]), np.ascontiguousarray(ends[:, i]), ids
        )

    stamps = numbers("timestamp")
    pids, sids = numbers("voter-id", ids=True), numbers("comment-id", ids=True)
    votes = numbers("vote")
    if stamps is None or pids is None or sids is None or votes is None:
        return None
    # The vote exactly as "1", "0" or "-1".
    if not (
        np.all(np.abs(votes) <= 1)
        and np.all(ends[:, column["vote"]] - starts[:, column["vote"]] == 1 + (votes < 0))
    ):
        return None
    v = _Votes()
    v.p_index, v.rows = _first_seen(pids)
    v.s_index, v.cols = _first_seen(sids)
    v.vals = votes
    v.ts = stamps.astype(np.float64)
    return v


#: Rows per block when reading numbers: the block's digit matrix stays small.
_BLOCK = 1 << 16


def _whole_numbers(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp], ids: bool
) -> npt.NDArray[np.int64] | None:
    """Each field buf[start:end] as a whole number, or None if any is not one. Ids have no
    sign and no leading zero, so that reading them as numbers keeps them as written.

    The digits of a block of fields, right-aligned in a small matrix, times the powers of ten:
    exact in float64 up to 15 digits (10^15 < 2^53), enough for Pol.is's millisecond stamps.
    """
    negative = np.zeros(len(starts), bool) if ids else buf[starts] == ord("-")
    length = ends - starts - negative
    if len(length) == 0 or length.min() < 1 or length.max() > 15:
        return None
    if ids and np.any((buf[starts] == ord("0")) & (length > 1)):
        return None
    width = int(length.max())
    back = np.arange(width, 0, -1)
    powers = 10.0 ** np.arange(width - 1, -1, -1)
    value = np.empty(len(starts), np.int64)
    for s in range(0, len(starts), _BLOCK):
        digits = buf[ends[s : s + _BLOCK, None] - back] - np.uint8(ord("0"))
        digits[back > length[s : s + _BLOCK, None]] = 0
        if np.any(digits > 9):
            return None
        value[s : s + _BLOCK] = digits.astype(np.float64) @ powers
    return np.where(negative, -value, value)


def _first_seen(ids: npt.NDArray[np.int64]) -> tuple[dict[str, int], npt.NDArray[np.int64]]:
    """Ids numbered in the order they first appear (as the row-by-row reader does)."""
    n = len(ids)
    top = int(ids.max())
    if top <= 4 * n:
        # Pol.is numbers its voters and comments 0, 1, 2, …: a table beats sorting.
        first = np.full(top + 1, n, np.int64)
        np.minimum.at(first, ids, np.arange(n))
        present = np.flatnonzero(first < n)
        present = present[np.argsort(first[present])]
        number = np.empty(top + 1, np.int64)
        number[present] = np.arange(len(present))
        return dict(zip(map(str, present.tolist()), range(len(present)), strict=True)), number[ids]
    unique, first_at, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first_at)
    number = np.empty(len(unique), np.int64)
    number[order] = np.arange(len(unique))
    names = map(str, unique[order].tolist())
    return dict(zip(names, range(len(unique)), strict=True)), number[inverse.ravel()]


def _read_votes_csv_row_by_row(path: Path) -> _Votes:
    v = _Votes()
    for line, row in _read_table(path, VOTES_CSV_COLUMNS, VOTES_CSV_REQUIRED):
        v.add(
            _id(path, line, row["voter-id"], "voter-id"),
            _id(path, line, row["comment-id"], "comment-id"),
            _vote_value(path, line, row["vote"]),
            _timestamp(path, line, row.get("timestamp", "")),
        )
    return v


def _read_participants_votes_csv(path: Path) -> tuple[_Votes, dict[str, int | None]]:
    """Final votes and Pol.is's own group ids (None = not clustered)."""
    rows = _csv_rows(path)
    line, header = _header(path, rows)
    if not header or header[0] != "participant":
        raise PolisFormatError(path, line, "first column must be 'participant'")
    n_head = 0
    while n_head < len(header) and header[n_head] in PV_HEAD_COLUMNS:
        n_head += 1
    if "n-disagree" not in header[:n_head]:
        raise PolisFormatError(path, line, "missing column 'n-disagree' before the comment ids")
    comment_ids = header[n_head:]
    if any(not cid for cid in comment_ids):
        raise PolisFormatError(path, line, "empty comment id in the header")
    if len(set(header)) != len(header):
        raise PolisFormatError(path, line, "duplicate column names")
    has_group = "group-id" in header[:n_head]
    g_col = header.index("group-id") if has_group else -1
    v = _Votes()
    for cid in comment_ids:
        v.s_index.setdefault(cid, len(v.s_index))
    groups: dict[str, int | None] = {}
    for line, row in rows:
        if not row:
            continue
        if len(row) != len(header):
            raise PolisFormatError(path, line, f"{len(row)} fields, header has {len(header)}")
        pid = _id(path, line, row[0], "participant")
        if pid in groups:
            raise PolisFormatError(path, line, f"duplicate participant {pid!r}")
        g = row[g_col].strip() if has_group else ""
        if g and not g.isdigit():
            raise PolisFormatError(path, line, f"group-id {g!r} is not an integer")
        groups[pid] = int(g) if g else None
        v.p_index[pid] = len(v.p_index)
        for cid, cell in zip(comment_ids, row[n_head:], strict=True):
            if cell.strip():
                v.add(pid, cid, _vote_value(path, line, cell), 0.0)
    return v, groups


def _read_votes_json(path: Path) -> _Votes:
    v = _Votes()
    for line, item in _json_items(path):
        pid = _json_id(path, line, _json_field(path, line, item, "pid", "participant_id"), "pid")
        sid = _json_id(path, line, _json_field(path, line, item, "tid", "statement_id"), "tid")
        val = _json_field(path, line, item, "vote")
        if isinstance(val, bool) or val not in (-1, 0, 1):
            raise PolisFormatError(path, line, f"vote {val!r} is not -1, 0 or 1")
        ts = item.get("modified", 0) or 0
        try:
            tsf = float(ts)
        except (TypeError, ValueError):
            raise PolisFormatError(path, line, f"modified {ts!r} is not a number") from None
        v.add(pid, sid, int(val), tsf)
    return v


def _assemble(votes: _Votes, st: _Statements | None, flip: bool = False) -> OpinionInput:
    s_ids = list(st.ids) if st is not None else []
    known = set(s_ids)
    s_ids += [s for s in votes.s_index if s not in known]
    pos = {s: i for i, s in enumerate(s_ids)}
    remap = np.array([pos[s] for s in votes.s_index], dtype=np.int64)
    cols = (
        remap[np.asarray(votes.cols, dtype=np.int64)] if len(votes.cols) else np.zeros(0, np.int64)
    )
    vals = np.asarray(votes.vals, dtype=np.int64)
    if flip:
        vals = -vals
    mod = [False] * len(s_ids)
    meta = [False] * len(s_ids)
    if st is not None:
        for i, s in enumerate(s_ids):
            # Mod-out = moderated out or meta (OPINION-MATH "Vote matrix").
            mod[i] = st.mod.get(s, 0) == -1 or st.meta.get(s, False)
            meta[i] = st.meta.get(s, False)
    return input_from_arrays(
        list(votes.p_index),
        s_ids,
        np.asarray(votes.rows, dtype=np.int64),
        cols,
        vals,
        np.asarray(votes.ts),
        mod,
        meta,
    )


def _json_flip(votes: _Votes, st: _Statements) -> bool:
    """True when the comments' agree/disagree counts say votes.json uses agree = -1."""
    if not st.counts:
        return False
    inp = _assemble(votes, None)
    same = flipped = 0
    for j, sid in enumerate(inp.statement_ids):
        if sid not in st.counts:
            continue
        col = inp.values[inp.cols == j]
        n_pos, n_neg = int((col == 1).sum()), int((col == -1).sum())
        a, d = st.counts[sid]
        same += abs(n_pos - a) + abs(n_neg - d)
        flipped += abs(n_neg - a) + abs(n_pos - d)
    return flipped < same


def read_polis(path: str | Path, agree: int | None = None) -> OpinionInput:
    """Read a Pol.is folder: API JSON (votes.json [+ comments.json]), or a CSV export
    (votes.csv or participants-votes.csv [+ comments.csv]).

    ``agree``: for JSON, the value that means agree (1 or -1); None = detect from the
    comments' agree_count/disagree_count, else +1. CSV exports always use +1.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise PolisFormatError(folder, None, "not a folder")
    if (folder / "votes.json").exists():
        st = (
            _read_comments_json(folder / "comments.json")
            if (folder / "comments.json").exists()
            else None
        )
        votes = _read_votes_json(folder / "votes.json")
        if agree not in (None, 1, -1):
            raise ValueError("agree must be 1, -1 or None")
        flip = agree == -1 if agree is not None else (st is not None and _json_flip(votes, st))
        return _assemble(votes, st, flip)
    st = _read_comments_csv(folder / "comments.csv") if (folder / "comments.csv").exists() else None
    if (folder / "votes.csv").exists():
        return _assemble(_read_votes_csv(folder / "votes.csv"), st)
    if (folder / "participants-votes.csv").exists():
        votes, _ = _read_participants_votes_csv(folder / "participants-votes.csv")
        return _assemble(votes, st)
    raise PolisFormatError(
        folder, None, "no votes.json, votes.csv or participants-votes.csv in the folder"
    )


def read_polis_groups(path: str | Path) -> dict[str, int | None]:
    """Pol.is's own group per participant from participants-votes.csv (None = not clustered)."""
    p = Path(path)
    if p.is_dir():
        p = p / "participants-votes.csv"
    return _read_participants_votes_csv(p)[1]


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def result_to_json(result: OpinionResult) -> JsonDict:
    """The JSON-able dict the CLI ``samskab opinion analyze`` prints."""
    sids = result.statement_ids
    return {
        "participants": [
            {
                "id": pid,
                "x": float(result.x[i]),
                "y": float(result.y[i]),
                "group": int(result.group[i]) if result.group[i] >= 0 else None,
                "n_votes": int(result.n_votes[i]),
            }
            for i, pid in enumerate(result.participant_ids)
        ],
        "groups": [
            {
                "id": g.id,
                "size": g.size,
                "repness": [
                    {"statement": r.statement, "direction": r.direction, "p": r.p, "score": r.score}
                    for r in g.repness
                ],
            }
            for g in result.groups
        ],
        "consensus": {
            "agree": [c.statement for c in result.consensus_agree],
            "disagree": [c.statement for c in result.consensus_disagree],
        },
        "group_informed_consensus": {
            s: float(result.group_informed_consensus[j]) for j, s in enumerate(sids)
        },
        "pca": {
            "center": {s: float(result.pca.center[j]) for j, s in enumerate(sids)},
            "components": [
                {s: float(result.pca.components[c, j]) for j, s in enumerate(sids)}
                for c in range(result.pca.components.shape[0])
            ],
        },
        "timing_s": float(result.timing_s),
    }


def write_polis_csv(
    inp: OpinionInput,
    folder: str | Path,
    result: OpinionResult | None = None,
    texts: Mapping[str, str] | None = None,
    authors: Mapping[str, str] | None = None,
    timestamps: Sequence[float] | None = None,
) -> None:
    """Write ``votes.csv``, ``comments.csv`` and ``participants-votes.csv`` in Pol.is's export
    format (agree = +1). ``result`` fills the group-id column; ``texts``/``authors`` map
    statement ids to body/author; ``timestamps`` (ms, aligned with the votes) default to 0.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    texts = texts or {}
    authors = authors or {}
    pids, sids = inp.participant_ids, inp.statement_ids
    m = len(sids)
    agrees = np.bincount(inp.cols[inp.values == 1], minlength=m)
    disagrees = np.bincount(inp.cols[inp.values == -1], minlength=m)
    ts = np.zeros(len(inp.rows)) if timestamps is None else np.asarray(timestamps, float)
    with (out / "votes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(VOTES_CSV_HEADER)
        for r, c, v, t in zip(inp.rows, inp.cols, inp.values, ts, strict=True):
            w.writerow([int(t), "", sids[c], pids[r], int(v)])
    with (out / "comments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COMMENTS_CSV_HEADER)
        for j, s in enumerate(sids):
            moderated = -1 if inp.mod_out[j] and not inp.is_meta[j] else 1
            w.writerow(
                [
                    0,
                    "",
                    s,
                    authors.get(s, ""),
                    int(agrees[j]),
                    int(disagrees[j]),
                    moderated,
                    "true" if inp.is_meta[j] else "false",
                    texts.get(s, ""),
                ]
            )
    n_comments: dict[str, int] = {}
    for a in authors.values():
        n_comments[a] = n_comments.get(a, 0) + 1
    dense: list[dict[int, int]] = [{} for _ in pids]
    for r, c, v in zip(inp.rows, inp.cols, inp.values, strict=True):
        dense[r][int(c)] = int(v)
    res_pos: dict[int, int] = {}
    if result is not None:
        where = {p: k for k, p in enumerate(result.participant_ids)}
        res_pos = {i: where[p] for i, p in enumerate(pids) if p in where}
    with (out / "participants-votes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *sids]
        )
        for i, p in enumerate(pids):
            row = dense[i]
            gid = ""
            if result is not None and i in res_pos:
                g = int(result.group[res_pos[i]])
                gid = str(g) if g >= 0 else ""
            vals = list(row.values())
            w.writerow(
                [
                    p,
                    gid,
                    n_comments.get(p, 0),
                    len(vals),
                    vals.count(1),
                    vals.count(-1),
                    *[row.get(j, "") for j in range(m)],
                ]
            )
