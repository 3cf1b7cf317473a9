from django.urls import path

from .views import account as views

app_name = "account"
urlpatterns = [
    path("password/", views.password_view, name="password"),
    path("2fa/", views.twofactor_view, name="2fa"),
    path("2fa/disable/", views.twofactor_disable, name="2fa-disable"),
]
