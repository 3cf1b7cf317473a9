from django.contrib.auth import views as auth_views
from django.urls import path

from fazhi.orgs import views as account_views

from . import annual_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", account_views.login_view, name="login"),
    path("login/otp/", account_views.otp_view, name="login-otp"),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("assessments/new/", views.assessment_create, name="assessment-create"),
    path("assessments/departments/", annual_views.departments, name="departments"),
    path(
        "assessments/departments/new/",
        annual_views.departments_create,
        name="departments-create",
    ),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<int:assessment_id>/results/<str:code>/",
        views.result_update,
        name="result-update",
    ),
    path(
        "assessments/<int:assessment_id>/results/<str:code>/evidence/",
        views.evidence_upload,
        name="evidence-upload",
    ),
    path(
        "assessments/<int:assessment_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence-download",
    ),
    path(
        "assessments/<int:assessment_id>/evidence/<int:evidence_id>/remove/",
        views.evidence_remove,
        name="evidence-remove",
    ),
    path(
        "assessments/<int:assessment_id>/check/",
        views.submit_check,
        name="assessment-check",
    ),
    path(
        "assessments/<int:assessment_id>/<str:transition>/",
        views.assessment_transition,
        name="assessment-transition",
    ),
    path(
        "assessments/<int:assessment_id>/export.xlsx",
        views.assessment_export,
        name="assessment-export",
    ),
]
