"""The sign-in backend: Django's, reading a signed-in user's centre with them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Django's ``ModelBackend`` (passwords, active accounts), but the user of each request
    comes with their centre in the same query: nearly every page of a centre's staff reads
    it (the access policy, the header): one query fewer on each of their pages."""

    @staticmethod
    def _users():
        return get_user_model()._default_manager.select_related("centre")

    # get(), as Django's own backend reads the user: first() orders the one row by its key,
    # and writing that ORDER BY made reading the user a fifth dearer in CPU (session 11).
    def get_user(self, user_id):
        try:
            user = self._users().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        try:
            user = await self._users().aget(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
