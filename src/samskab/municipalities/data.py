"""The 98 Danish municipalities, shipped as fixtures/kommuner.csv (public facts)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

KOMMUNER_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "kommuner.csv"

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slug(text: str) -> str:
    """Slug that spells æ, ø, å the Danish way (København → koebenhavn), not by dropping them."""
    return slugify(text.translate(_DANISH))


@dataclass(frozen=True)
class KommuneRow:
    code: str
    name: str
    region_code: str
    region_name: str


def read_kommuner(path: Path = KOMMUNER_CSV) -> list[KommuneRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            KommuneRow(
                code=row["kode"].strip().zfill(4),
                name=row["navn"].strip(),
                region_code=row["regionskode"].strip(),
                region_name=row["regionsnavn"].strip(),
            )
            for row in csv.DictReader(handle)
        ]
    return rows


def load_municipalities(model: type) -> int:
    """Create or update every municipality from the CSV; returns how many there are.

    Takes the model class so the data migration can pass its historical model.
    """
    rows = read_kommuner()
    for row in rows:
        model.objects.update_or_create(  # type: ignore[attr-defined]
            code=row.code,
            defaults={
                "name": row.name,
                "slug": danish_slug(row.name),
                "region_code": row.region_code,
                "region_name": row.region_name,
            },
        )
    return len(rows)
