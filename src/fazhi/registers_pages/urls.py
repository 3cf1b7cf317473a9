from django.urls import path

from . import views

app_name = "registers"
urlpatterns = [
    path("", views.register, name="register"),
    path("export.xlsx", views.export, name="export"),
    path("rules/", views.rules_page, name="rules"),
    path("annual-report.xlsx", views.annual_report, name="annual-report"),
    path("new/<str:kind>/", views.case_new, name="case-new"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/events/", views.case_event, name="case-event"),
    path("cases/<int:case_id>/query-code/", views.case_query_code, name="case-query-code"),
    path("cases/<int:case_id>/letter.docx", views.case_letter, name="case-letter"),
    path("cases/<int:case_id>/files/<int:attachment_id>/", views.case_file, name="case-file"),
    path(
        "assessments/<int:assessment_id>/items/<str:code>/figures/",
        views.attach_figures,
        name="attach-figures",
    ),
]
