from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("days/", views.day_set, name="day-set"),
    path("days/remove/", views.day_remove, name="day-remove"),
    path("years/", views.year_add, name="year-add"),
]
