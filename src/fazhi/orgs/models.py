"""Organisation tree (省→市→园区→部门), users and their roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Org(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        ZONE = "zone", "园区"
        DEPARTMENT = "department", "部门"

    # Which kind may sit under which: the tree the review chain follows.
    PARENT_KINDS = {
        "province": (None,),
        "city": ("province", None),
        "zone": ("city", "province", None),
        "department": ("zone",),
    }

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path "/1/5/9/": a subtree is one indexed prefix query at any depth.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")

    class Meta:
        verbose_name = "组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def zone(self) -> Org | None:
        """The zone this org belongs to (itself for a zone)."""
        if self.kind == self.Kind.ZONE:
            return self
        if self.kind == self.Kind.DEPARTMENT and self.parent_id:
            return self.parent
        return None


class Role(models.TextChoices):
    OFFICE = "office", "创建办"
    DEPARTMENT = "department", "部门填报员"
    LEADER = "leader", "领导（只读）"
    REVIEWER = "reviewer", "审核（市科技局/省科技厅）"
    ADMIN = "admin", "系统管理员"


class User(AbstractUser):
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name="所属组织")
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.DEPARTMENT)
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for the API. Only its SM3 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.new("sm3", raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(
            user=user,
            digest=cls.digest_of(raw),
            expires_at=timezone.now() + timedelta(hours=settings.FAZHI_TOKEN_TTL_HOURS),
        )
        return raw
