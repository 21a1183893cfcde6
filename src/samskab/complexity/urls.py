from django.urls import path  # noqa: F401

app_name = "complexity"

urlpatterns: list = []
