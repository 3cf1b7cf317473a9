from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class OrgModelBackend(ModelBackend):
    """Loads the user's org with the user: every scope check needs it."""

    def get_user(self, user_id):
        try:
            user = get_user_model().objects.select_related("org").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
