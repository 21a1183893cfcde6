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
]
