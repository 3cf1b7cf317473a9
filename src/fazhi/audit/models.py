"""Append-only, hash-chained audit log (审计日志). The database refuses UPDATE and DELETE."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("用户ID", null=True)
    actor_name = models.CharField("用户", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    # Canonical JSON text, not a JSON column: PostgreSQL's jsonb reorders keys, and the
    # hash must be recomputable byte for byte.
    before = models.TextField("变更前", blank=True)
    after = models.TextField("变更后", blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The audit key (outside the database) whose HMAC-SM3 makes `hash`; "" for entries
    # written before the chain was keyed (plain SM3).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = "审计日志"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    # the columns the chain covers, in order (the verifier reads them without models)
    CHAIN_COLUMNS = (
        "at",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "ip",
    )

    def chain_fields(self) -> list:
        return chain_fields([getattr(self, c) for c in self.CHAIN_COLUMNS])


def chain_fields(values) -> list:
    at, *rest = values
    return [at.isoformat(timespec="microseconds"), *rest]
