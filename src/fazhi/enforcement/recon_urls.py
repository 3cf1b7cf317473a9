from django.urls import path

from .views import reconsideration

app_name = "reconsideration"
urlpatterns = [
    path("", reconsideration.register, name="register"),
    path("new/", reconsideration.case_new, name="case-new"),
    path("<int:recon_id>/", reconsideration.case_detail, name="case"),
    path("<int:recon_id>/steps/", reconsideration.case_step, name="case-step"),
    path("<int:recon_id>/filing-review/", reconsideration.filing_review, name="filing-review"),
]
