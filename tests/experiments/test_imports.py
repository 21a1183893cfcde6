"""Experiments in from the export's own format: CSV from the portfolio page and JSON from the
API, row by row through the service, all or nothing, with a report of each refused row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope

from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.experiments import exports, imports, services
from samskab.experiments.models import Experiment, Review, Status
from tests.experiments.conftest import design, make_initiative

pytestmark = pytest.mark.django_db

# What the export computes anew: the experiment's and its initiative's numbers, the link and
# when it was created. Everything else comes back as it went out.
COMPUTED = {"id", "initiative_id", "initiative", "created_at", "url"}


def _api(town, path: str = "") -> str:
    return f"/api/municipalities/{town.municipality.code}/experiments{path}"


def _page(town, name: str = "experiments:import") -> str:
    return reverse(name, args=[town.municipality.slug])


def _content(town) -> list[dict]:
    with scope(municipality=town.municipality):
        rows = exports.as_json(
            Experiment.objects.filter(municipality=town.municipality).order_by("title")
        )
    return [{k: v for k, v in row.items() if k not in COMPUTED} for row in rows]


def _three(town) -> Experiment:
    """A running experiment, a stopped one with its outcome and learning, and an amplified one
    whose title Excel would run as a formula."""
    initiative = make_initiative(town)
    design(initiative, town.owner, title="Kører stadig", hypothesis="Æbler, ø og å\nto linjer")
    stopped = design(initiative, town.owner, title="Stoppet", zone=3)
    amplified = design(initiative, town.owner, title='=HYPERLINK("http://ondt")', zone=5)
    with scope(municipality=town.municipality):
        services.review_experiment(
            stopped,
            town.owner,
            decision="stop",
            sensed="Ingen kom.",
            outcome="Det virkede ikke.",
            learning="Spørg først.",
        )
        services.review_experiment(
            amplified,
            town.owner,
            decision="amplify",
            sensed="Mange kom.",
            learning="Personlige invitationer virker.",
            next_review_on=timezone.localdate() + timedelta(days=30),
        )
    return stopped


def _upload(text: str, name: str = "eksperimenter.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_csv_round_trip_into_another_municipality_gives_the_same_content(towns, client):
    town_a, town_b = towns
    _three(town_a)
    client.force_login(town_a.owner)
    exported = client.get(_api(town_a, ".csv")).content.decode("utf-8")
    assert exported.startswith("\ufeff")
    target = make_initiative(town_b, title="Modtager")
    client.force_login(town_b.owner)
    response = client.post(_page(town_b), {"file": _upload(exported), "initiative": str(target.pk)})
    assert response.status_code == 200, response.content.decode()
    assert "3 eksperimenter er oprettet." in response.content.decode()
    assert _content(town_b) == _content(town_a)
    with scope(municipality=town_b.municipality):
        made = Experiment.objects.filter(municipality=town_b.municipality)
        assert {e.initiative_id for e in made} == {target.pk}
        # What became of an experiment is one review marked as imported; its criteria are fixed.
        stopped = made.get(title="Stoppet")
        (review,) = Review.objects.filter(experiment=stopped)
        assert (review.decision, review.sensed, review.by) == (
            "stop",
            "Importeret fra en fil.",
            town_b.owner,
        )
        assert not Review.objects.filter(experiment__title="Kører stadig").exists()
        assert AuditEvent.objects.filter(action="experiments.imported").count() == 3


def test_json_round_trip_over_the_api(towns, client):
    town_a, town_b = towns
    _three(town_a)
    exported = client.get(_api(town_a)).json()
    target = make_initiative(town_b, title="Modtager")
    client.force_login(town_b.owner)
    response = client.post(
        _api(town_b, "/import"),
        {"experiments": exported, "initiative_id": target.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 3, "created": 3, "stored": True, "refused": []}
    assert _content(town_b) == _content(town_a)


def test_the_json_file_on_the_page_and_rows_into_their_own_initiatives(town_a, client):
    """Without a chosen initiative each row goes into the one its number names."""
    first, second = make_initiative(town_a, title="Første"), make_initiative(town_a, title="Anden")
    design(first, town_a.owner, title="I første")
    design(second, town_a.owner, title="I anden")
    client.force_login(town_a.owner)
    exported = client.get(reverse("api:experiments_json", args=[town_a.municipality.code]))
    response = client.post(
        _page(town_a), {"file": _upload(exported.content.decode(), "eksperimenter.json")}
    )
    assert response.status_code == 200, response.content.decode()
    with scope(municipality=town_a.municipality):
        assert sorted(
            Experiment.objects.values_list("initiative__title", "title").order_by("pk")
        ) == sorted([("Første", "I første"), ("Anden", "I anden")] * 2)


def _csv(*rows: dict) -> str:
    """Rows under the export's Danish headers, as Excel saves them."""
    with translation.override("da"):
        danish = {key: str(header) for key, header, _get in exports._columns()}  # noqa: SLF001
    keys = list(rows[0])
    lines = [";".join(danish[k] for k in keys)]
    lines += [";".join(str(r.get(k, "")) for k in keys) for r in rows]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


