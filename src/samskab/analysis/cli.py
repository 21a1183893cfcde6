"""`samskab opinion analyze PATH [--seed N] [--out FILE]`: a Pol.is export folder → JSON.

Pure Python and numpy: `samskab.cli` runs it before Django is imported, so a one-off analysis
on a laptop pays for reading the files and the math, not for starting the web application
(bench/bench_analyze_cli.py). The management command `opinion analyze` calls the same function.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from samskab.analysis import opinion, polis_io


class AnalyzeError(Exception):
    """Bad input, said in Danish; the command exits with status 2."""


def analyze_to_text(path: Path, seed: int = 0) -> str:
    try:
        inp = polis_io.read_polis(path)
    except polis_io.PolisFormatError as exc:
        raise AnalyzeError(f"Kan ikke læse Pol.is-data: {exc}") from None
    if len(inp.values) == 0:
        raise AnalyzeError(f"Kan ikke læse Pol.is-data: {path}: der er ingen stemmer")
    try:
        result = opinion.analyze(inp, seed=seed)
    except opinion.OpinionInputError as exc:
        raise AnalyzeError(f"Kan ikke analysere {path}: {exc}") from None
    return json.dumps(polis_io.result_to_json(result), ensure_ascii=False)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="samskab opinion analyze", description="Analyser en Pol.is-eksport og skriv JSON."
    )
    parser.add_argument("path", help="mappe med Pol.is CSV- eller API-JSON-filer")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="skriv JSON til denne fil i stedet for standardud")
    args = parser.parse_args(argv)
    try:
        text = analyze_to_text(Path(args.path), args.seed)
    except AnalyzeError as exc:
        print(f"CommandError: {exc}", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
