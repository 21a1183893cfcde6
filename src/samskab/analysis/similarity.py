"""Similar ideas while typing: TF-IDF over character n-grams with cosine similarity.

Why character n-grams: Danish writes compounds as one word ("ældresamvær") where a citizen may
equally write "samvær for ældre", and inflects by suffix ("ældre", "ældres", "ældrecentret").
Word tokens would see nothing in common; character 3–5-grams inside word boundaries share most
of their grams ("ældr", "samv", "mvær" ...). This is the classic n-gram approach to
compounding languages (Cavnar & Trenkle 1994, "N-gram-based text categorization"; McNamee &
Mayfield 2004, "Character n-gram tokenization for European language text retrieval", Inf.
Retrieval 7) and matches scikit-learn's ``analyzer="char_wb"``.

Pipeline (each step's source):

* normalise: Unicode NFKC, lower-case, every run of non-letters/digits (punctuation, ``_``,
  whitespace) becomes one space. æ, ø, å and other letters are kept as they are.
* n-grams: each word is padded with one space on both sides (so a gram can mark the start or end
  of a word) and cut into all substrings of length 3..5; a word shorter than a gram size gives no
  gram of that size, but the padded word always gives at least one 3-gram.
* term weight: sublinear tf, ``1 + ln(tf)`` (Manning, Raghavan & Schütze 2008, "Introduction to
  Information Retrieval", §6.4.1), times smoothed idf ``ln((1 + N) / (1 + df)) + 1`` (the same
  smoothing as scikit-learn's ``TfidfVectorizer(smooth_idf=True)``), N = ideas in the index,
  df = ideas containing the gram. A gram of the query that no idea contains gets df = 0: it
  counts in the query's norm (an unusual text is honestly less similar) but matches nothing.
* score: cosine similarity of the weighted vectors (Manning et al. §6.3), in [0, 1]. Ideas below
  ``min_score`` are not shown.

The idf is recomputed from the current document frequencies at query time, so ``add``/``remove``
keep it exact without re-weighting stored rows: rows hold raw sublinear tf, and a query computes
``scores = X_tf · (q ∘ idf²) / (‖X_tf ∘ idf‖ · ‖q ∘ idf‖)``; the document norms are cached and
recomputed (one sparse product) only after the index changed.

Only numpy and scipy.sparse are used. Serialisation: :meth:`SimilarityIndex.to_bytes` /
``from_bytes`` is a compact, pickle-free format (zlib over an ``.npz`` of integer arrays and JSON);
pickling (what Django's cache does) stores that same form, so caches hold a few MB even at 10,000
ideas.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
import zlib
from collections.abc import Collection, Iterable
from typing import Any

import numpy as np
import scipy.sparse  # type: ignore[import-untyped]
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_MIN_SCORE",
    "IdeaId",
    "SimilarityIndex",
    "char_ngrams",
    "normalise",
]

IdeaId = int | str
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Default threshold below which an idea is "unrelated" and not shown. Chosen on synthetic Danish
#: idea texts (bench/results/similarity.md, 10,000 ideas): queries made of words no idea uses
#: score at most about 0.1 against every idea (shared short grams and function words), while a
#: typed rewording of an idea scores a median of about 0.6 against it (5th percentile about 0.3),
#: and about nine in ten ideas shown above 0.15 share the query's topic.
DEFAULT_MIN_SCORE = 0.15

_FORMAT_VERSION = 1
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Compact the row store once this share of rows is removed (removed rows still cost a little in
# every query's sparse product).
_COMPACT_SHARE = 0.25
_MAGIC = b"SAMSKAB-SIMIDX"
# The tail of recently added rows is merged into the base above this many rows (or 1/8 of it).
_TAIL_ROWS = 256


def normalise(text: str) -> str:
    """Lower-case, NFKC-normalised text with punctuation stripped and whitespace collapsed.

    >>> normalise("Ældre-samvær, i  Ørslev!")
    'ældre samvær i ørslev'
    """
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def _words(text: str) -> list[str]:
    """``normalise(text).split()`` in one regex pass."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def _word_grams(word: str, n_min: int, n_max: int) -> list[str]:
    padded = f" {word} "
    grams: list[str] = []
    for n in range(n_min, n_max + 1):
        grams.extend(padded[k : k + n] for k in range(len(padded) - n + 1))
    return grams


def char_ngrams(text: str, n_min: int = 3, n_max: int = 5) -> list[str]:
    """All word-boundary-padded character n-grams of the normalised text, in order.

    >>> char_ngrams("Øl", 3, 4)
    [' øl', 'øl ', ' øl ']
    """
    if not 1 <= n_min <= n_max:
        raise ValueError(f"need 1 <= n_min <= n_max, got {n_min}, {n_max}")
    grams: list[str] = []
    for word in _words(text):
        grams.extend(_word_grams(word, n_min, n_max))
    return grams


