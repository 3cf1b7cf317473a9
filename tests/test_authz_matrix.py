"""The authorisation matrix: every route × every role, own zone and another zone.

Built from the URL configuration (which includes every API route), so a new route
without an entry in MATRIX fails the test until someone decides who may use it.
Allowed means the request passes authorisation (any answer but 401/403/404 or a
redirect to the login page); denied means one of those. Objects of another zone
answer 404, never revealing that they exist.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver

from fazhi.orgs.models import ApiToken, User
from tests.conftest import login_with_totp, task_of

pytestmark = pytest.mark.django_db

ROLES = (
    "anon",
    "office",
    "office2",
    "kjj",
    "leader",
    "city",
    "city2",
    "province",
    "expert1",
    "admin",
    "security",
    "auditor",
)
PUBLIC = set(ROLES)
SIGNED_IN = PUBLIC - {"anon"}
ZONE_READERS = {"office", "leader", "city", "province"}
OFFICE = {"office"}

ADMINS = {"admin", "security", "auditor"}
EXPERTS = {"expert1"}  # 评审专家: only the applications on whose panel they sit
BUSINESS = SIGNED_IN - ADMINS - EXPERTS
PLAN_READERS = {"office", "leader", "city", "province", "kjj"}  # kjj leads a task of the plan
ZONE_OVERSIGHT = {"office", "leader", "city", "province"}
ZONE_FIGURES = {"office", "office2", "leader", "city", "city2", "province"}
# an application: its zone, its city, the province once forwarded, the experts on its panel
APPLICATION_READERS = {"office", "leader", "city", "province", "expert1"}
# a ledger row of kjj's: the zone's readers and kjj itself
LEDGER_READERS = {"office", "leader", "city", "province", "kjj"}

# (route, method) -> roles allowed. Every route of the URL configuration must be here.
MATRIX: dict[tuple[str, str], set[str]] = {
    # public: sign-in, health, the API's description and its token endpoint
    ("healthz", "GET"): PUBLIC,
    ("favicon.ico", "GET"): PUBLIC,
    ("login/", "GET"): PUBLIC,
    ("login/otp/", "GET"): PUBLIC,
    ("logout/", "POST"): PUBLIC,
    ("api/v1/openapi.json", "GET"): PUBLIC,
    ("api/v1/", "GET"): PUBLIC,
    ("api/v1/auth/token", "POST"): PUBLIC,
    ("api/v1/auth/password", "POST"): PUBLIC,  # signs in with the password in the body
    # every signed-in user: home, own account, own reminders; lists filtered by scope
    ("", "GET"): SIGNED_IN,
    ("account/password/", "POST"): SIGNED_IN,
    ("account/2fa/", "GET"): SIGNED_IN,
    ("account/2fa/disable/", "POST"): SIGNED_IN,
    ("notifications/", "GET"): SIGNED_IN,
    ("notifications/read/", "POST"): SIGNED_IN,
    ("api/v1/notifications", "GET"): SIGNED_IN,
    ("api/v1/frameworks", "GET"): SIGNED_IN,
    ("api/v1/frameworks/<code>", "GET"): SIGNED_IN,
    ("api/v1/assessments", "GET"): SIGNED_IN,
    ("api/v1/plans", "GET"): SIGNED_IN,
    # the self-assessment of 资阳高新区
    ("assessments/new/", "POST"): OFFICE | {"office2"},  # each office in its own zone
    ("assessments/<int:assessment_id>/", "GET"): ZONE_READERS,
    ("assessments/<int:assessment_id>/results/<str:code>/", "POST"): OFFICE,
    ("assessments/<int:assessment_id>/results/<str:code>/evidence/", "POST"): OFFICE,
    ("assessments/<int:assessment_id>/evidence/<int:evidence_id>/", "GET"): ZONE_READERS,
    ("assessments/<int:assessment_id>/evidence/<int:evidence_id>/remove/", "POST"): OFFICE,
    ("assessments/<int:assessment_id>/check/", "GET"): OFFICE,
    ("assessments/<int:assessment_id>/<str:transition>/", "POST"): OFFICE,  # submit
    ("assessments/<int:assessment_id>/export.xlsx", "GET"): ZONE_READERS,
    ("api/v1/assessments", "POST"): OFFICE,
    ("api/v1/assessments/<int:assessment_id>", "GET"): ZONE_READERS,
    ("api/v1/assessments/<int:assessment_id>/totals", "GET"): ZONE_READERS,
    ("api/v1/assessments/<int:assessment_id>/results/<code>", "PUT"): OFFICE,
    ("api/v1/assessments/<int:assessment_id>/export.xlsx", "GET"): ZONE_READERS,
    ("api/v1/assessments/<int:assessment_id>/submit", "POST"): OFFICE,
    ("api/v1/assessments/<int:assessment_id>/return", "POST"): {"city", "province"},
    ("api/v1/assessments/<int:assessment_id>/accept", "POST"): {"city", "province"},
    # the departments' annual assessment: each office creates for its own zone's
    # departments (office2's zone has none: refused with 422, still authorised); the
    # ranking lists what the user's scope holds (nothing for the administrators)
    ("assessments/departments/", "GET"): BUSINESS,
    ("assessments/departments/new/", "POST"): OFFICE | {"office2"},
    ("api/v1/assessments/departments", "POST"): OFFICE | {"office2"},
    ("api/v1/assessments/ranking", "GET"): SIGNED_IN,
    # the work plan
    ("plans/", "GET"): BUSINESS,
    ("plans/new/", "POST"): OFFICE | {"office2"},
    ("plans/<int:plan_id>/", "GET"): PLAN_READERS,
    ("plans/<int:plan_id>/settings/", "POST"): OFFICE,
    ("plans/<int:plan_id>/overview/", "GET"): ZONE_OVERSIGHT,
    ("plans/<int:plan_id>/timeline/", "GET"): PLAN_READERS,
    ("plans/<int:plan_id>/export.xlsx", "GET"): ZONE_OVERSIGHT,
    ("plans/<int:plan_id>/notices/", "GET"): PLAN_READERS,
    # 督办单 .docx: whoever sees the notice (its office and leaders, the department it is to)
    ("notices/<int:notice_id>/notice.docx", "GET"): PLAN_READERS,
    # issuing the month's 通报 takes a 文号: the office only
    ("plans/<int:plan_id>/bulletin.docx", "POST"): OFFICE,
    ("plans/<int:plan_id>/notices/new/", "POST"): OFFICE,
    ("notices/<int:notice_id>/reply/", "POST"): {"kjj"},
    ("notices/<int:notice_id>/close/", "POST"): OFFICE,
    ("my-tasks/", "GET"): {"office", "office2", "kjj", "leader"},
    # the leader's dashboard (each zone's own, a city's zones); search within one's scope
    ("dashboard/", "GET"): {"office", "office2", "leader", "city", "city2", "province"},
    ("search/", "GET"): BUSINESS,
    ("tasks/<int:task_id>/", "GET"): PLAN_READERS,
    ("tasks/<int:task_id>/report/", "POST"): {"office", "kjj"},
    ("tasks/<int:task_id>/extensions/", "POST"): {"office", "kjj"},
    ("tasks/<int:task_id>/assign/", "POST"): OFFICE,
    ("tasks/<int:task_id>/split/", "POST"): OFFICE,
    ("tasks/<int:task_id>/close/", "POST"): OFFICE,
    ("tasks/<int:task_id>/milestones/", "POST"): OFFICE,
    ("tasks/<int:task_id>/milestones/<int:milestone_id>/done/", "POST"): {"office", "kjj"},
    ("tasks/<int:task_id>/evidence/<int:evidence_id>/", "GET"): PLAN_READERS,
    ("extensions/<int:extension_id>/<str:decision>/", "POST"): OFFICE,
    ("api/v1/plans", "POST"): OFFICE,
    ("api/v1/plans/<int:plan_id>", "GET"): PLAN_READERS,
    ("api/v1/plans/<int:plan_id>", "PATCH"): OFFICE,
    ("api/v1/tasks/<int:task_id>", "GET"): PLAN_READERS,
    ("api/v1/tasks/<int:task_id>", "PUT"): OFFICE,
    ("api/v1/tasks/<int:task_id>/subtasks", "POST"): OFFICE,
    ("api/v1/tasks/<int:task_id>/reports", "POST"): {"office", "kjj"},
    ("api/v1/tasks/<int:task_id>/extensions", "POST"): {"office", "kjj"},
    ("api/v1/extensions/<int:extension_id>/approve", "POST"): OFFICE,
    ("api/v1/extensions/<int:extension_id>/reject", "POST"): OFFICE,
    ("api/v1/tasks/<int:task_id>/close", "POST"): OFFICE,
    ("api/v1/tasks/<int:task_id>/milestones", "POST"): OFFICE,
    ("api/v1/milestones/<int:milestone_id>/done", "POST"): {"office", "kjj"},
    ("api/v1/plans/<int:plan_id>/notices", "GET"): PLAN_READERS,
    ("api/v1/plans/<int:plan_id>/notices", "POST"): OFFICE,
    ("api/v1/notices/<int:notice_id>/reply", "POST"): {"kjj"},
    ("api/v1/notices/<int:notice_id>/close", "POST"): OFFICE,
    # registers (台账): the public intake and tracking, open to all (rate-limited, challenged)
    ("api/v1/public/zones", "GET"): PUBLIC,
    ("api/v1/public/challenge", "GET"): PUBLIC,
    ("api/v1/public/disclosure-requests", "POST"): PUBLIC,
    ("api/v1/public/complaints", "POST"): PUBLIC,
    ("api/v1/public/track/<tracking_no>", "GET"): PUBLIC,
    ("api/v1/public/track", "POST"): PUBLIC,
    # registers: staff side; the world's case is assigned to kjj, contact details and letters
    # only for the handling staff, zone-wide figures for office, leader and reviewers
    ("api/v1/registers/states", "GET"): SIGNED_IN,
    ("api/v1/registers/cases", "GET"): SIGNED_IN,
    ("api/v1/registers/cases", "POST"): OFFICE,
    ("api/v1/registers/cases/export.xlsx", "GET"): BUSINESS,
    ("api/v1/registers/cases/<int:case_id>", "GET"): PLAN_READERS,
    ("api/v1/registers/cases/<int:case_id>/events", "POST"): {"office", "kjj"},
    ("api/v1/registers/cases/<int:case_id>/letter.docx", "GET"): {"office", "kjj"},
    ("api/v1/registers/annual-report.xlsx", "GET"): ZONE_FIGURES,
    ("api/v1/registers/figures", "GET"): ZONE_FIGURES,
    ("api/v1/registers/assessments/<int:assessment_id>/items/<code>/figures", "POST"): OFFICE,
    ("api/v1/assessments/<int:assessment_id>/items/<code>/sources", "GET"): ZONE_READERS,
    ("api/v1/assessments/<int:assessment_id>/items/<code>/sources/<key>", "POST"): OFFICE,
    # register pages: the public portal (no sign-in) and the staff register
    ("public/", "GET"): PUBLIC,
    ("public/complaints/new/", "GET"): PUBLIC,
    ("public/complaints/new/", "POST"): PUBLIC,
    ("public/disclosure/new/", "GET"): PUBLIC,
    ("public/disclosure/new/", "POST"): PUBLIC,
    ("public/track/", "GET"): PUBLIC,
    ("public/track/", "POST"): PUBLIC,
    ("public/challenge/audio/", "GET"): PUBLIC,
    # decision-making registers (issue 12): the world's document and decision belong to kjj;
    # counsel are the zone's (departments do not see them); catalogues are public
    ("documents/", "GET"): BUSINESS,
    ("documents/new/", "GET"): {"office", "office2", "kjj"},
    ("documents/new/", "POST"): {"office", "office2", "kjj"},
    ("documents/figures/", "GET"): ZONE_FIGURES,
    ("documents/settings/", "GET"): {"office", "office2"},
    ("documents/settings/", "POST"): {"office", "office2"},
    ("documents/catalogue.xlsx", "GET"): ZONE_FIGURES,
    ("decisions/catalogue.xlsx", "GET"): ZONE_FIGURES,
    ("documents/<int:doc_id>/", "GET"): PLAN_READERS,
    ("documents/<int:doc_id>/steps/", "POST"): {"office", "kjj"},
    ("documents/<int:doc_id>/files/<int:file_id>/", "GET"): PLAN_READERS,
    ("decisions/", "GET"): BUSINESS,
    ("decisions/new/", "GET"): {"office", "office2", "kjj"},
    ("decisions/new/", "POST"): {"office", "office2", "kjj"},
    ("decisions/catalogues/", "GET"): BUSINESS,
    ("decisions/catalogues/", "POST"): {"office", "office2"},
    ("decisions/<int:decision_id>/", "GET"): PLAN_READERS,
    ("decisions/<int:decision_id>/steps/", "POST"): {"office", "kjj"},
    ("decisions/<int:decision_id>/files/<int:decision_file_id>/", "GET"): PLAN_READERS,
    ("counsel/", "GET"): ZONE_FIGURES,
    ("counsel/", "POST"): {"office", "office2"},
    ("counsel/<int:counsel_id>/", "GET"): ZONE_OVERSIGHT,
    ("counsel/<int:counsel_id>/opinions/", "POST"): OFFICE,
    ("counsel/<int:counsel_id>/attendance/", "POST"): OFFICE,
    ("public/documents/<str:zone_code>/", "GET"): PUBLIC,
    ("public/decisions/<str:zone_code>/", "GET"): PUBLIC,
    ("api/v1/normative-documents", "GET"): BUSINESS,
    ("api/v1/normative-documents", "POST"): {"office", "office2", "kjj"},
    ("api/v1/normative-documents/states", "GET"): SIGNED_IN,
    ("api/v1/normative-documents/figures", "GET"): ZONE_FIGURES,
    ("api/v1/normative-documents/<int:doc_id>", "GET"): PLAN_READERS,
    ("api/v1/normative-documents/<int:doc_id>/steps", "POST"): {"office", "kjj"},
    ("api/v1/decisions", "GET"): BUSINESS,
    ("api/v1/decisions", "POST"): {"office", "office2", "kjj"},
    ("api/v1/decisions/catalogues", "POST"): {"office", "office2"},
    ("api/v1/decisions/figures", "GET"): ZONE_FIGURES,
    ("api/v1/decisions/<int:decision_id>", "GET"): PLAN_READERS,
    ("api/v1/decisions/<int:decision_id>/steps", "POST"): {"office", "kjj"},
    ("api/v1/counsel", "GET"): BUSINESS,
    ("api/v1/counsel", "POST"): {"office", "office2"},
    ("api/v1/counsel/figures", "GET"): ZONE_FIGURES,
    ("api/v1/counsel/<int:counsel_id>/opinions", "POST"): OFFICE,
    ("api/v1/counsel/<int:counsel_id>/attendance", "POST"): OFFICE,
    ("registers/", "GET"): BUSINESS,
    ("registers/export.xlsx", "GET"): BUSINESS,
    ("registers/rules/", "GET"): BUSINESS,
    ("registers/annual-report.xlsx", "GET"): ZONE_FIGURES,
    ("registers/cases/<int:case_id>/", "GET"): PLAN_READERS,
    ("registers/cases/<int:case_id>/events/", "POST"): {"office", "kjj"},
    ("registers/cases/<int:case_id>/letter.docx", "GET"): {"office", "kjj"},
    ("registers/cases/<int:case_id>/files/<int:attachment_id>/", "GET"): {"office", "kjj"},
    ("registers/cases/<int:case_id>/query-code/", "POST"): OFFICE,
    ("assessments/<int:assessment_id>/results/<str:code>/sources/<slug:key>/", "POST"): OFFICE,
    (
        "assessments/<int:assessment_id>/results/<str:code>/sources/<slug:key>.xlsx",
        "GET",
    ): ZONE_READERS,
    # the review chain: campaign, application, city, province, the experts' panel
    ("api/v1/campaigns", "GET"): SIGNED_IN,
    ("api/v1/campaigns", "POST"): {"province"},
    ("api/v1/campaigns/<code>", "GET"): BUSINESS | EXPERTS,
    ("api/v1/campaigns/<code>/ranking", "GET"): {"province"},
    ("api/v1/campaigns/<code>/publicity", "POST"): {"province"},
    ("api/v1/campaigns/<code>/naming", "POST"): {"province"},
    ("api/v1/campaigns/<code>/objections", "GET"): {"province"},
    ("api/v1/declarations", "POST"): EXPERTS,
    ("api/v1/applications/<int:application_id>/annual-reviews", "GET"): APPLICATION_READERS,
    ("api/v1/applications/<int:application_id>/annual-reviews", "POST"): {"province"},
    ("api/v1/annual-reviews/<int:review_id>/decision", "POST"): {"province"},
    ("public/publicity/", "GET"): PUBLIC,
    ("api/v1/campaigns/<code>/documents/<name>", "GET"): set(),  # only once named
    ("api/v1/applications", "POST"): OFFICE,
    ("api/v1/applications/<int:application_id>", "GET"): APPLICATION_READERS,
    ("api/v1/applications/<int:application_id>/report", "PUT"): OFFICE,
    ("api/v1/applications/<int:application_id>/submit", "POST"): OFFICE,
    ("api/v1/applications/<int:application_id>/city-review/<indicator_code>", "PUT"): {"city"},
    ("api/v1/applications/<int:application_id>/forward", "POST"): {"city"},
    ("api/v1/applications/<int:application_id>/return", "POST"): {"city"},
    ("api/v1/applications/<int:application_id>/formal-check", "POST"): {"province"},
    ("api/v1/applications/<int:application_id>/panel", "POST"): {"province"},
    ("api/v1/applications/<int:application_id>/panel", "GET"): {"province", "expert1"},
    ("api/v1/applications/<int:application_id>/reviews/submit", "POST"): {"expert1"},
    ("api/v1/applications/<int:application_id>/reviews/reopen", "POST"): {"expert1"},  # leader
    ("api/v1/applications/<int:application_id>/reviews/<indicator_code>", "PUT"): {"expert1"},
    ("api/v1/applications/<int:application_id>/documents/<name>", "GET"): APPLICATION_READERS,
    ("review/", "GET"): {"office", "office2", "leader", "city", "city2", "province", "expert1"},
    ("review/campaigns/<str:code>/", "GET"): BUSINESS | EXPERTS,
    ("review/campaigns/<str:code>/documents/<str:name>", "GET"): set(),  # only once named
    ("review/campaigns/<str:code>/<str:step>/", "POST"): {"province"},  # publicity
    ("review/applications/<int:application_id>/", "GET"): APPLICATION_READERS,
    ("review/applications/<int:application_id>/documents/<str:name>", "GET"): APPLICATION_READERS,
    ("review/applications/<int:application_id>/sheet/", "GET"): EXPERTS,
    ("review/applications/<int:application_id>/sheet/<str:entry>/", "POST"): EXPERTS,  # submit
    ("review/applications/<int:application_id>/<str:action>/", "POST"): {"city"},  # forward
    # 行政执法 (issue 13): the zone's readers see; the office and the handling department act;
    # the office manages officers, review rounds and reconsideration; the reviewer scores
    ("enforcement/", "GET"): BUSINESS,
    ("enforcement/officers/", "GET"): BUSINESS,
    ("enforcement/rules/", "GET"): BUSINESS,
    ("enforcement/export.xlsx", "GET"): BUSINESS,
    ("enforcement/officers/", "POST"): OFFICE | {"office2"},
    ("enforcement/cases/new/", "GET"): {"office", "office2", "kjj"},
    ("enforcement/cases/new/", "POST"): {"office", "office2", "kjj"},
    ("enforcement/cases/<int:enf_case_id>/", "GET"): PLAN_READERS,
    ("enforcement/cases/<int:enf_case_id>/steps/", "POST"): {"office", "kjj"},
    ("enforcement/cases/<int:enf_case_id>/casefile.docx", "GET"): PLAN_READERS,
    # 备案审查 of a major decision: the bodies above the zone (its city, the province)
    ("enforcement/cases/<int:enf_case_id>/filing-review/", "POST"): {"city", "province"},
    ("enforcement/cases/<int:enf_case_id>/files/<int:step_file_id>/", "GET"): PLAN_READERS,
    ("enforcement/inspections/", "GET"): BUSINESS,
    ("enforcement/inspections/", "POST"): OFFICE | {"office2"},
    ("enforcement/inspections/<int:inspection_id>/", "GET"): ZONE_READERS,
    ("enforcement/inspections/<int:inspection_id>/", "POST"): OFFICE,
    ("enforcement/reviews/", "GET"): BUSINESS,
    ("enforcement/reviews/", "POST"): OFFICE | {"office2"},
    ("enforcement/reviews/<int:round_id>/", "GET"): ZONE_READERS,
    ("enforcement/reviews/files/<int:file_review_id>/", "GET"): ZONE_READERS,
    ("enforcement/reviews/files/<int:file_review_id>/", "POST"): {"leader"},
    ("public/enforcement/", "GET"): PUBLIC,
    ("reconsideration/", "GET"): BUSINESS,
    ("reconsideration/new/", "GET"): OFFICE | {"office2"},
    ("reconsideration/new/", "POST"): OFFICE | {"office2"},
    ("reconsideration/<int:recon_id>/", "GET"): ZONE_READERS,
    ("reconsideration/<int:recon_id>/steps/", "POST"): OFFICE,
    ("reconsideration/<int:recon_id>/filing-review/", "POST"): {"city", "province"},
    ("api/v1/enforcement/officers", "GET"): BUSINESS,
    ("api/v1/enforcement/officers", "POST"): OFFICE | {"office2"},
    ("api/v1/enforcement/officers/<int:officer_id>", "PATCH"): OFFICE,
    ("api/v1/enforcement/cases", "GET"): BUSINESS,
    ("api/v1/enforcement/cases", "POST"): {"office", "office2", "kjj"},
    ("api/v1/enforcement/cases/<int:enf_case_id>", "GET"): PLAN_READERS,
    ("api/v1/enforcement/cases/<int:enf_case_id>/steps", "POST"): {"office", "kjj"},
    ("api/v1/enforcement/file-reviews", "GET"): BUSINESS,
    ("api/v1/enforcement/file-reviews", "POST"): OFFICE | {"office2"},
    ("api/v1/enforcement/file-reviews/<int:round_id>", "GET"): ZONE_READERS,
    ("api/v1/enforcement/file-reviews/files/<int:file_review_id>", "PUT"): {"leader"},
    ("api/v1/enforcement/inspections", "GET"): BUSINESS,
    ("api/v1/enforcement/inspections", "POST"): OFFICE | {"office2"},
    ("api/v1/enforcement/inspections/<int:inspection_id>", "GET"): ZONE_READERS,
    ("api/v1/enforcement/inspections/<int:inspection_id>/findings", "POST"): OFFICE,
    ("api/v1/enforcement/filing-reviews", "GET"): BUSINESS,
    ("api/v1/enforcement/cases/<int:enf_case_id>/filing-review", "POST"): {"city", "province"},
    ("api/v1/reconsideration/<int:recon_id>/filing-review", "POST"): {"city", "province"},
    ("api/v1/reconsideration", "GET"): BUSINESS,
    ("api/v1/reconsideration", "POST"): OFFICE | {"office2"},
    ("api/v1/reconsideration/<int:recon_id>", "GET"): ZONE_READERS,
    ("api/v1/reconsideration/<int:recon_id>/steps", "POST"): OFFICE,
    # the administrators' routes change users: they come last
    # the three administrators, each to their own duty (三权分立)
    ("admin/calendar/", "GET"): {"admin"},
    ("admin/calendar/days/", "POST"): {"admin"},
    ("admin/calendar/days/remove/", "POST"): {"admin"},
    ("admin/calendar/years/", "POST"): {"admin"},
    ("audit/", "GET"): {"auditor"},
    ("audit/verify/", "GET"): {"auditor"},
    ("audit/export.csv", "GET"): {"auditor"},
    ("registers/new/<str:kind>/", "GET"): {"office", "office2"},
    ("manage/users/", "GET"): {"admin", "security"},
    ("manage/users/new/", "POST"): {"admin"},
    ("manage/users/<int:user_id>/reset/", "POST"): {"admin"},
    ("manage/users/<int:user_id>/active/", "POST"): {"admin"},
    ("manage/users/<int:user_id>/roles/", "POST"): {"security"},
    ("manage/users/<int:user_id>/unlock/", "POST"): {"security"},
    ("manage/token-policy/", "POST"): {"security"},
    # the ledgers (issue 14): a target and an activity of kjj's, an award of the zone
    ("targets/", "GET"): BUSINESS,
    ("targets/new/", "POST"): OFFICE | {"office2"},
    ("targets/import/", "POST"): OFFICE | {"office2"},
    ("targets/<int:target_id>/", "GET"): LEDGER_READERS,
    ("targets/<int:target_id>/reports/", "POST"): {"office", "kjj"},
    ("targets/reports/<int:report_id>/file/", "GET"): LEDGER_READERS,
    ("targets/issuer/", "POST"): OFFICE | {"office2"},
    ("targets/<int:target_id>/edit/", "POST"): OFFICE,
    ("targets/reports/<int:report_id>/correct/", "POST"): {"office", "kjj"},
    ("targets/revisions/<int:revision_id>/file/", "GET"): LEDGER_READERS,
    ("activities/<int:activity_id>/edit/", "POST"): {"office", "kjj"},
    ("activities/", "GET"): BUSINESS,
    ("activities/new/", "POST"): {"office", "office2", "kjj"},
    ("activities/<int:activity_id>/", "GET"): LEDGER_READERS,
    ("activities/<int:activity_id>/files/<int:activity_file_id>/", "GET"): LEDGER_READERS,
    ("awards/", "GET"): BUSINESS,
    ("awards/new/", "POST"): OFFICE | {"office2"},
    ("awards/<int:award_id>/file/", "GET"): ZONE_READERS,
    ("api/v1/targets", "GET"): BUSINESS,
    ("api/v1/targets", "POST"): OFFICE | {"office2"},
    ("api/v1/targets/<int:target_id>", "GET"): LEDGER_READERS,
    ("api/v1/targets/<int:target_id>/reports", "POST"): {"office", "kjj"},
    ("api/v1/targets/issuer", "PUT"): OFFICE | {"office2"},
    ("api/v1/targets/<int:target_id>", "PUT"): OFFICE,
    ("api/v1/targets/reports/<int:report_id>/corrections", "POST"): {"office", "kjj"},
    ("api/v1/activities/<int:activity_id>", "PUT"): {"office", "kjj"},
    ("api/v1/activities", "GET"): BUSINESS,
    ("api/v1/activities", "POST"): {"office", "office2", "kjj"},
    ("api/v1/awards", "GET"): BUSINESS,
    ("api/v1/awards", "POST"): OFFICE | {"office2"},
    # 科技计划项目 (kjj is the department in charge): the office records every step
    ("projects/", "GET"): BUSINESS,
    ("projects/new/", "POST"): OFFICE | {"office2"},
    ("projects/credit-notes/", "POST"): OFFICE | {"office2"},
    ("projects/<int:project_id>/", "GET"): LEDGER_READERS,
    ("projects/<int:project_id>/events/", "POST"): OFFICE,
    ("projects/<int:project_id>/funds/", "POST"): OFFICE,
    ("projects/<int:project_id>/experts/", "POST"): OFFICE,
    ("projects/<int:project_id>/changes/", "POST"): {"office", "kjj"},  # kjj: in charge
    ("projects/changes/<int:change_id>/decision/", "POST"): OFFICE,
    ("projects/<int:project_id>/indicators/", "POST"): OFFICE,
    ("projects/<int:project_id>/budget-lines/", "POST"): OFFICE,
    ("api/v1/projects", "GET"): BUSINESS,
    ("api/v1/projects", "POST"): OFFICE | {"office2"},
    ("api/v1/projects/credit-notes", "POST"): OFFICE | {"office2"},
    ("api/v1/projects/<int:project_id>", "GET"): LEDGER_READERS,
    ("api/v1/projects/<int:project_id>/events", "POST"): OFFICE,
    ("api/v1/projects/<int:project_id>/funds", "POST"): OFFICE,
    ("api/v1/projects/<int:project_id>/experts", "POST"): OFFICE,
    ("api/v1/projects/<int:project_id>/changes", "POST"): {"office", "kjj"},
    ("api/v1/projects/changes/<int:change_id>/decision", "POST"): OFFICE,
    ("api/v1/projects/<int:project_id>/indicators", "POST"): OFFICE,
    ("api/v1/projects/<int:project_id>/budget-lines", "POST"): OFFICE,
    # 政策清单: the zone's office keeps it, the zone's readers see it (not the departments)
    ("policies/", "GET"): BUSINESS,  # a department sees an empty list
    ("policies/new/", "POST"): OFFICE | {"office2"},
    ("policies/<int:policy_id>/", "GET"): ZONE_READERS,
    ("policies/<int:policy_id>/measures/", "POST"): OFFICE,
    ("policies/<int:policy_id>/benefits/", "POST"): OFFICE,
    ("api/v1/policies", "GET"): BUSINESS,
    ("api/v1/policies", "POST"): OFFICE | {"office2"},
    ("api/v1/policies/<int:policy_id>", "GET"): ZONE_READERS,
    ("api/v1/policies/<int:policy_id>/measures", "POST"): OFFICE,
    ("api/v1/policies/<int:policy_id>/benefits", "POST"): OFFICE,
    # one's own API tokens (revoking them runs last: it ends the tokens the other checks use)
    ("api/v1/auth/tokens", "GET"): SIGNED_IN,
    ("api/v1/auth/tokens/<int:token_id>", "DELETE"): OFFICE,  # office's token: others 404
    ("api/v1/auth/tokens", "DELETE"): SIGNED_IN,
}


def routes():
    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p

    return list(walk(get_resolver()))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(assessment, plan, users, request):
    """One of everything in 资阳高新区, for the routes to point at."""
    from fazhi.assessments.services import add_evidence
    from fazhi.orgs.services import add_user
    from fazhi.workplan.notices import issue_notice
    from fazhi.workplan.progress import report_progress, request_extension
    from fazhi.workplan.services import add_milestone, update_task
    from tests.conftest import PASSWORD

    evidence = add_evidence(
        users["office"], assessment.pk, "1", SimpleUploadedFile("证明.pdf", PDF)
    )
    in_review = request.getfixturevalue("in_review")  # locks the assessment: after the evidence
    task = task_of(plan, "一.1")
    update_task(
        users["office"],
        task.pk,
        {
            "version": task.version,
            "lead_org": "zy-gxq-kjj",
            "start_date": "2025-09-01",
            "due_date": "2025-12-31",
        },
    )
    files = [SimpleUploadedFile("进展.pdf", PDF)]
    report = report_progress(
        users["kjj"], task.pk, {"percent": 20, "text": "进展"}, files, today=date(2025, 10, 1)
    )
    ext = request_extension(
        users["kjj"],
        task.pk,
        {"new_due": "2026-01-30", "reason": "等待审查"},
        today=date(2025, 10, 1),
    )
    milestone = add_milestone(
        users["office"], task.pk, {"title": "起草目录", "due_date": "2025-11-15"}
    )
    notice = issue_notice(
        users["office"],
        plan.pk,
        {"to_org": "zy-gxq-kjj", "task": "一.1", "text": "请加快", "reply_due": "2099-01-01"},
    )
    case = _register_case(users)  # registers: one case for the routes to point at
    decisions = _decision_records(users)  # decision-making registers (issue 12)
    # the account the administrators act on: a clerk no other check signs in as
    target = add_user("target", PASSWORD, "department", "zy-gxq-kjj", must_change=False)
    from fazhi.review.models import AnnualReview

    # a yearly review for the decision route (its flow is tested in tests/test_review_annual.py)
    annual = AnnualReview.objects.create(
        application=in_review, year=2031, assessment=in_review.assessment
    )
    from tests.enforcement_fixtures import authz_world

    enforcement = authz_world(users)
    return {
        **_ledgers(users),
        **enforcement,
        "assessment_id": assessment.pk,
        "code": "1",
        "evidence_id": evidence.pk,
        "transition": "submit",
        "plan_id": plan.pk,
        "task_id": task.pk,
        "notice_id": notice.pk,
        "extension_id": ext.pk,
        "decision": "approve",
        "report_evidence_id": report.evidence.get().pk,
        "case_id": case.pk,
        "attachment_id": case.attachments.get().pk,
        "tracking_no": case.tracking_no,
        "user_id": target.pk,  # not one of the ROLES: its changes end no session used here
        "milestone_id": milestone.pk,
        "kind": "complaint",
        "application_id": in_review.pk,
        "indicator_code": "1",
        "name": "report.pdf",
        "step": "publicity",
        "entry": "submit",
        "action": "forward",
        "review_id": annual.pk,
        **decisions,
    }


def _decision_records(users):
    """A normative document and a major decision of kjj's, each with a step file; a counsel."""
    from fazhi.decisions import counsel, documents, major

    office = users["office"]
    on = date(2025, 10, 10)
    doc = documents.create_document(office, {"title": "办法", "department": "zy-gxq-kjj"}, on)
    documents.record_document_step(
        office,
        doc.pk,
        {"step": "solicit", "comment_end": "2025-11-30"},
        [SimpleUploadedFile("征求意见稿.pdf", PDF)],
        today=on,
    )
    major.save_catalogue(office, {"year": 2025, "adopted_on": "2025-01-10"}, on)
    decision = major.create_decision(
        office,
        {"title": "决策", "department": "zy-gxq-kjj", "launched_on": "2025-10-10"},
        [SimpleUploadedFile("草案.pdf", PDF)],
        today=on,
    )
    c = counsel.add_counsel(
        office,
        {
            "kind": "firm",
            "name": "律所",
            "contract_start": "2025-01-01",
            "contract_end": "2025-12-31",
            "scope": "审查",
        },
    )
    return {
        "doc_id": doc.pk,
        "file_id": doc.files.get().pk,
        "decision_id": decision.pk,
        "decision_file_id": decision.files.get().pk,
        "counsel_id": c.pk,
        "zone_code": "zy-gxq",
    }


