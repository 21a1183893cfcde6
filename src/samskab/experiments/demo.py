"""Demo: a safe-to-fail experiment on the demo initiative, with one review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from samskab.accounts.models import Role
from samskab.analysis.stacey import Zone
from samskab.experiments import services
from samskab.experiments.models import Decision, Experiment
from samskab.initiatives.models import Initiative

TITLE = "Fællesspisning hver torsdag i Himmelev"


def load_experiments_demo(demo: Any) -> None:
    # The initiatives demo runs first (its app comes first in INSTALLED_APPS); without an
    # initiative there is nothing to experiment in.
    initiative = (
        Initiative.objects.filter(municipality=demo.municipality, parent__isnull=True)
        .order_by("pk")
        .first()
    )
    if initiative is None or Experiment.objects.filter(initiative=initiative).exists():
        return
    manager = demo.people[Role.MANAGER]
    facilitator = demo.people[Role.FACILITATOR]
    today = timezone.localdate()
    experiment = services.design_experiment(
        initiative,
        facilitator,
        title=TITLE,
        hypothesis=(
            "Hvis foreningen og hjemmeplejen inviterer til spisning i beboerhuset hver torsdag, "
            "så kommer ældre, der bor alene, oftere ud og får nye bekendte."
        ),
        signals=(
            "Hvor mange kommer, og hvor mange kommer igen. Om hjemmeplejen hører færre sige, "
            "at de er alene. Hvad deltagerne selv fortæller efter tredje gang."
        ),
        amplify_when=("Mindst 15 kommer, og halvdelen kommer igen: så prøver vi også i Trekroner."),
        dampen_when="Færre end 8 kommer to gange i træk: så holder vi det hver anden uge.",
        stop_when="Ingen nye kommer efter fire gange, eller de frivillige ikke kan bære det.",
        review_on=today + timedelta(days=14),
        zone=int(Zone.COMPLEXITY),
    )
    services.review_experiment(
        experiment,
        manager,
        decision=Decision.CONTINUE,
        sensed=(
            "12 kom første gang og 10 anden gang, heraf 7 for første gang. To fortalte, at de "
            "nu går tur sammen om mandagen."
        ),
        outcome="Godt i gang, men for tidligt at forstærke.",
        learning=(
            "Personlig invitation fra hjemmeplejen virker bedre end opslag: næsten alle nye kom, "
            "fordi nogen havde spurgt dem."
        ),
        next_review_on=today + timedelta(days=30),
    )