GOOD = {
    "title": "Godt forsøg",
    "zone": "4",
    "status": "running",
    "hypothesis": "Hvis vi ringer, kommer de.",
    "signals": "Antal fremmødte.",
    "amplify_when": "Over 10.",
    "dampen_when": "Under 5.",
    "stop_when": "Ingen.",
    "review_on": "",
    "outcome": "",
    "learning": "",
}


def _good(**changes) -> dict:
    soon = (timezone.localdate() + timedelta(days=5)).isoformat()
    return {**GOOD, "review_on": soon, **changes}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"zone": "9"}, "Zonen skal være et tal fra 1 til 5"),
        ({"status": "halvvejs"}, "Status »halvvejs« findes ikke."),
        ({"review_on": "i morgen"}, "er ikke en dato"),
        ({"review_on": ""}, "skal have en dato for næste opfølgning"),
        ({"status": "Stoppet"}, "Et stoppet eksperiment har ingen næste opfølgning"),
        ({"hypothesis": ""}, "Skriv hypotesen"),
        ({"title": "Ring til 010190-1234"}, "CPR"),
        ({"hypothesis": "x" * 2001}, "Hypotese er for lang: højst 2000 tegn."),
    ],
)
def test_a_bad_row_is_reported_in_danish_and_nothing_is_stored(
    town_a, client, initiative, bad, message
):
    client.force_login(town_a.owner)
    text = _csv(_good(), _good(**bad))
    response = client.post(_page(town_a), {"file": _upload(text), "initiative": initiative.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Intet er gemt" in page
    assert message in page
    assert '<th scope="row">3</th>' in page  # the header is row 1, the bad row is row 3
    with scope(municipality=town_a.municipality):
        assert not Experiment.objects.exists()
        assert not AuditEvent.objects.filter(action="experiments.imported").exists()


def test_the_valid_rows_when_the_person_chooses_so(town_a, client, initiative):
    client.force_login(town_a.owner)
    text = _csv(_good(), _good(zone="0"), _good(title="Også godt", status="Dæmpet"))
    response = client.post(
        _page(town_a),
        {"file": _upload(text), "initiative": initiative.pk, "valid_only": "on"},
    )
    assert response.status_code == 200
    assert "2 eksperimenter er oprettet." in response.content.decode()
    with scope(municipality=town_a.municipality):
        assert dict(Experiment.objects.values_list("title", "status")) == {
            "Godt forsøg": Status.RUNNING,
            "Også godt": Status.DAMPENED,
        }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Vælg en fil."),
        ("titel;zone\r\nEt;4\r\n", "Filen mangler kolonnerne"),
        ('{"experiments": 3}', "JSON-filen skal være en liste"),
        ("[{", "Filen er ikke gyldig JSON"),
        ("[]", "Filen har ingen eksperimenter."),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(town_a, client, initiative, text, message):
    client.force_login(town_a.owner)
    data = {"initiative": initiative.pk}
    if text:
        data["file"] = _upload(text)
    response = client.post(_page(town_a), data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_file_not_in_utf8_is_refused(town_a, client, initiative):
    client.force_login(town_a.owner)
    upload = SimpleUploadedFile("x.csv", "titel;zone\r\nÆble;4".encode("cp1252"))
    response = client.post(_page(town_a), {"file": upload, "initiative": initiative.pk})
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()


def test_an_initiative_number_of_another_municipality_is_refused(towns, client):
    town_a, town_b = towns
    design(make_initiative(town_a), town_a.owner)
    exported = client.get(_api(town_a, ".csv")).content.decode()
    make_initiative(town_b)
    client.force_login(town_b.owner)
    response = client.post(_page(town_b), {"file": _upload(exported)})
    assert response.status_code == 400
    assert "findes ikke her. Vælg det initiativ" in response.content.decode()


def test_only_those_who_lead_an_initiative_may_import(town_a, client, initiative):
    # The employee leads no initiative: no page, no link, no API, and the service refuses.
    page = _page(town_a)
    assert client.get(page).status_code == 302  # to the login page
    client.force_login(town_a.member)
    assert client.get(page).status_code == 403
    assert (
        "Importer eksperimenter"
        not in client.get(_page(town_a, "experiments:portfolio")).content.decode()
    )
    response = client.post(
        _api(town_a, "/import"), {"experiments": [_good()]}, content_type="application/json"
    )
    assert response.status_code == 403
    with scope(municipality=town_a.municipality), pytest.raises(ServiceError):
        services.import_experiment(
            initiative,
            town_a.member,
            zone=4,
            review_on=None,
            status="stopped",
            **{k: "x" for k in imports.TEXTS},
        )
    # The administrator sees the link where the export is offered.
    client.force_login(town_a.owner)
    portfolio = client.get(_page(town_a, "experiments:portfolio")).content.decode()
    assert page in portfolio
    assert client.get(page).status_code == 200


def test_the_api_refuses_an_initiative_the_caller_may_not_lead(towns, client):
    town_a, town_b = towns
    other = make_initiative(town_a)
    make_initiative(town_b)
    client.force_login(town_b.owner)
    response = client.post(
        _api(town_b, "/import"),
        {"experiments": [_good()], "initiative_id": other.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Initiativet findes ikke" in response.json()["refused"][0]["reason"]
    # A bad row over the API is a 400 report, and nothing is stored.
    response = client.post(
        _api(town_b, "/import"),
        {"experiments": [_good(zone=7)], "initiative_id": None},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["stored"] is False


def test_a_queued_import_reports_when_the_worker_has_run(town_a, client, initiative, settings):
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(town_a.owner)
    response = client.post(
        _page(town_a), {"file": _upload(_csv(_good())), "initiative": initiative.pk}
    )
    assert response.status_code == 302
    report = response["Location"]
    assert "Importen kører stadig." in client.get(report).content.decode()
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    (queued,) = DBTaskResult.objects.all()
    worker.run_task(queued)
    assert "1 eksperiment er oprettet." in client.get(report).content.decode()
    # The report is the importer's own: anyone else, or a made-up id, gets a 404.
    client.force_login(town_a.member)
    assert client.get(report).status_code == 404
    client.force_login(town_a.owner)
    assert client.get(_page(town_a) + "ikke-et-id/").status_code == 404


@pytest.mark.parametrize("name", ["experiments:portfolio", "experiments:import"])
def test_the_portfolio_with_its_import_link_and_the_import_page_are_query_flat(
    town_a, client, name
):
    from tests.helpers import assert_flat_query_count

    client.force_login(town_a.owner)

    def fetch() -> None:
        assert client.get(_page(town_a, name)).status_code == 200

    def add(n: int) -> None:
        for k in range(n):
            design(make_initiative(town_a, title=f"I{k}"), town_a.owner, title=f"E{k}")

    assert_flat_query_count(fetch, add)