def _ledgers(users):
    """A target with a report, an activity with a file (both kjj's) and an award."""
    from fazhi.ledgers import activities, awards, targets

    on = date(2025, 10, 10)
    t = targets.add_target(
        users["office"],
        {
            "year": 2025,
            "indicator": "高新技术企业数",
            "unit": "家",
            "target": "50",
            "weight": "100",
            "department": "zy-gxq-kjj",
            "frequency": "quarterly",
        },
    )
    report = targets.report_figure(
        users["kjj"],
        t.pk,
        {"period": "2025-Q3", "value": "20"},
        SimpleUploadedFile("表.pdf", PDF),
        today=on,
    )
    from fazhi.ledgers import corrections

    corrections.correct_report(
        users["kjj"],
        report.pk,
        {"value": "21", "reason": "更正", "version": 1},
        SimpleUploadedFile("新表.pdf", PDF + b"2"),
        today=on,
    )
    a = activities.record_activity(
        users["kjj"],
        {"kind": "study", "held_on": "2025-10-09", "subject": "学习"},
        [("photo", SimpleUploadedFile("照片.pdf", PDF))],
        today=on,
    )
    award = awards.record_award(
        users["office"],
        {
            "kind": "award",
            "level": "provincial",
            "title": "先进",
            "issuer": "省厅",
            "on": "2025-10-01",
        },
        SimpleUploadedFile("文件.pdf", PDF),
        today=on,
    )
    from fazhi.ledgers import projects

    project = projects.apply_project(
        users["office"],
        {
            "title": "项目",
            "applicant": "某公司",
            "applicant_code": "91510100MA61234567",
            "department": "zy-gxq-kjj",
            "applied_on": "2025-10-01",
        },
        today=on,
    )
    from fazhi.ledgers.models import ProjectChange

    change = ProjectChange.objects.create(
        project=project,
        kind="content",
        status="requested",
        reason="调整",
        new_content="新内容",
        requested_on=on,
    )
    from fazhi.ledgers import policies

    policy = policies.add_policy(
        users["office"],
        {"title": "政策", "level": "provincial", "issuer": "省政府", "issued_on": "2025-01-01"},
        today=on,
    )
    return {
        "policy_id": policy.pk,
        "project_id": project.pk,
        "change_id": change.pk,
        "target_id": t.pk,
        "report_id": report.pk,
        "revision_id": report.revisions.get().pk,
        "activity_id": a.pk,
        "activity_file_id": a.files.get().pk,
        "award_id": award.pk,
    }


