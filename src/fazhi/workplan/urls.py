from django.urls import path

from .views import notices, plans, tasks, timeline

app_name = "workplan"
urlpatterns = [
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("plans/<int:plan_id>/settings/", plans.plan_settings, name="plan-settings"),
    path("plans/<int:plan_id>/overview/", plans.plan_overview, name="overview"),
    path("plans/<int:plan_id>/timeline/", timeline.plan_timeline, name="timeline"),
    path("plans/<int:plan_id>/export.xlsx", plans.plan_export, name="export"),
    path("plans/<int:plan_id>/bulletin.docx", plans.plan_bulletin, name="bulletin"),
    path("plans/<int:plan_id>/notices/", notices.plan_notices, name="notices"),
    path("plans/<int:plan_id>/notices/new/", notices.notice_issue, name="notice-issue"),
    path("notices/<int:notice_id>/reply/", notices.notice_reply, name="notice-reply"),
    path("notices/<int:notice_id>/close/", notices.notice_close, name="notice-close"),
    path("notices/<int:notice_id>/notice.docx", notices.notice_document, name="notice-docx"),
    path("my-tasks/", tasks.my_tasks, name="my-tasks"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    path("tasks/<int:task_id>/report/", tasks.task_report, name="task-report"),
    path("tasks/<int:task_id>/extensions/", tasks.task_extension, name="task-extension"),
    path("tasks/<int:task_id>/assign/", tasks.task_assign, name="task-assign"),
    path("tasks/<int:task_id>/split/", tasks.task_split, name="task-split"),
    path("tasks/<int:task_id>/milestones/", tasks.task_milestone, name="task-milestone"),
    path(
        "tasks/<int:task_id>/milestones/<int:milestone_id>/done/",
        tasks.milestone_done,
        name="milestone-done",
    ),
    path("tasks/<int:task_id>/close/", tasks.task_close, name="task-close"),
    path(
        "tasks/<int:task_id>/evidence/<int:evidence_id>/",
        tasks.report_evidence,
        name="report-evidence",
    ),
    path(
        "extensions/<int:extension_id>/<str:decision>/",
        tasks.extension_decide,
        name="extension-decide",
    ),
    path("notifications/", notices.notifications, name="notifications"),
    path("notifications/read/", notices.notifications_read, name="notifications-read"),
]
