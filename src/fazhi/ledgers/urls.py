from django.urls import path

from .views import activities, awards, policies, projects, targets

app_name = "ledgers"
urlpatterns = [
    path("targets/", targets.targets_page, name="targets"),
    path("targets/new/", targets.target_new, name="target-new"),
    path("targets/import/", targets.target_import, name="target-import"),
    path("targets/issuer/", targets.target_list, name="target-list"),
    path("targets/<int:target_id>/", targets.target_page, name="target"),
    path("targets/<int:target_id>/edit/", targets.target_edit, name="target-edit"),
    path(
        "targets/reports/<int:report_id>/correct/",
        targets.report_correct,
        name="target-report-correct",
    ),
    path(
        "targets/revisions/<int:revision_id>/file/",
        targets.revision_file,
        name="target-revision-file",
    ),
    path("targets/<int:target_id>/reports/", targets.target_report, name="target-report"),
    path(
        "targets/reports/<int:report_id>/file/",
        targets.target_report_file,
        name="target-report-file",
    ),
    path("activities/", activities.activities_page, name="activities"),
    path("activities/new/", activities.activity_new, name="activity-new"),
    path("activities/<int:activity_id>/", activities.activity_page, name="activity"),
    path("activities/<int:activity_id>/edit/", activities.activity_edit, name="activity-edit"),
    path(
        "activities/<int:activity_id>/files/<int:activity_file_id>/",
        activities.activity_file,
        name="activity-file",
    ),
    path("awards/", awards.awards_page, name="awards"),
    path("awards/new/", awards.award_new, name="award-new"),
    path("awards/<int:award_id>/file/", awards.award_file, name="award-file"),
    path("projects/", projects.projects_page, name="projects"),
    path("projects/new/", projects.project_new, name="project-new"),
    path("projects/credit-notes/", projects.credit_note_new, name="credit-note-new"),
    path("projects/<int:project_id>/", projects.project_page, name="project"),
    path("projects/<int:project_id>/events/", projects.project_event, name="project-event"),
    path("projects/<int:project_id>/funds/", projects.project_funds, name="project-funds"),
    path("projects/<int:project_id>/experts/", projects.project_expert, name="project-expert"),
    path("projects/<int:project_id>/changes/", projects.project_change, name="project-change"),
    path(
        "projects/changes/<int:change_id>/decision/",
        projects.change_decision,
        name="change-decision",
    ),
    path(
        "projects/<int:project_id>/indicators/",
        projects.project_indicator,
        name="project-indicator",
    ),
    path(
        "projects/<int:project_id>/budget-lines/",
        projects.project_budget_line,
        name="project-budget-line",
    ),
    path("policies/", policies.policies_page, name="policies"),
    path("policies/new/", policies.policy_new, name="policy-new"),
    path("policies/<int:policy_id>/", policies.policy_page, name="policy"),
    path("policies/<int:policy_id>/measures/", policies.policy_measure, name="policy-measure"),
    path("policies/<int:policy_id>/benefits/", policies.policy_benefit, name="policy-benefit"),
]