def _register_case(users):
    """A disclosure request of 资阳高新区, assigned to kjj and replied (so it has its letter)."""
    from fazhi.registers.events import record_event
    from fazhi.registers.rules import load_shipped
    from fazhi.registers.services import register_case

    load_shipped()
    on = date(2025, 10, 10)
    body = {
        "kind": "disclosure",
        "zone": "zy-gxq",
        "channel": "post",
        "received_on": "2025-10-09",
        "name": "张三",
        "phone": "13800138000",
        "subject": "信息",
        "content": "内容",
    }
    case, _ = register_case(
        users["office"], body, today=on, files=[SimpleUploadedFile("申请书.pdf", PDF)]
    )
    for step in (
        {"kind": "accepted"},
        {"kind": "assigned", "department": "zy-gxq-kjj"},
        {"kind": "replied", "reply_type": "disclosed", "text": "已公开"},
    ):
        record_event(users["office"], case.pk, {**step, "on": on.isoformat()}, today=on)
    return case


# Well-formed bodies, so that what is tested is who may act, not the input checks.
BODIES = {
    "api/v1/campaigns": {
        "code": "sc-2031",
        "title": "试点",
        "notice_title": "通知",
        "notice_no": "川科规〔2031〕1号",
        "honour": "示范区",
        "framework": "sc-sti-law-zone-2019",
        "opens_on": "2031-01-01",
        "closes_on": "2031-12-31",
    },
    "api/v1/applications": {"campaign": "sc-2019", "zone": "zy-gxq"},
    "api/v1/applications/<int:application_id>/report": {
        "version": 1,
        "report_title": "报告",
        "report_issuers": "管委会",
        "report_addressee": "省科学技术厅",
        "report_body": "正文",
    },
    "api/v1/applications/<int:application_id>/city-review/<indicator_code>": {"score": 1},
    "api/v1/applications/<int:application_id>/forward": {
        "doc_no": "资科〔2020〕15号",
        "signer": "肖建华",
        "conclusion": "eligible",
    },
    "api/v1/applications/<int:application_id>/return": {"reason": "请补充"},
    "api/v1/applications/<int:application_id>/panel": {"experts": [], "leader": "x"},
    "api/v1/applications/<int:application_id>/reviews/<indicator_code>": {
        "version": 1,
        "self_score": 1,
    },
    "api/v1/applications/<int:application_id>/reviews/reopen": {
        "expert": "expert2",
        "indicator": "1",
        "reason": "请复核",
    },
    "api/v1/campaigns/<code>/publicity": {"starts_on": "2025-09-29"},
    "review/campaigns/<str:code>/<str:step>/": {"starts_on": "2025-09-29"},
    "review/applications/<int:application_id>/<str:action>/": {
        "doc_no": "资科〔2020〕15号",
        "signer": "肖建华",
        "conclusion": "eligible",
    },
    "api/v1/campaigns/<code>/naming": {"doc_no": "川科函〔2020〕100号"},
    "api/v1/applications/<int:application_id>/annual-reviews": {"year": 2031},
    "api/v1/declarations": {"zone": "cd-gxq", "reason": "曾任该园区顾问"},
    "api/v1/annual-reviews/<int:review_id>/decision": {"score": 90},
    "api/v1/assessments": {"zone": "zy-gxq", "framework": "sc-sti-law-zone-2019", "year": 2031},
    "api/v1/assessments/<int:assessment_id>/results/<code>": {"version": 1, "self_score": 1},
    "api/v1/assessments/<int:assessment_id>/return": {"reason": "请补充材料"},
    "api/v1/plans": {"zone": "zy-gxq", "template": "zy-gxq-sti-law-2020", "year": 2031},
    "api/v1/plans/<int:plan_id>": {"version": 1, "yellow_days": 5},
    "api/v1/tasks/<int:task_id>": {"version": 1, "responsible": "张三"},
    "api/v1/tasks/<int:task_id>/subtasks": {"title": "子任务"},
    "api/v1/tasks/<int:task_id>/milestones": {"title": "节点", "due_date": "2025-11-20"},
    "tasks/<int:task_id>/milestones/": {"title": "节点", "due_date": "2025-11-20"},
    "api/v1/tasks/<int:task_id>/reports": {"percent": 30, "text": "进展"},
    "api/v1/tasks/<int:task_id>/extensions": {"new_due": "2099-01-01", "reason": "等待审查"},
    "api/v1/plans/<int:plan_id>/notices": {
        "to_org": "zy-gxq-kjj",
        "text": "请加快",
        "reply_due": "2099-01-01",
    },
    "api/v1/notices/<int:notice_id>/reply": {"reply": "已办理"},
    "assessments/new/": {"framework": "sc-sti-law-zone-2019", "year": "2031"},
    "assessments/departments/new/": {"framework": "sc-sti-law-zone-2019", "year": "2031"},
    "api/v1/assessments/departments": {"framework": "sc-sti-law-zone-2019", "year": 2031},
    "assessments/<int:assessment_id>/results/<str:code>/": {"version": "1", "self_score": "1"},
    "tasks/<int:task_id>/report/": {"percent": "30", "text": "进展"},
    "notices/<int:notice_id>/reply/": {"reply": "已办理"},
    "plans/<int:plan_id>/bulletin.docx": {"month": "2025-06"},
    "api/v1/registers/cases": {
        "kind": "complaint",
        "zone": "zy-gxq",
        "channel": "hotline",
        "received_on": "2025-10-10",
        "anonymous": True,
        "subject": "反映事项",
        "content": "具体内容",
    },
    "api/v1/registers/cases/<int:case_id>/events": {
        "kind": "consultation_started",
        "third_party": "某科技公司",
    },
    "api/v1/public/disclosure-requests": {
        "zone": "zy-gxq",
        "name": "张三",
        "phone": "13800138000",
        "subject": "s",
        "content": "c",
    },
    "api/v1/public/complaints": {
        "zone": "zy-gxq",
        "anonymous": True,
        "subject": "s",
        "content": "c",
    },
    "public/complaints/new/": {"zone": "zy-gxq", "anonymous": "1", "subject": "s", "content": "c"},
    "public/disclosure/new/": {
        "zone": "zy-gxq",
        "name": "张三",
        "phone": "13800138000",
        "subject": "s",
        "content": "c",
    },
    "public/track/": {"tracking_no": "X", "code": "Y"},
    "registers/cases/<int:case_id>/events/": {
        "kind": "consultation_started",
        "third_party": "某科技公司",
    },
    "manage/users/<int:user_id>/roles/": {"roles": ["leader"]},
    "enforcement/cases/new/": {
        "department": "zy-gxq-kjj",
        "source": "other",
        "received_on": "2025-10-10",
        "subject": "案由",
        "party_kind": "org",
        "party_org": "某公司",
    },
    "api/v1/enforcement/cases": {
        "department": "zy-gxq-kjj",
        "source": "other",
        "received_on": "2025-10-10",
        "subject": "案由",
        "party_kind": "org",
        "party_org": "某公司",
    },
    "enforcement/cases/<int:enf_case_id>/filing-review/": {"result": "corrected"},
    "enforcement/cases/<int:enf_case_id>/steps/": {
        "kind": "recorded",
        "on": "2025-10-23",
        "note": "补充记录",
    },
    "api/v1/enforcement/cases/<int:enf_case_id>/steps": {
        "kind": "recorded",
        "on": "2025-10-23",
        "note": "补充记录",
    },
    "api/v1/enforcement/officers/<int:officer_id>": {"version": 1, "issuer": "资阳市人民政府"},
    "api/v1/enforcement/file-reviews": {"title": "评查", "year": 2031, "reviewers": ["leader"]},
    "enforcement/inspections/": {"title": "检查", "kind": "special", "year": "2031"},
    "enforcement/inspections/<int:inspection_id>/": {"text": "问题", "task": "九.9"},
    "enforcement/reviews/": {"title": "评查", "year": "2031", "reviewers": "leader"},
    "api/v1/enforcement/file-reviews/files/<int:file_review_id>": {"scores": {"s_1": "5"}},
    "enforcement/reviews/files/<int:file_review_id>/": {"s_1": "5"},
    "api/v1/reconsideration": {
        "received_on": "2025-10-10",
        "name": "张三",
        "respondent": "局",
        "act": "处罚",
        "request": "撤销",
    },
    "reconsideration/new/": {
        "received_on": "2025-10-10",
        "name": "张三",
        "respondent": "局",
        "act": "处罚",
        "request": "撤销",
    },
    "api/v1/reconsideration/<int:recon_id>/steps": {"kind": "rejected", "on": "2025-10-10"},
    "reconsideration/<int:recon_id>/steps/": {"kind": "rejected", "on": "2025-10-10"},
    "registers/cases/<int:case_id>/query-code/": {
        "method": "callback",
        "name": "张三",
        "phone": "13800138000",
    },
    "manage/token-policy/": {"max_hours": "12", "allow_write": "1"},
    "targets/new/": {
        "year": "2031",
        "indicator": "新指标",
        "unit": "家",
        "target": "1",
        "weight": "1",
        "frequency": "monthly",
    },
    "api/v1/targets": {
        "year": 2031,
        "indicator": "新指标",
        "unit": "家",
        "target": 1,
        "weight": 1,
        "frequency": "monthly",
    },
    "targets/<int:target_id>/reports/": {"period": "2025-Q3", "value": "21"},
    "targets/issuer/": {
        "year": "2025",
        "issuer": "sc-zy",
        "doc_no": "资科〔2025〕1号",
        "issued_on": "2025-01-01",
    },
    "targets/<int:target_id>/edit/": {
        "indicator": "高新技术企业数",
        "unit": "家",
        "target": "55",
        "weight": "100",
        "frequency": "quarterly",
        "department": "zy-gxq-kjj",  # kjj keeps seeing it
        "version": "1",
    },
    "targets/reports/<int:report_id>/correct/": {"value": "22", "reason": "更正", "version": "2"},
    "api/v1/targets/issuer": {
        "year": 2025,
        "issuer": "sc-zy",
        "doc_no": "资科〔2025〕1号",
        "issued_on": "2025-01-01",
    },
    "api/v1/targets/<int:target_id>": {
        "indicator": "高新技术企业数",
        "unit": "家",
        "target": 55,
        "weight": 100,
        "frequency": "quarterly",
        "department": "zy-gxq-kjj",
        "version": 1,
    },
    "api/v1/targets/reports/<int:report_id>/corrections": {
        "value": 22,
        "reason": "更正",
        "version": 2,
    },
    "api/v1/activities/<int:activity_id>": {
        "kind": "study",
        "held_on": "2025-10-09",
        "subject": "学习",
        "organiser": "zy-gxq-kjj",
        "version": 1,
    },
    "activities/<int:activity_id>/edit/": {
        "kind": "study",
        "held_on": "2025-10-09",
        "subject": "学习",
        "organiser": "zy-gxq-kjj",
        "version": "1",
    },
    "api/v1/targets/<int:target_id>/reports": {"period": "2025-Q3", "value": 21},
    "activities/new/": {"kind": "study", "held_on": "2025-10-01", "subject": "学习"},
    "api/v1/activities": {"kind": "study", "held_on": "2025-10-01", "subject": "学习"},
    "awards/new/": {
        "kind": "award",
        "level": "city",
        "title": "先进",
        "issuer": "市局",
        "on": "2025-10-01",
    },
    "projects/new/": {
        "title": "项目",
        "applicant": "某公司",
        "applicant_code": "91510100MA61234567",
        "applied_on": "2025-10-01",
    },
    "api/v1/projects": {
        "title": "项目",
        "applicant": "某公司",
        "applicant_code": "91510100MA61234567",
        "applied_on": "2025-10-01",
    },
    "projects/credit-notes/": {
        "applicant": "某公司",
        "applicant_code": "91510100MA61234567",
        "breach": "失信",
        "on": "2025-10-01",
    },
    "api/v1/projects/credit-notes": {
        "applicant": "某公司",
        "applicant_code": "91510100MA61234567",
        "breach": "失信",
        "on": "2025-10-01",
    },
    "projects/<int:project_id>/events/": {"event": "midterm"},
    "api/v1/projects/<int:project_id>/events": {"event": "midterm"},
    "projects/<int:project_id>/funds/": {"kind": "paid", "amount": "1"},
    "api/v1/projects/<int:project_id>/funds": {"kind": "paid", "amount": 1},
    "projects/<int:project_id>/experts/": {"name": "专家", "unit": "大学", "score": "80"},
    "api/v1/projects/<int:project_id>/experts": {"name": "专家", "unit": "大学", "score": 80},
    "projects/<int:project_id>/changes/": {"kind": "content", "reason": "x", "new_content": "y"},
    "api/v1/projects/<int:project_id>/changes": {
        "kind": "content",
        "reason": "x",
        "new_content": "y",
    },
    "projects/changes/<int:change_id>/decision/": {"decision": "approve"},
    "api/v1/projects/changes/<int:change_id>/decision": {"decision": "approve"},
    "projects/<int:project_id>/indicators/": {
        "name": "专利",
        "unit": "件",
        "planned": "1",
        "achieved": "1",
    },
    "api/v1/projects/<int:project_id>/indicators": {
        "name": "专利",
        "unit": "件",
        "planned": 1,
        "achieved": 1,
    },
    "projects/<int:project_id>/budget-lines/": {"line": "设备费", "budgeted": "1", "spent": "0"},
    "api/v1/projects/<int:project_id>/budget-lines": {
        "line": "设备费",
        "budgeted": 1,
        "spent": 0,
    },
    "policies/new/": {
        "title": "政策",
        "level": "national",
        "issuer": "国务院",
        "issued_on": "2025-01-01",
    },
    "api/v1/policies": {
        "title": "政策",
        "level": "national",
        "issuer": "国务院",
        "issued_on": "2025-01-01",
    },
    "policies/<int:policy_id>/measures/": {"title": "措施", "status": "drafting"},
    "api/v1/policies/<int:policy_id>/measures": {"title": "措施", "status": "drafting"},
    "policies/<int:policy_id>/benefits/": {
        "enterprise": "某公司",
        "amount": "1",
        "on": "2025-10-01",
    },
    "api/v1/policies/<int:policy_id>/benefits": {
        "enterprise": "某公司",
        "amount": 1,
        "on": "2025-10-01",
    },
    "api/v1/awards": {
        "kind": "award",
        "level": "city",
        "title": "先进",
        "issuer": "市局",
        "on": "2025-10-01",
    },
    "documents/new/": {"title": "办法"},
    "documents/settings/": {"filing_days": "30", "validity_years": "5", "provisional_years": "2"},
    "documents/<int:doc_id>/steps/": {
        "step": "review",
        "sent_on": "2025-10-10",
        "reviewer": "司法分局",
        "opinion": "合法",
    },
    "decisions/new/": {"title": "决策"},
    "decisions/catalogues/": {"year": "2026", "adopted_on": "2025-10-10"},
    "decisions/<int:decision_id>/steps/": {"step": "expert", "experts": "专家", "opinions": "可行"},
    "counsel/": {
        "kind": "person",
        "name": "李律师",
        "contract_start": "2025-01-01",
        "contract_end": "2025-12-31",
        "scope": "审查",
    },
    "counsel/<int:counsel_id>/opinions/": {
        "subject_kind": "other",
        "subject": "合同",
        "conclusion": "可签",
    },
    "counsel/<int:counsel_id>/attendance/": {"meeting": "会议"},
    "api/v1/normative-documents": {"title": "办法"},
    "api/v1/normative-documents/<int:doc_id>/steps": {
        "step": "review",
        "sent_on": "2025-10-10",
        "reviewer": "司法分局",
        "opinion": "合法",
    },
    "api/v1/decisions": {"title": "决策"},
    "api/v1/decisions/catalogues": {"year": 2026, "adopted_on": "2025-10-10"},
    "api/v1/decisions/<int:decision_id>/steps": {
        "step": "expert",
        "experts": "专家",
        "opinions": "可行",
    },
    "api/v1/counsel": {
        "kind": "person",
        "name": "李律师",
        "contract_start": "2025-01-01",
        "contract_end": "2025-12-31",
        "scope": "审查",
    },
    "api/v1/counsel/<int:counsel_id>/opinions": {
        "subject_kind": "other",
        "subject": "合同",
        "conclusion": "可签",
    },
    "api/v1/counsel/<int:counsel_id>/attendance": {"meeting": "会议"},
}
# Run after every other check: they end sessions or tokens the other checks use.
LAST = [
    ("api/v1/auth/tokens/<int:token_id>", "DELETE"),
    ("api/v1/auth/tokens", "DELETE"),
    ("logout/", "POST"),
]


