from django.urls import path

from samskab.accounts import privacy, views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("mine-data/", views.my_data, name="my_data"),
    path("slet/", views.delete, name="delete"),
    path("privatliv/", privacy.privacy, name="privacy"),
]
