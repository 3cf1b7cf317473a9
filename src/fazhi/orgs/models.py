"""Organisation tree (省→市→园区→部门), users and their roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from fazhi.security.fields import EncryptedTextField


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
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path "/1/5/9/": a subtree is one indexed prefix query at any depth.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    # 机关代字 of its 文号 (资高新督〔2026〕3号); made from the name when blank (core.docno).
    doc_prefix = models.CharField("发文机关代字", max_length=10, blank=True)

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


class DocSerial(models.Model):
    """The last 文号 number an org gave to a kind of document in a year (see orgs.docnos)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("文种", max_length=20)  # core.docno.KINDS
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "文号序号"
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "year"], name="docserial_org_kind_year")
        ]


class Role(models.TextChoices):
    OFFICE = "office", "创建办"
    DEPARTMENT = "department", "部门填报员"
    LEADER = "leader", "领导（只读）"
    REVIEWER = "reviewer", "审核（市科技局/省科技厅）"
    EXPERT = "expert", "评审专家"
    ADMIN = "admin", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# 三权分立: no account may hold two of these.
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})


class User(AbstractUser):
    org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="所属组织",
    )
    # "" until the security administrator grants one: the system administrator creates
    # accounts without roles (三权分立).
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True, default="")
    # Further business roles; data scope is the union over all of a user's roles.
    extra_roles = models.JSONField("其他角色", default=list, blank=True)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    totp_secret = EncryptedTextField(blank=True)  # base32, SM4-encrypted; set once enrolled
    totp_enabled = models.BooleanField("已启用双因素认证", default=False)
    totp_last_step = models.BigIntegerField(default=0)  # refuses a code used before

    class Meta:
        verbose_name = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for r in [self.role, *self.extra_roles] if r)

    def has_role(self, role: str) -> bool:
        return bool(role) and (role == self.role or role in self.extra_roles)

    @property
    def needs_totp(self) -> bool:
        """Two-factor sign-in is required for the administrative roles."""
        return bool(self.roles & ADMIN_ROLES)


class RecoveryCode(models.Model):
    """One-time recovery codes for two-factor sign-in; only their SM3 digest is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class LoginAttempt(models.Model):
    """Every sign-in attempt by name (existing or not), for lockout and the login log."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)
    success = models.BooleanField(default=False)
    # A second-factor attempt: counted apart from passwords, so a correct password never
    # resets the count of wrong codes.
    second_factor = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]


class ApiToken(models.Model):
    """A bearer token for the API. Only its SM3 digest is stored."""

    class Scope(models.TextChoices):
        READ = "read", "只读"
        WRITE = "write", "读写"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField("名称", max_length=50, blank=True)
    scope = models.CharField("权限", max_length=10, choices=Scope.choices, default=Scope.WRITE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.new("sm3", raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, *, name: str = "", scope: str = "write", hours: int | None = None) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(
            user=user,
            digest=cls.digest_of(raw),
            name=name,
            scope=scope,
            expires_at=timezone.now() + timedelta(hours=hours or settings.FAZHI_TOKEN_TTL_HOURS),
        )
        return raw


class TokenPolicy(models.Model):
    """The limits the security administrator sets on API tokens (one row)."""

    max_hours = models.PositiveIntegerField("最长有效期（小时）", default=12)
    allow_write = models.BooleanField("允许签发读写令牌", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    @classmethod
    def current(cls) -> TokenPolicy:
        return cls.objects.first() or cls(max_hours=settings.FAZHI_TOKEN_TTL_HOURS)
