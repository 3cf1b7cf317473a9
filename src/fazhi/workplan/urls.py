from django.urls import path

from . import views

app_name = "workplan"
urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/settings/", views.plan_settings, name="plan-settings"),
    path("plans/<int:plan_id>/overview/", views.plan_overview, name="overview"),
    path("plans/<int:plan_id>/timeline/", views.plan_timeline, name="timeline"),
    path("plans/<int:plan_id>/export.xlsx", views.plan_export, name="export"),
    path("plans/<int:plan_id>/bulletin.docx", views.plan_bulletin, name="bulletin"),
    path("plans/<int:plan_id>/notices/", views.plan_notices, name="notices"),
    path("plans/<int:plan_id>/notices/new/", views.notice_issue, name="notice-issue"),
    path("notices/<int:notice_id>/reply/", views.notice_reply, name="notice-reply"),
    path("notices/<int:notice_id>/close/", views.notice_close, name="notice-close"),
    path("notices/<int:notice_id>/notice.docx", views.notice_document, name="notice-docx"),
    path("my-tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/report/", views.task_report, name="task-report"),
    path("tasks/<int:task_id>/extensions/", views.task_extension, name="task-extension"),
    path("tasks/<int:task_id>/assign/", views.task_assign, name="task-assign"),
    path("tasks/<int:task_id>/split/", views.task_split, name="task-split"),
    path("tasks/<int:task_id>/milestones/", views.task_milestone, name="task-milestone"),
    path(
        "tasks/<int:task_id>/milestones/<int:milestone_id>/done/",
        views.milestone_done,
        name="milestone-done",
    ),
    path("tasks/<int:task_id>/close/", views.task_close, name="task-close"),
    path(
        "tasks/<int:task_id>/evidence/<int:evidence_id>/",
        views.report_evidence,
        name="report-evidence",
    ),
    path(
        "extensions/<int:extension_id>/<str:decision>/",
        views.extension_decide,
        name="extension-decide",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
]
