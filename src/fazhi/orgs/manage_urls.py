from django.urls import path

from .views import manage as views

app_name = "manage"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:user_id>/reset/", views.user_reset, name="user-reset"),
    path("users/<int:user_id>/active/", views.user_active, name="user-active"),
    path("users/<int:user_id>/roles/", views.user_roles, name="user-roles"),
    path("users/<int:user_id>/unlock/", views.user_unlock, name="user-unlock"),
    path("token-policy/", views.token_policy, name="token-policy"),
]