def fill(route: str, ids: dict) -> str:
    path = "/" + route.replace(
        "<code>", "sc-sti-law-zone-2019" if route.startswith("api/v1/frameworks") else "<code>"
    )
    path = path.replace("campaigns/<code>", "campaigns/sc-2019")
    path = path.replace("campaigns/<str:code>", "campaigns/sc-2019")
    if "/sources" in route or route.endswith("/figures"):  # item 8 is backed by a register
        path = path.replace("<str:code>", "8").replace("<code>", "8")
        path = path.replace("<slug:key>", "disclosure").replace("<key>", "disclosure")
    for key, value in ids.items():
        for conv in ("int:", "str:", ""):
            path = path.replace(f"<{conv}{key}>", str(value))
    if "tasks/" in path and "/evidence/" in path:
        path = path.replace(
            f"/evidence/{ids['evidence_id']}/", f"/evidence/{ids['report_evidence_id']}/"
        )
    path = path.replace("<code>", "sc-sti-law-zone-2019" if "frameworks" in route else "1")
    assert "<" not in path, path
    return path


def clients(users):
    made = {"anon": (Client(), {})}
    for name in ROLES[1:]:
        user = User.objects.get(username=name)
        page = login_with_totp(name) if user.needs_totp else Client()
        if not user.needs_totp:
            page.force_login(user)
        made[name] = (page, {"Authorization": f"Bearer {ApiToken.issue(user)}"})
    return made


