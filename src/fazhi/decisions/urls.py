from django.urls import path

from .views import counsel, decisions, documents

app_name = "decisions"
urlpatterns = [
    path("documents/", documents.register, name="documents"),
    path("documents/new/", documents.document_new, name="document-new"),
    path("documents/figures/", documents.figures, name="document-figures"),
    path("documents/settings/", documents.settings_page, name="document-settings"),
    path("documents/catalogue.xlsx", documents.catalogue_xlsx, name="document-catalogue"),
    path("documents/<int:doc_id>/", documents.document_detail, name="document"),
    path("documents/<int:doc_id>/steps/", documents.document_step, name="document-step"),
    path(
        "documents/<int:doc_id>/files/<int:file_id>/",
        documents.document_file,
        name="document-file",
    ),
    path("decisions/", decisions.register, name="decisions"),
    path("decisions/new/", decisions.decision_new, name="decision-new"),
    path("decisions/catalogues/", decisions.catalogues, name="catalogues"),
    path("decisions/catalogue.xlsx", decisions.catalogue_xlsx, name="catalogue-xlsx"),
    path("decisions/<int:decision_id>/", decisions.decision_detail, name="decision"),
    path("decisions/<int:decision_id>/steps/", decisions.decision_step, name="decision-step"),
    path(
        "decisions/<int:decision_id>/files/<int:decision_file_id>/",
        decisions.decision_file,
        name="decision-file",
    ),
    path("counsel/", counsel.counsel_list, name="counsel"),
    path("counsel/<int:counsel_id>/", counsel.counsel_detail, name="counsel-detail"),
    path("counsel/<int:counsel_id>/opinions/", counsel.counsel_opinion, name="counsel-opinion"),
    path(
        "counsel/<int:counsel_id>/attendance/",
        counsel.counsel_attendance,
        name="counsel-attendance",
    ),
]
