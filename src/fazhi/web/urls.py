from django.contrib.auth import views as auth_views
from django.urls import path

from fazhi.orgs.views import account as account_views

from .views import assessment, departments, site

app_name = "web"
urlpatterns = [
    path("", site.home, name="home"),
    path("login/", account_views.login_view, name="login"),
    path("login/otp/", account_views.otp_view, name="login-otp"),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("assessments/new/", assessment.assessment_create, name="assessment-create"),
    path("assessments/departments/", departments.departments, name="departments"),
    path(
        "assessments/departments/new/",
        departments.departments_create,
        name="departments-create",
    ),
    path("assessments/<int:assessment_id>/", assessment.assessment_detail, name="assessment"),
    path(
        "assessments/<int:assessment_id>/results/<str:code>/",
        assessment.result_update,
        name="result-update",
    ),
    path(
        "assessments/<int:assessment_id>/results/<str:code>/evidence/",
        assessment.evidence_upload,
        name="evidence-upload",
    ),
    path(
        "assessments/<int:assessment_id>/results/<str:code>/sources/<slug:key>.xlsx",
        assessment.summary_download,
        name="summary-download",
    ),
    path(
        "assessments/<int:assessment_id>/results/<str:code>/sources/<slug:key>/",
        assessment.attach_summary,
        name="attach-summary",
    ),
    path(
        "assessments/<int:assessment_id>/evidence/<int:evidence_id>/",
        assessment.evidence_download,
        name="evidence-download",
    ),
    path(
        "assessments/<int:assessment_id>/evidence/<int:evidence_id>/remove/",
        assessment.evidence_remove,
        name="evidence-remove",
    ),
    path(
        "assessments/<int:assessment_id>/check/",
        assessment.submit_check,
        name="assessment-check",
    ),
    path(
        "assessments/<int:assessment_id>/<str:transition>/",
        assessment.assessment_transition,
        name="assessment-transition",
    ),
    path(
        "assessments/<int:assessment_id>/export.xlsx",
        assessment.assessment_export,
        name="assessment-export",
    ),
]
