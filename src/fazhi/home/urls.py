from django.urls import path

from . import search, views

app_name = "home"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", search.search_view, name="search"),
]
