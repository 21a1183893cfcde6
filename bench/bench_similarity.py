"""Benchmark: "similar ideas while typing" at 10,000 ideas, against scikit-learn and rapidfuzz.

Synthetic Danish-ish ideas: 24 topics, each with its own content words (inflected with Danish
suffixes and sometimes joined into compounds), mixed with common function words; 30–80 words per
idea. Queries imitate a citizen typing a variant of an existing idea: a window of 8–25 words of
it, with compounds split ("ældresamvær" -> "samvær for ældre"), inflections changed and some
words replaced. The idea a query was made from is its "source"; recall@5 is how often it is
among the five shown. Unrelated queries use words from a topic that no idea has.

Run (the peers need the bench venv; the product does not):

    nice /work/main/.venv-bench2/bin/python bench/bench_similarity.py \
        --out bench/results/similarity.md
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import pickle
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from samskab.analysis.similarity import DEFAULT_MIN_SCORE, SimilarityIndex


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION_WORDS = _words(
    "og i at det en til for på med er som de af vi der kan skal have mere flere bedre så også "
    "et den ikke om man vores alle os hvor når fordi eller men gerne godt meget nye sammen "
    "kommunen borgerne byen området lokale gøre give skabe få mulighed muligheder forslag idé "
    "ønsker vil kunne være bliver hele hver mange"
)

TOPICS = {
    "ældre": "ældre samvær plejehjem hjemmehjælp ensomhed besøgsven dagcenter senior "
    "fællesspisning motion pension omsorg beboer pårørende",
    "skole": "skole elev lærer klasse frikvarter lektie undervisning skolegård forælder "
    "trivsel mobning læsning skolebus ungdom",
    "trafik": "cykel cykelsti vej trafik bus parkering fortov kryds fart bilist lyskurv "
    "skolevej rundkørsel pendler",
    "natur": "park skov sø træ blomst sti bænk legeplads natur grønt have insekt fugl eng",
    "kultur": "bibliotek koncert teater museum kunst musik festival forening kulturhus "
    "udstilling scene kor film foredrag",
    "klima": "klima energi solcelle varme isolering vind genbrug affald sortering "
    "regnvand oversvømmelse træplantning elbil ladestander",
    "sundhed": "sundhed læge rygning kost motion trivsel psykisk sygdom forebyggelse "
    "sygeplejerske genoptræning søvn stress",
    "job": "job ledighed virksomhed praktik uddannelse lærling jobcenter kompetence "
    "arbejdsplads iværksætter kursus løn netværk",
    "bolig": "bolig lejlighed husleje almen byggeri boligforening nabo gård opgang "
    "ejendom renovering boligområde tag",
    "idræt": "idræt fodbold hal svømmehal klub træning løb håndbold banen omklædning "
    "motionist turnering frivillig",
    "digital": "digital app hjemmeside selvbetjening borgerservice computer internet "
    "mitid kode hjælp tablet wifi skærm",
    "integration": "integration sprog tolk nydansker kultur fællesskab forening mentor "
    "netværk familie dansk undervisning",
    "havn": "havn båd kajak strand bro badested kyst mole sejlads fisker vandsport "
    "havnebad livredder",
    "mad": "mad køkken frokost madpakke økologi grøntsag bager café marked lokal "
    "råvare spisning madspild",
    "børn": "børn dagpleje vuggestue børnehave pædagog institution legetøj forældre "
    "aflevering madordning udflugt sandkasse",
    "handel": "butik handel torv gågade marked detailhandel tomme lokaler erhverv "
    "bymidte åbningstid kunde",
    "landsby": "landsby landdistrikt forsamlingshus købmand bus fiber mark gård "
    "landbrug vej lokalråd",
    "handicap": "handicap kørestol tilgængelighed rampe elevator hjælpemiddel "
    "ledsager toilet skilt blind døv",
    "unge": "unge ungdomsklub fritid gaming værested musikskole aftenskole hænge ungdomsråd fest",
    "frivillig": "frivillig forening bestyrelse kontingent lokaler fundraising "
    "ildsjæl hjælper arrangement",
    "sikkerhed": "tryghed belysning lygte politi hærværk nattevagt tyveri kamera nabohjælp lys",
    "dyr": "hund kat hundeskov dyrevelfærd hest rideskole dyrlæge hundepose bondegård",
    "vand": "vand kloak drikkevand grundvand vandværk brønd spildevand regnbed dræn",
    "demokrati": "demokrati borgermøde høring byråd politiker valg indflydelse "
    "medborgerskab dialog",
}
# Words of a topic no idea uses, for "unrelated" queries.
UNRELATED = _words(
    "astronomi teleskop stjerne planet komet galakse observatorium satellit månelanding "
    "rumstation kikkert meteor"
)
SUFFIXES = ("", "", "", "en", "et", "er", "erne", "e", "s", "ens", "ernes")


def inflect(word: str, rng: random.Random) -> str:
    return word + rng.choice(SUFFIXES)


def make_idea(topic: str, rng: random.Random) -> str:
    content = TOPICS[topic].split()
    words: list[str] = []
    for _ in range(rng.randint(30, 80)):
        r = rng.random()
        if r < 0.55:
            words.append(rng.choice(FUNCTION_WORDS))
        elif r < 0.63:
            # A word from another topic: ideas touch several themes.
            other = TOPICS[rng.choice(list(TOPICS))].split()
            words.append(inflect(rng.choice(other), rng))
        elif r < 0.72:
            words.append(rng.choice(content) + inflect(rng.choice(content), rng))  # compound
        else:
            # Zipf-like preference for a topic's first words.
            k = min(int(rng.paretovariate(1.2)) - 1, len(content) - 1)
            words.append(inflect(content[k], rng))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_query(idea: str, rng: random.Random, lengths: tuple[int, int] = (8, 25)) -> str:
    words = idea.rstrip(".").lower().split()
    length = rng.randint(*lengths)
    start = rng.randint(0, max(0, len(words) - length))
    out: list[str] = []
    for w in words[start : start + length]:
        r = rng.random()
        if r < 0.1:
            out.append(rng.choice(FUNCTION_WORDS))  # replaced word
        elif r < 0.25 and len(w) > 8:
            cut = rng.randint(
                4, len(w) - 4
            )  # split a compound: "ældresamvær" -> "samvær for ældre"
            out += [w[cut:], rng.choice(("for", "til", "med", "og")), w[:cut]]
        elif r < 0.4:
            stem = w
            for suffix in ("ernes", "erne", "ens", "en", "er", "et", "s", "e"):
                if stem.endswith(suffix) and len(stem) > len(suffix) + 2:
                    stem = stem.removesuffix(suffix)
                    break
            out.append(stem + rng.choice(SUFFIXES))
        else:
            out.append(w)
    return " ".join(out)


def peer_versions() -> str:
    out = []
    for name in ("scikit-learn", "rapidfuzz"):
        try:
            out.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{name} missing")
    return ", ".join(out)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    rng = random.Random(42)
    load_start = os.getloadavg()[0]

    topics = list(TOPICS)
    idea_topic = [rng.choice(topics) for _ in range(args.n)]
    ideas = [(i, make_idea(idea_topic[i], rng)) for i in range(args.n)]
    texts = [t for _, t in ideas]
    sources = [rng.randrange(args.n) for _ in range(args.queries)]
    queries = [make_query(texts[s], rng) for s in sources]
    # Early in typing: the first 3–6 words of a variant.
    short_sources = [rng.randrange(args.n) for _ in range(args.queries)]
    short_queries = [make_query(texts[s], rng, (3, 6)) for s in short_sources]
    unrelated = [
        " ".join(rng.choice(UNRELATED + FUNCTION_WORDS[:10]) for _ in range(rng.randint(5, 15)))
        for _ in range(100)
    ]
    words = [len(t.split()) for t in texts]
    print(f"ideas: {args.n}, words/idea mean {statistics.mean(words):.0f}", file=sys.stderr)

    # ------------------------------------------------------------------ ours
    t0 = time.perf_counter()
    index = SimilarityIndex(ideas)
    index.query("opvarmning")  # builds the matrix and caches, as the first real query would
    build_ours = time.perf_counter() - t0
    times_ours: list[float] = []
    res_ours: list[list[int]] = []
    res_ours_thr: list[list[int]] = []
    for q in queries:
        t0 = time.perf_counter()
        hits = index.query(q, k=5, min_score=0.0)
        times_ours.append(time.perf_counter() - t0)
        res_ours.append([int(i) for i, _ in hits])
        res_ours_thr.append([int(i) for i, s in hits if s >= DEFAULT_MIN_SCORE])
    source_scores = []
    for q, s in zip(queries, sources, strict=True):
        hits = dict(index.query(q, k=args.n, min_score=0.0))
        source_scores.append(float(hits.get(s, 0.0)))
    unrelated_hits = [len(index.query(q)) for q in unrelated]
    # Precision proxy at the default threshold: shown ideas that share the query's topic.
    same_topic: list[float] = []
    shown: list[int] = []
    short_recall: list[bool] = []
    for qs, srcs in ((queries, sources), (short_queries, short_sources)):
        for q, s in zip(qs, srcs, strict=True):
            hits = index.query(q)
            shown.append(len(hits))
            same_topic += [idea_topic[int(i)] == idea_topic[s] for i, _ in hits]
            if qs is short_queries:
                short_recall.append(s in [int(i) for i, _ in index.query(q, min_score=0.0)])
    unrelated_best = [
        max((s for _, s in index.query(q, min_score=0.0)), default=0.0) for q in unrelated
    ]

    # A citizen submits an idea and the next person types: add one, then query at once.
    after_add: list[float] = []
    for j in range(30):
        idea_text = make_idea(rng.choice(topics), rng)
        t0 = time.perf_counter()
        index.add(args.n + 1000 + j, idea_text)
        index.query(queries[j])
        after_add.append(time.perf_counter() - t0)
    for j in range(30):
        index.remove(args.n + 1000 + j)
    t0 = time.perf_counter()
    for j in range(100):
        index.add(args.n + j, make_idea(rng.choice(topics), rng))
    index.query(queries[0])
    add_ms = (time.perf_counter() - t0) * 1000 / 100
    t0 = time.perf_counter()
    for j in range(100):
        index.remove(args.n + j)
    index.query(queries[0])
    remove_ms = (time.perf_counter() - t0) * 1000 / 100
    t0 = time.perf_counter()
    blob = index.to_bytes()
    restored = SimilarityIndex.from_bytes(blob)
    restored.query(queries[0])
    ser_s = time.perf_counter() - t0
    pickled = pickle.dumps(index)

    rows = []
    recall_ours = statistics.mean(s in r for s, r in zip(sources, res_ours, strict=True))
    rows.append(
        (
            "samskab SimilarityIndex (char_wb 3–5, sublinear TF-IDF, cosine)",
            build_ours,
            times_ours,
            recall_ours,
            1.0,
        )
    )

    notes: list[str] = []
    # ------------------------------------------------------------------ scikit-learn
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer

        t0 = time.perf_counter()
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        matrix = vec.fit_transform(texts)
        build_sk = time.perf_counter() - t0
        times_sk = []
        res_sk = []
        for q in queries:
            t0 = time.perf_counter()
            scores = (matrix @ vec.transform([q]).T).toarray().ravel()
            top = np.argpartition(-scores, 5)[:5]
            top = top[np.argsort(-scores[top], kind="stable")]
            times_sk.append(time.perf_counter() - t0)
            res_sk.append([int(i) for i in top])
        overlap = statistics.mean(
            len(set(a) & set(b)) / 5 for a, b in zip(res_ours, res_sk, strict=True)
        )
        recall_sk = statistics.mean(s in r for s, r in zip(sources, res_sk, strict=True))
        short_sk = []
        for q, s in zip(short_queries, short_sources, strict=True):
            sc = (matrix @ vec.transform([q]).T).toarray().ravel()
            short_sk.append(s in np.argpartition(-sc, 5)[:5])
        notes.append(
            f"scikit-learn's recall@5 on the short queries: {np.mean(short_sk):.1%} (ours "
            f"{np.mean(short_recall):.1%}); with 3–6 words many ideas of a topic fit equally well."
        )
        rows.append(
            (
                "scikit-learn TfidfVectorizer(char_wb, 3–5, sublinear_tf)",
                build_sk,
                times_sk,
                recall_sk,
                overlap,
            )
        )
    except ImportError:
        notes.append("scikit-learn not installed: peer skipped.")

    # ------------------------------------------------------------------ rapidfuzz
    try:
        from rapidfuzz import fuzz, process, utils

        t0 = time.perf_counter()
        processed = [utils.default_process(t) for t in texts]
        build_rf = time.perf_counter() - t0
        times_rf = []
        res_rf = []
        for q in queries:
            t0 = time.perf_counter()
            hits_rf = process.extract(
                utils.default_process(q), processed, scorer=fuzz.token_set_ratio, limit=5
            )
            times_rf.append(time.perf_counter() - t0)
            res_rf.append([int(h[2]) for h in hits_rf])
        overlap_rf = statistics.mean(
            len(set(a) & set(b)) / 5 for a, b in zip(res_ours, res_rf, strict=True)
        )
        recall_rf = statistics.mean(s in r for s, r in zip(sources, res_rf, strict=True))
        rows.append(
            (
                "rapidfuzz process.extract(token_set_ratio)",
                build_rf,
                times_rf,
                recall_rf,
                overlap_rf,
            )
        )
    except ImportError:
        notes.append("rapidfuzz not installed: peer skipped.")

    p50_ours = pct(times_ours, 50)
    lines = [
        "# Similar-ideas benchmark",
        "",
        f"Produced by: `nice {Path(sys.executable).as_posix()} {' '.join(sys.argv)}`",
        "",
        f"{args.n:,} synthetic Danish-ish ideas ({statistics.mean(words):.0f} words on average, "
        f"30–80), {args.queries} typed-variant queries; {platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}, {peer_versions()}; shared 2-core "
        "host, load average "
        f"(1 min) {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| method | build (s) | query p50 (ms) | query p95 (ms) | p50 ÷ ours "
        "| recall@5 of source idea | top-5 overlap with ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, build, times, recall, ov in rows:
        p50 = pct(times, 50)
        lines.append(
            f"| {name} | {build:.2f} | {p50 * 1000:.1f} | {pct(times, 95) * 1000:.1f} | "
            f"{p50 / p50_ours:.2f}× | {recall:.1%} | {ov:.1%} |"
        )
    src = np.asarray(source_scores)
    lines += [
        "",
        "Top-5 overlap and recall use no threshold (min_score = 0) so that all methods return "
        "five ideas. Our build time includes the first query (matrix assembly and caches).",
        "",
        f"Threshold (default min_score = {DEFAULT_MIN_SCORE}):",
        "",
        f"- source idea scored ≥ threshold for {np.mean(src >= DEFAULT_MIN_SCORE):.1%} of the "
        f"typed variants (score median {np.median(src):.2f}, 5th percentile "
        f"{np.percentile(src, 5):.2f});",
        "- unrelated queries (words of a topic no idea has): "
        f"{np.mean(np.asarray(unrelated_hits) > 0):.1%} "
        f"showed any idea; their best score had median {np.median(unrelated_best):.2f}, max "
        f"{np.max(unrelated_best):.2f};",
        f"- of the ideas shown at the threshold (both query sets), {np.mean(same_topic):.1%} "
        f"share the source idea's topic; on average {np.mean(shown):.1f} of 5 slots are filled.",
        f"- short queries (3–6 typed words): our recall@5 of the source idea is "
        f"{np.mean(short_recall):.1%} (without threshold).",
        "",
        f"Incremental updates at {args.n:,} ideas: add {add_ms:.2f} ms/idea and remove "
        f"{remove_ms:.2f} ms/idea (100 of each, amortised, including the next query's rebuild); "
        f"add one idea + the next query: p50 {pct(after_add, 50) * 1000:.1f} ms, p95 "
        f"{pct(after_add, 95) * 1000:.1f} ms (document norms are recomputed after any change). "
        f"Serialised: to_bytes {len(blob) / 1e6:.1f} MB, pickle {len(pickled) / 1e6:.1f} MB; "
        f"to_bytes + from_bytes + first query {ser_s:.2f} s.",
        "",
        *notes,
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
