from django.urls import path

from .views import cases, inspections, officers, reviews

app_name = "enforcement"
urlpatterns = [
    path("", cases.register, name="register"),
    path("rules/", cases.rules_page, name="rules"),
    path("export.xlsx", cases.export, name="export"),
    path("officers/", officers.officer_list, name="officers"),
    path("cases/new/", cases.case_new, name="case-new"),
    path("cases/<int:enf_case_id>/", cases.case_detail, name="case"),
    path("cases/<int:enf_case_id>/filing-review/", cases.filing_review, name="filing-review"),
    path("cases/<int:enf_case_id>/casefile.docx", cases.case_docx, name="case-docx"),
    path("cases/<int:enf_case_id>/steps/", cases.case_step, name="case-step"),
    path("cases/<int:enf_case_id>/files/<int:step_file_id>/", cases.case_file, name="case-file"),
    path("inspections/", inspections.plan_list, name="inspections"),
    path("inspections/<int:inspection_id>/", inspections.plan_detail, name="inspection"),
    path("reviews/", reviews.rounds, name="reviews"),
    path("reviews/<int:round_id>/", reviews.round_detail, name="review-round"),
    path("reviews/files/<int:file_review_id>/", reviews.sheet, name="review-sheet"),
]
