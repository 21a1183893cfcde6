from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_scopes import scope

from samskab.challenges import services as challenge_services
from samskab.home import navigation
from samskab.home.panels import open_challenges_by_phase, rounds_to_open
from samskab.opinions import services as opinion_services
from samskab.reflection import services as reflection_services
from samskab.workshops import services as workshop_services


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The personal start page: what is open in my municipality, my ideas and what became of
    them, and for staff what waits for me. A fixed number of queries, whatever the counts."""
    user = request.user
    municipality = navigation.my_municipality(request)
    context: dict[str, object] = {
        "municipality": municipality,
        "my_ideas": challenge_services.my_ideas(user),
    }
    if municipality is not None:
        with scope(municipality=municipality):
            waiting = challenge_services.moderation_waiting(user, municipality)
            tasks = {
                "may_moderate": user.has_perm("challenges.moderate", municipality),
                "moderation_waiting": waiting,
                "workshops": workshop_services.open_workshops_run_by(user, municipality),
                "learnings": reflection_services.learnings_awaiting_consent(user, municipality),
                "rounds": rounds_to_open(user, municipality),
            }
            context.update(
                groups=open_challenges_by_phase(user, municipality),
                conversations=opinion_services.open_conversations(user, municipality),
                tasks=tasks,
                has_tasks=tasks["may_moderate"]
                or tasks["workshops"]
                or tasks["learnings"]
                or tasks["rounds"]["prioritisation"]
                or tasks["rounds"]["assessment"],
            )
    return render(request, "home/me.html", context)
