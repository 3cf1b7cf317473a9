from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("targets/", views.targets_page, name="targets"),
    path("targets/new/", views.target_new, name="target-new"),
    path("targets/import/", views.target_import, name="target-import"),
    path("targets/<int:target_id>/", views.target_page, name="target"),
    path("targets/<int:target_id>/reports/", views.target_report, name="target-report"),
    path(
        "targets/reports/<int:report_id>/file/",
        views.target_report_file,
        name="target-report-file",
    ),
    path("activities/", views.activities_page, name="activities"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/<int:activity_id>/", views.activity_page, name="activity"),
    path(
        "activities/<int:activity_id>/files/<int:file_id>/",
        views.activity_file,
        name="activity-file",
    ),
    path("awards/", views.awards_page, name="awards"),
    path("awards/new/", views.award_new, name="award-new"),
    path("awards/<int:award_id>/file/", views.award_file, name="award-file"),
]
