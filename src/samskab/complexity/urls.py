from django.urls import path

from samskab.complexity import views

app_name = "complexity"

C = "<slug:municipality>/udfordringer/<id:challenge>/kompleksitet/"

urlpatterns = [
    path(C, views.assessment, name="assessment"),
    path(C + "ny-runde/", views.round_open, name="round_open"),
    path(C + "runde/<id:number>/", views.round_detail, name="round"),
    path(C + "runde/<id:number>/svar/", views.round_rate, name="rate"),
    path(C + "runde/<id:number>/csv/", views.round_csv, name="round_csv"),
    path(C + "runde/<id:number>/xlsx/", views.round_csv, {"fmt": "xlsx"}, name="round_xlsx"),
    path(C + "runde/<id:number>/aaben-luk/", views.round_toggle, name="round_toggle"),
    path("<slug:municipality>/kompleksitet/zoner/", views.zones, name="zones"),
]
