from django.urls import path

from samskab.initiatives import views

app_name = "initiatives"

I = "<slug:municipality>/initiativer/"  # noqa: E741 - the prefix of every address here
D = I + "<id:initiative>/"
T = D + "tilsagn/<id:commitment>/"
P = D + "partnere/<id:partner>/"

urlpatterns = [
    path(I, views.accountability, name="list"),
    path(I + "nyt/", views.initiative_create, name="create"),
    path(I + "eksport/<str:fmt>", views.export, name="export"),
    path(I + "import/", views.import_start, name="import"),
    path(I + "import/<str:result>/", views.import_report, name="import_report"),
    path(D, views.initiative_detail, name="detail"),
    path(D + "ret/", views.initiative_edit, name="edit"),
    path(D + "status/", views.status_change, name="status"),
    path(D + "milepaele/ny/", views.milestone_create, name="milestone_create"),
    path(D + "milepaele/<id:milestone>/naaet/", views.milestone_reach, name="milestone_reach"),
    path(D + "dokumenter/ny/", views.document_create, name="document_create"),
    path(D + "dokumenter/<id:document>/", views.document_download, name="document"),
    path(D + "partnere/ny/", views.partner_create, name="partner_create"),
    path(P + "aftale/", views.agreement_detail, name="agreement"),
    path(P + "aftale/ret/", views.agreement_edit, name="agreement_edit"),
    path(P + "aftale/underskriv/", views.agreement_sign, name="agreement_sign"),
    path(D + "arbejdsdele/ny/", views.part_edit, name="part_create"),
    path(D + "arbejdsdele/<id:part>/", views.part_edit, name="part_edit"),
    path(D + "oekonomi/", views.economy, name="economy"),
    path(D + "budget/ny/", views.budget_line_create, name="budget_line_create"),
    path(D + "budget/<id:line>/godkend/", views.budget_line_approve, name="budget_line_approve"),
    path(D + "tilsagn/nyt/", views.commitment_create, name="commitment_create"),
    path(T, views.commitment_detail, name="commitment"),
    path(T + "ret/", views.commitment_correct, name="commitment_correct"),
    path(T + "forbrug/", views.commitment_actual, name="commitment_actual"),
    path(T + "traek-tilbage/", views.commitment_withdraw, name="commitment_withdraw"),
    path(T + "godkend/", views.commitment_sign_off, name="commitment_sign_off"),
]
