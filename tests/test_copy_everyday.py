"""One spelling for a command: "Inviter", "Importer", "Marker" – never "Invitér" beside
"Inviter" – and the page a person signs up on says "profil", the word used everywhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

SRC = Path(__file__).resolve().parents[1] / "src" / "samskab"
# A Danish imperative with an accent on its last syllable (Invitér, Importér, Markér …).
ACCENTED = re.compile(r"\b[A-Za-zæøåÆØÅ]{2,}ér\b")


def _source_files():
    for path in SRC.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"}:
            continue
        if {"locale", "migrations", "management"} & set(path.parts):
            continue
        yield path


def test_no_command_is_spelled_with_an_accent():
    found = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in _source_files()
        for match in ACCENTED.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.django_db
def test_sign_up_says_profile(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "Opret en profil" in html
    assert "Opret konto" not in html
