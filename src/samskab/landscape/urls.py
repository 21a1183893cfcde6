from samskab.landscape import dashboard_views, views

app_name = "landscape"

L = "<slug:municipality>/landskab/"

urlpatterns = [
    # the network: map, summary, table, involvement, exports (views.py)
    *views.urlpatterns(L),
    # the movement dashboard (dashboard_views.py)
    *dashboard_views.urlpatterns("<slug:municipality>/overblik/"),
]
