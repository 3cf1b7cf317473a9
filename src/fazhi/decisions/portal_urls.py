from django.urls import path

from .views import portal

app_name = "decisions-portal"
urlpatterns = [
    path("documents/<str:zone_code>/", portal.documents, name="documents"),
    path("decisions/<str:zone_code>/", portal.decisions, name="decisions"),
]
