"""The four reflection formats Samskab ships with (METHODS.md), as data.

Used by the data migration and by the demo (which must also work after a test flushed the
tables). The Danish text is data, not UI strings: a facilitator edits it in the product.
"""

from __future__ import annotations

from typing import Any

TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "stacey",
        "name": "Stacey: handlinger, motiver og det uforudsete",
        "description": (
            "Refleksion over egne handlinger og motiverne bag dem, over magt og inddragelse, og "
            "over det, vi ikke kunne forudse."
        ),
        "prompts": [
            "Hvad gjorde jeg – og hvorfor?",
            "Hvem var med, og hvem var ikke med?",
            "Hvordan viste magt sig?",
            "Hvad overraskede os?",
            "Hvordan adskiller min fortælling sig fra de andres?",
        ],
    },
    {
        "key": "gibbs",
        "name": "Gibbs' refleksionscirkel",
        "description": "Seks trin fra beskrivelse til handlingsplan.",
        "prompts": [
            "Beskrivelse: Hvad skete der?",
            "Følelser: Hvad tænkte og følte du?",
            "Vurdering: Hvad var godt, og hvad var skidt?",
            "Analyse: Hvordan kan du forstå det, der skete?",
            "Konklusion: Hvad kunne du ellers have gjort?",
            "Handlingsplan: Hvad gør du, hvis det sker igen?",
        ],
    },
    {
        "key": "aar",
        "name": "After Action Review",
        "description": (
            "Uden skyld, og rang tæller ikke. Skriv først, hvad I forventede – så hvad der skete."
        ),
        "prompts": [
            "Hvad skulle der ske?",
            "Hvad skete der faktisk?",
            "Hvorfor var der forskel?",
            "Hvad gør vi næste gang?",
        ],
    },
    {
        "key": "what-so-what-now-what",
        "name": "Hvad? Og hvad så? Hvad nu?",
        "description": "Først hver for sig, så i små grupper, så alle sammen.",
        "prompts": [
            "Hvad? Hvad skete der, og hvad lagde du mærke til?",
            "Og hvad så? Hvad betyder det – hvorfor er det vigtigt?",
            "Hvad nu? Hvad gør vi nu?",
        ],
    },
]


def seed_templates(model: Any) -> None:
    """Create the platform templates that are missing (idempotent; never overwrites an edit)."""
    for data in TEMPLATES:
        if not model.objects.filter(municipality__isnull=True, key=data["key"]).exists():
            model.objects.create(municipality=None, **data)
