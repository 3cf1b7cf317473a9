from django.urls import path

from .views import cases, intake, register

app_name = "registers"
urlpatterns = [
    path("", register.register, name="register"),
    path("export.xlsx", register.export, name="export"),
    path("rules/", register.rules_page, name="rules"),
    path("annual-report.xlsx", register.annual_report, name="annual-report"),
    path("new/<str:kind>/", intake.case_new, name="case-new"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/events/", cases.case_event, name="case-event"),
    path("cases/<int:case_id>/query-code/", cases.case_query_code, name="case-query-code"),
    path("cases/<int:case_id>/letter.docx", cases.case_letter, name="case-letter"),
    path("cases/<int:case_id>/files/<int:attachment_id>/", cases.case_file, name="case-file"),
]