def _check_id(idea_id: object) -> IdeaId:
    # bool is an int subclass but almost certainly a bug as an id.
    if isinstance(idea_id, bool) or not isinstance(idea_id, int | str):
        raise TypeError(f"idea ids must be int or str, got {type(idea_id).__name__}")
    return idea_id


class SimilarityIndex:
    """Character n-gram TF-IDF index of a challenge's ideas.

    Not thread-safe: :meth:`query` also updates internal caches (merging recently added rows,
    document norms), so an index shared between threads needs one lock around ``query``,
    ``add``/``add_many`` and ``remove`` alike.

    >>> index = SimilarityIndex([(1, "Mere ældresamvær i dagcentret"), (2, "Cykelsti til skolen")])
    >>> [idea for idea, _ in index.query("samvær for ældre")]
    [1]
    """

    def __init__(
        self,
        items: Iterable[tuple[IdeaId, str]] = (),
        *,
        ngram_range: tuple[int, int] = (3, 5),
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        n_min, n_max = ngram_range
        if not 1 <= n_min <= n_max:
            raise ValueError(f"ngram_range must satisfy 1 <= min <= max, got {ngram_range}")
        if not 0.0 <= min_score <= 1.0:
            raise ValueError(f"min_score must be in [0, 1], got {min_score}")
        self.ngram_range = (int(n_min), int(n_max))
        self.min_score = float(min_score)
        self._vocab: dict[str, int] = {}
        self._df = np.zeros(0, dtype=np.int64)
        self._ids: list[IdeaId | None] = []  # None marks a removed row
        self._row_of: dict[IdeaId, int] = {}
        # Row store of sublinear tf (rows = ideas in insertion order, columns = grams): a large
        # base CSR matrix, a small tail CSR of recently added rows, and blocks added since the
        # last query. Keeping the tail apart means an add does not copy the whole base; the tail
        # is merged into the base once it holds more than 1/8 of the rows. A block may have
        # fewer columns than the vocabulary (grams added later); queries slice accordingly.
        self._matrix: Any = _empty_csr(0, 0)
        self._tail: Any = _empty_csr(0, 0)
        self._pending: list[Any] = []
        self._init_caches()
        self._add_many(items)

    # ---------------------------------------------------------------- caching / pickling

    def _init_caches(self) -> None:
        # word -> row of the word×gram matrix; grams of a word are cut only once per index.
        self._word_row: dict[str, int] = {}
        self._word_grams: list[IntArray] = []
        self._norms: FloatArray | None = None
        self._idf: FloatArray | None = None
        self._alive: NDArray[np.bool_] | None = None
        self._base_sq: Any = None  # base matrix with squared data, for the norms

    def _invalidate(self) -> None:
        self._norms = None
        self._idf = None
        self._alive = None

    def __getstate__(self) -> dict[str, Any]:
        # Pickle (what Django's cache uses) stores the compact to_bytes() form.
        return {"blob": self.to_bytes()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(SimilarityIndex.from_bytes(state["blob"]).__dict__)

    # ---------------------------------------------------------------- public API

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, idea_id: object) -> bool:
        return idea_id in self._row_of

    @property
    def ids(self) -> list[IdeaId]:
        """Ids of the ideas in the index, in insertion order."""
        return [i for i in self._ids if i is not None]

    def add(self, idea_id: IdeaId, text: str) -> None:
        """Add an idea, or replace its text if the id is already in the index."""
        self._add_many([(idea_id, text)])

    def add_many(self, items: Iterable[tuple[IdeaId, str]]) -> None:
        """Add several ideas at once (much faster than one by one); existing ids are replaced."""
        self._add_many(items)

    def remove(self, idea_id: IdeaId) -> bool:
        """Remove an idea; returns False (and does nothing) if it is not in the index."""
        row = self._row_of.pop(idea_id, None)
        if row is None:
            return False
        self._flush()
        n_base = self._matrix.shape[0]
        block, r = (self._matrix, row) if row < n_base else (self._tail, row - n_base)
        self._df[block.indices[block.indptr[r] : block.indptr[r + 1]]] -= 1
        self._ids[row] = None
        self._invalidate()
        if len(self._ids) - len(self._row_of) > _COMPACT_SHARE * max(len(self._ids), 16):
            self._compact()
        return True

    def query(
        self,
        text: str,
        k: int = 5,
        *,
        exclude: Collection[IdeaId] = (),
        min_score: float | None = None,
    ) -> list[tuple[IdeaId, float]]:
        """The ``k`` ideas most similar to ``text``, best first, as ``(id, cosine score)``.

        Ideas scoring below ``min_score`` (default: the index's) and ids in ``exclude`` (e.g. the
        idea being edited) are left out. Equal scores are ordered by insertion order, so the
        result is deterministic. Empty or punctuation-only text gives ``[]``.
        """
        if k < 0:
            raise ValueError(f"k must be non-negative, got {k}")
        threshold = self.min_score if min_score is None else float(min_score)
        if k == 0 or not self._row_of:
            return []
        counts: dict[str, int] = {}
        for gram in char_ngrams(text, *self.ngram_range):
            counts[gram] = counts.get(gram, 0) + 1
        if not counts:
            return []
        self._flush()
        idf = self._current_idf()
        unseen_idf = math.log(1.0 + len(self._row_of)) + 1.0  # smoothed idf with df = 0
        cols: list[int] = []
        q_tf: list[float] = []
        unseen_sq = 0.0
        for gram, c in counts.items():
            tf = 1.0 + math.log(c)
            col = self._vocab.get(gram)
            if col is None or self._df[col] == 0:
                unseen_sq += (tf * unseen_idf) ** 2
            else:
                cols.append(col)
                q_tf.append(tf)
        if not cols:
            return []
        col_arr = np.asarray(cols, dtype=np.int64)
        q_w = np.asarray(q_tf) * idf[col_arr]
        q_norm = math.sqrt(float(q_w @ q_w) + unseen_sq)
        weights = np.zeros(len(self._vocab), dtype=np.float64)
        weights[col_arr] = q_w * idf[col_arr]
        dots = self._row_products(weights)
        norms = self._doc_norms()
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(norms > 0, dots / (norms * q_norm), 0.0)
        scores[~self._alive_rows()] = -1.0
        for idea in exclude:
            row = self._row_of.get(idea)
            if row is not None:
                scores[row] = -1.0
        candidates = np.flatnonzero(scores >= max(threshold, 1e-12))
        if candidates.size == 0:
            return []
        if candidates.size > 4 * k:
            # Partial selection first: O(n) instead of sorting every candidate.
            part = np.argpartition(-scores[candidates], k - 1)[:k]
            kth = scores[candidates[part]].min()
            candidates = candidates[scores[candidates] >= kth]
        # Stable sort on −score keeps insertion order among equal scores.
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        out: list[tuple[IdeaId, float]] = []
        for row in order:
            found = self._ids[int(row)]
            assert found is not None  # removed rows scored −1 above
            out.append((found, min(1.0, float(scores[row]))))
        return out

    # ---------------------------------------------------------------- serialisation

    def to_bytes(self) -> bytes:
        """Compact, pickle-free serialisation.

        Layout: a magic prefix, then zlib (level 1, fast) over an uncompressed ``.npz`` holding
        the settings and ids as JSON, the vocabulary, document frequencies and the CSR rows as
        gram indices and raw counts in the smallest unsigned integer types that fit.
        """
        self._compact()
        m = self._matrix
        meta = {
            "version": _FORMAT_VERSION,
            "ngram_range": list(self.ngram_range),
            "min_score": self.min_score,
            "ids": self._ids,
        }
        vocab = sorted(self._vocab, key=self._vocab.__getitem__)
        # tf = 1 + ln(count), so the integer count is recovered exactly and stores smaller.
        counts = np.rint(np.exp(np.asarray(m.data) - 1.0)).astype(np.int64)
        buf = io.BytesIO()
        np.savez(
            buf,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            vocab=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
            df=_smallest_uint(self._df[: len(self._vocab)]),
            indptr=np.asarray(m.indptr, dtype=np.int64),
            indices=_smallest_uint(np.asarray(m.indices, dtype=np.int64)),
            counts=_smallest_uint(counts),
        )
        return _MAGIC + zlib.compress(buf.getvalue(), 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> SimilarityIndex:
        """Rebuild an index written by :meth:`to_bytes`."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a serialised SimilarityIndex")
        raw = zlib.decompress(data[len(_MAGIC) :])
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("version") != _FORMAT_VERSION:
                raise ValueError(f"unsupported similarity index format {meta.get('version')!r}")
            vocab_text = z["vocab"].tobytes().decode("utf-8")
            df = z["df"].astype(np.int64)
            indptr = z["indptr"]
            indices = z["indices"].astype(np.int32)
            counts = z["counts"]
        n_min, n_max = meta["ngram_range"]
        index = cls(ngram_range=(n_min, n_max), min_score=meta["min_score"])
        # normalise() turns newlines into spaces, so no gram holds one: a safe separator.
        grams = vocab_text.split("\n") if vocab_text else []
        index._vocab = {g: i for i, g in enumerate(grams)}
        index._df = df
        ids: list[IdeaId] = [_check_id(i) for i in meta["ids"]]
        index._ids = list(ids)
        index._row_of = {i: r for r, i in enumerate(ids)}
        tf = 1.0 + np.log(counts.astype(np.float64))
        index._matrix = scipy.sparse.csr_matrix((tf, indices, indptr), shape=(len(ids), len(grams)))
        return index

    # ---------------------------------------------------------------- internals

    def _add_words(self, words: Iterable[str]) -> None:
        """Cut new words into grams once and append them to the word×gram table."""
        vocab = self._vocab
        n_min, n_max = self.ngram_range
        for word in words:
            padded = f" {word} "
            size = len(padded)
            # setdefault assigns the next free column to a gram seen for the first time.
            ids = [
                vocab.setdefault(padded[k : k + n], len(vocab))
                for n in range(n_min, n_max + 1)
                for k in range(size - n + 1)
            ]
            self._word_row[word] = len(self._word_grams)
            self._word_grams.append(np.asarray(ids, dtype=np.int64))

    def _add_many(self, items: Iterable[tuple[IdeaId, str]]) -> None:
        # Later duplicates win; ids already in the index are replaced.
        batch: dict[IdeaId, str] = {}
        for idea_id, text in items:
            key = _check_id(idea_id)
            if not isinstance(text, str):
                raise TypeError(f"idea text must be str, got {type(text).__name__}")
            batch.pop(key, None)
            batch[key] = text
        if not batch:
            return
        for key in batch:
            if key in self._row_of:
                self.remove(key)

        # Vectorised counting: doc×word counts times word×gram incidence gives doc×gram counts,
        # so each distinct word is cut into grams once, not once per occurrence.
        docs = [_words(text) for text in batch.values()]
        known = self._word_row
        # dict.fromkeys keeps first-seen order, so gram columns are numbered deterministically.
        self._add_words(dict.fromkeys(w for words in docs for w in words if w not in known))
        word_rows = [known[w] for words in docs for w in words]
        doc_len = [len(words) for words in docs]
        n_docs = len(batch)
        doc_idx = np.repeat(np.arange(n_docs, dtype=np.int64), doc_len)
        # Only the words of this batch enter the product, so adding one idea costs O(its words).
        used, local = np.unique(np.asarray(word_rows, dtype=np.int64), return_inverse=True)
        doc_word = scipy.sparse.csr_matrix(
            (np.ones(local.shape[0]), (doc_idx, local.reshape(-1))),
            shape=(n_docs, used.shape[0]),
        )
        grams_of = [self._word_grams[int(r)] for r in used]
        lengths = np.fromiter((g.shape[0] for g in grams_of), dtype=np.int64, count=len(grams_of))
        word_gram = scipy.sparse.csr_matrix(
            (
                np.ones(int(lengths.sum())),
                np.concatenate(grams_of) if grams_of else np.zeros(0, dtype=np.int64),
                np.concatenate([[0], np.cumsum(lengths)]),
            ),
            shape=(used.shape[0], len(self._vocab)),
        )
        # The product has one entry per (idea, gram); column order within a row is irrelevant to
        # every later use, so the costly index sort is skipped.
        doc_gram = (doc_word @ word_gram).tocsr()
        doc_gram.data = 1.0 + np.log(doc_gram.data)

        if self._df.shape[0] < len(self._vocab):
            # Grow geometrically so that adding ideas one by one stays linear overall.
            grown = np.zeros(max(len(self._vocab), 2 * self._df.shape[0]), dtype=np.int64)
            grown[: self._df.shape[0]] = self._df
            self._df = grown
        self._df[: len(self._vocab)] += np.bincount(doc_gram.indices, minlength=len(self._vocab))
        for key in batch:
            self._row_of[key] = len(self._ids)
            self._ids.append(key)
        self._pending.append(doc_gram)
        self._invalidate()

    def _flush(self, full: bool = False) -> None:
        """Move pending blocks into the tail; merge the tail into the base when it has grown
        (or when ``full``)."""
        if self._pending:
            blocks = self._pending if self._tail.shape[0] == 0 else [self._tail, *self._pending]
            self._tail = blocks[0] if len(blocks) == 1 else _concat_csr(blocks)
            self._pending = []
        n_tail = self._tail.shape[0]
        if n_tail and (full or n_tail > max(_TAIL_ROWS, self._matrix.shape[0] // 8)):
            empty_base = self._matrix.shape[0] == 0
            self._matrix = self._tail if empty_base else _concat_csr([self._matrix, self._tail])
            self._tail = _empty_csr(0, 0)
            self._base_sq = None

    def _row_products(self, column_weights: FloatArray) -> FloatArray:
        """``X @ column_weights`` over base and tail (blocks may have fewer columns)."""
        parts = [self._matrix @ column_weights[: self._matrix.shape[1]]]
        if self._tail.shape[0]:
            parts.append(self._tail @ column_weights[: self._tail.shape[1]])
        return np.asarray(np.concatenate(parts), dtype=np.float64)

    def _compact(self) -> None:
        """Drop removed rows and grams no live idea uses any more."""
        self._flush(full=True)
        if len(self._ids) == len(self._row_of) and bool(np.all(self._df[: len(self._vocab)] > 0)):
            return
        keep_rows = np.array([i is not None for i in self._ids], dtype=np.bool_)
        matrix = self._matrix[keep_rows]
        used = self._df[: len(self._vocab)] > 0
        new_col = np.cumsum(used) - 1
        self._vocab = {g: int(new_col[c]) for g, c in self._vocab.items() if used[c]}
        self._df = self._df[: used.shape[0]][used].copy()
        self._matrix = scipy.sparse.csr_matrix(
            (matrix.data, new_col[matrix.indices].astype(np.int32), matrix.indptr),
            shape=(int(keep_rows.sum()), len(self._vocab)),
        )
        live: list[IdeaId] = [i for i in self._ids if i is not None]
        self._ids = list(live)
        self._row_of = {i: r for r, i in enumerate(live)}
        # Gram ids changed: the word table is rebuilt lazily.
        self._word_row = {}
        self._word_grams = []
        self._base_sq = None
        self._invalidate()

    def _current_idf(self) -> FloatArray:
        if self._idf is None:
            n_live = len(self._row_of)
            df = self._df[: len(self._vocab)].astype(np.float64)
            self._idf = np.log((1.0 + n_live) / (1.0 + df)) + 1.0
        return self._idf

    def _alive_rows(self) -> NDArray[np.bool_]:
        if self._alive is None:
            self._alive = np.array([i is not None for i in self._ids], dtype=np.bool_)
        return self._alive

    def _doc_norms(self) -> FloatArray:
        if self._norms is None:
            idf = self._current_idf()
            idf2 = idf * idf
            if self._base_sq is None:
                # Same sparsity as the base, squared tf: ‖x ∘ idf‖² = (x²) · idf², one sparse
                # product per change of the index instead of re-weighting every row.
                m = self._matrix
                self._base_sq = scipy.sparse.csr_matrix(
                    (np.square(m.data), m.indices, m.indptr), shape=m.shape
                )
            parts = [self._base_sq @ idf2[: self._base_sq.shape[1]]]
            if self._tail.shape[0]:
                t = self._tail
                tail_sq = scipy.sparse.csr_matrix(
                    (np.square(t.data), t.indices, t.indptr), shape=t.shape
                )
                parts.append(tail_sq @ idf2[: t.shape[1]])
            self._norms = np.sqrt(np.asarray(np.concatenate(parts), dtype=np.float64))
        return self._norms


def _empty_csr(n_rows: int, n_cols: int) -> Any:
    return scipy.sparse.csr_matrix((n_rows, n_cols), dtype=np.float64)


def _concat_csr(blocks: list[Any]) -> Any:
    """Stack CSR blocks vertically by concatenating their arrays (no format conversion, no
    index sorting); the result has as many columns as the widest block."""
    indptr = [np.asarray(blocks[0].indptr, dtype=np.int64)]
    offset = int(blocks[0].nnz)
    for b in blocks[1:]:
        indptr.append(np.asarray(b.indptr[1:], dtype=np.int64) + offset)
        offset += int(b.nnz)
    return scipy.sparse.csr_matrix(
        (
            np.concatenate([np.asarray(b.data, dtype=np.float64) for b in blocks]),
            np.concatenate([np.asarray(b.indices, dtype=np.int32) for b in blocks]),
            np.concatenate(indptr),
        ),
        shape=(sum(int(b.shape[0]) for b in blocks), max(int(b.shape[1]) for b in blocks)),
    )


def _smallest_uint(values: NDArray[np.int64]) -> NDArray[np.unsignedinteger[Any]]:
    """``values`` (non-negative) in the narrowest unsigned dtype that holds them."""
    top = int(values.max()) if values.size else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.uint64)
