from django.urls import path

from .views import portal

app_name = "portal"
urlpatterns = [
    path("", portal.landing, name="landing"),
    path("complaints/new/", portal.complaint_new, name="complaint-new"),
    path("disclosure/new/", portal.disclosure_new, name="disclosure-new"),
    path("track/", portal.track, name="track"),
    path("challenge/audio/", portal.challenge_audio, name="challenge-audio"),
]
