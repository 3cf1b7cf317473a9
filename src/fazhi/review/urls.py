from django.urls import path

from .views import chain as views

app_name = "review"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/<str:code>/", views.campaign_detail, name="campaign"),
    path(
        "campaigns/<str:code>/documents/<str:name>",
        views.campaign_document,
        name="campaign-document",
    ),
    path("campaigns/<str:code>/<str:step>/", views.campaign_action, name="campaign-action"),
    path("applications/<int:application_id>/", views.application_page, name="application"),
    path(
        "applications/<int:application_id>/documents/<str:name>",
        views.application_document,
        name="document",
    ),
    path("applications/<int:application_id>/sheet/", views.sheet, name="sheet"),
    path(
        "applications/<int:application_id>/sheet/<str:entry>/",
        views.sheet_action,
        name="sheet-action",
    ),
    path(
        "applications/<int:application_id>/<str:action>/",
        views.application_action,
        name="application-action",
    ),
]