def world_token(world: dict) -> dict:
    """A spare token of office's, for the route that revokes one token."""
    ApiToken.issue(User.objects.get(username="office"), name="spare")
    return {**world, "token_id": ApiToken.objects.get(name="spare").pk}


def answer(client_pair, method: str, path: str, body: dict):
    client, headers = client_pair
    if method == "GET":
        return client.get(path, headers=headers if path.startswith("/api/") else {})
    call = getattr(client, method.lower())
    if path.startswith("/api/"):
        return call(path, data=body, content_type="application/json", headers=headers)
    return call(path, body)


def denied(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and response["Location"].startswith("/login/")


def methods_of(pattern) -> list[str]:
    view = pattern.callback
    ninja = getattr(view, "__self__", None)
    if ninja is not None and hasattr(ninja, "operations"):
        return sorted({m for op in ninja.operations for m in op.methods})
    return []


def test_every_route_has_an_entry():
    """A route added without deciding who may use it fails here."""
    listed = {route for route, _ in MATRIX}
    missing = [
        route for route, _ in routes() if route not in listed and not route.startswith("static/")
    ]
    assert not missing, f"routes without an authorisation entry: {missing}"


def test_authorisation_matrix(world, users):
    who = clients(users)
    world = world_token(world)
    wrong = []
    # logging out ends the sessions the other checks use: it goes last
    for (route, method), allowed in sorted(
        MATRIX.items(), key=lambda kv: LAST.index(kv[0]) + 1 if kv[0] in LAST else 0
    ):
        path = fill(route, world)
        for role in ROLES:
            r = answer(who[role], method, path, BODIES.get(route, {}))
            if allowed is PUBLIC:  # open to all: never refused, never broken
                if r.status_code in (401, 403) or r.status_code >= 500:
                    wrong.append(f"{method} {path} as {role}: {r.status_code} (public)")
                continue
            if denied(r) == (role in allowed):
                wrong.append(
                    f"{method} {path} as {role}: {r.status_code} ({'should be allowed' if role in allowed else 'should be denied'})"
                )
    assert not wrong, "\n".join(wrong)


ADMINISTRATORS = ("admin", "security", "auditor")
# (actor, action) -> the administrators it may act on; everything else is refused (三权分立).
ON_EACH_OTHER = {
    ("security", "reset"): {"admin", "auditor"},
    ("security", "active"): {"admin", "auditor"},
    ("security", "unlock"): {"admin", "auditor"},
    # administrative roles are never granted or withdrawn on the web (only `fazhi user roles`)
}


@pytest.mark.parametrize("actor", ADMINISTRATORS)
def test_administrators_acting_on_each_other(users, actor, settings):
    """Every administrator × every action × every administrative account, itself included."""
    settings.EMAIL_HOST = "mail.example.gov.cn"  # resets are mailed to the account's owner
    for name in ADMINISTRATORS:
        User.objects.filter(username=name).update(email=f"{name}@example.gov.cn")
    page = login_with_totp(actor)
    wrong = []
    for action in ("reset", "active", "roles", "unlock"):
        for target in ADMINISTRATORS:
            user = User.objects.get(username=target)
            body = {"roles": ["auditor"]} if action == "roles" else {}
            r = page.post(f"/manage/users/{user.pk}/{action}/", body)
            allowed = target in ON_EACH_OTHER.get((actor, action), set())
            if (r.status_code == 302) != allowed:
                wrong.append(f"{actor} {action} {target}: {r.status_code}")
            if action == "active" and allowed:  # switch it back for the next checks
                page.post(f"/manage/users/{user.pk}/active/")
    assert not wrong, "\n".join(wrong)
    assert {u.username: u.role for u in User.objects.filter(username__in=ADMINISTRATORS)} == {
        n: n for n in ADMINISTRATORS
    }
