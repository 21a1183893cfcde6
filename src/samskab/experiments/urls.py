from django.urls import path

from samskab.experiments import views

app_name = "experiments"

I = "<slug:municipality>/initiativer/<id:initiative>/eksperimenter/"  # noqa: E741
E = I + "<id:experiment>/"

urlpatterns = [
    path(I, views.experiment_list, name="list"),
    path(I + "nyt/", views.experiment_design, name="design"),
    path(E, views.experiment_detail, name="detail"),
    path(E + "ret/", views.experiment_edit, name="edit"),
    path(E + "opfoelgning/", views.experiment_review, name="review"),
    path(E + "laering/", views.experiment_publish, name="publish"),
    path("<slug:municipality>/eksperimenter/", views.portfolio, name="portfolio"),
    path("<slug:municipality>/eksperimenter/import/", views.import_start, name="import"),
    path(
        "<slug:municipality>/eksperimenter/import/<str:result>/",
        views.import_report,
        name="import_report",
    ),
]
