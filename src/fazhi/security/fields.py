"""Model fields that keep personal data encrypted in the database (SM4-GCM) and searchable
by exact value through a blind index (HMAC-SM3).

    class Person(models.Model):
        phone = EncryptedTextField("电话", kind="phone", index_field="phone_bidx", blank=True)
        phone_bidx = BlindIndexField()

    Person.objects.filter(lookup_q(Person, "phone", "138 0013 8000"))

The column holds a token (see fazhi.core.crypto); the model attribute holds plaintext. The
token's associated data is "<db_table>.<column>" unless ``context=`` pins another name (pin it
before renaming a table or column, or the old values no longer authenticate). Empty values
("" and None) are stored as they are, without a token and with an empty index.

Only save() and bulk_create() fill the blind index. QuerySet.update() and bulk_update() do
not run pre_save: set the plaintext through save(), or recompute the index yourself.
Lookups on an encrypted field other than isnull are refused (a random nonce makes equal
values differ); search with lookup_q().
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from fazhi.core.crypto import BLIND_INDEX_MAX_LENGTH, CryptoError
from fazhi.core.personal import KINDS

from .keys import get_keyring
from .stored import EncryptedColumn


class EncryptedTextField(EncryptedColumn, models.TextField):
    description = "SM4 加密文本"

    def __init__(
        self,
        *args,
        kind: str = "text",
        index_field: str | None = None,
        context: str | None = None,
        **kwargs,
    ):
        self.kind = kind
        self.index_field = index_field
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self.index_field:
            kwargs["index_field"] = self.index_field
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    @property
    def aad_context(self) -> str:
        """The associated data binding each token to this table and column."""
        return self.context or f"{self.model._meta.db_table}.{self.column}"

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.kind not in KINDS:
            errors.append(
                checks.Error(
                    f"kind 应为 {'、'.join(KINDS)} 之一", obj=self, id="fazhi_security.E001"
                )
            )
        if self.index_field:
            try:
                target = self.model._meta.get_field(self.index_field)
            except FieldDoesNotExist:
                target = None
            if not isinstance(target, BlindIndexField):
                errors.append(
                    checks.Error(
                        f"index_field {self.index_field!r} 应指向本模型的 BlindIndexField",
                        obj=self,
                        id="fazhi_security.E002",
                    )
                )
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "加密字段不能建唯一约束或索引（请在 BlindIndexField 上建）",
                    obj=self,
                    id="fazhi_security.E003",
                )
            )
        return errors

    # database <-> Python

    # sensitive_variables(): error reports never show these frames' plaintext or keys.
    @sensitive_variables()
    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return get_keyring(create=False).decrypt(value, self.aad_context)
        except CryptoError as exc:
            exc.args = (
                f"无法解密 {self.label}：{exc}",
            )  # same type and attributes, message names the field
            raise

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)

    @sensitive_variables()
    def get_prep_value(self, value):
        value = self.to_python(models.Field.get_prep_value(self, value))
        if value is None or value == "":
            return value
        return get_keyring(create=True).encrypt(value, self.aad_context)

    # querying: only through the blind index

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"加密字段 {self.name} 不能按 {lookup_name} 查询；请用 fazhi.security.fields.lookup_q 按盲索引精确查找"
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"加密字段 {self.name} 不支持 {lookup_name}")

    def formfield(self, **kwargs):
        if self.kind not in ("text", "address"):
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


class BlindIndexField(models.CharField):
    """``<index key id>:<hex HMAC-SM3>`` of the encrypted field whose index_field names it.
    Filled on save() from that field's plaintext; "" when the value is empty."""

    description = "盲索引"
    _defaults: ClassVar[dict] = {
        "max_length": BLIND_INDEX_MAX_LENGTH,
        "db_index": True,
        "blank": True,
        "default": "",
        "editable": False,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**self._defaults, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        django_defaults = {"db_index": False, "blank": False, "editable": True}
        for k, v in self._defaults.items():
            if k in kwargs:
                if kwargs[k] == v:
                    del kwargs[k]
            elif k in django_defaults:  # left out by Django as its own default, which is not ours
                kwargs[k] = django_defaults[k]
        return name, path, args, kwargs

    @property
    def source(self) -> EncryptedTextField:
        for f in self.model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField) and f.index_field == self.name:
                return f
        raise FieldError(f"没有加密字段以 {self.name} 为盲索引（index_field）")

    @sensitive_variables()
    def pre_save(self, model_instance, add):
        src = self.source
        value = getattr(model_instance, src.attname)
        bidx = (
            ""
            if value is None or value == ""
            else get_keyring(create=True).blind_index(str(value), src.kind)
        )
        setattr(model_instance, self.attname, bidx)
        return bidx


@sensitive_variables()
def lookup_q(model, field_name: str, value: str) -> Q:
    """A filter for rows whose encrypted field equals value after normalisation (so phone
    "138 0013 8000" finds "13800138000"). Searches under every index key held, so it works
    while an index-key rotation is under way. An empty value matches nothing."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, EncryptedTextField) or not field.index_field:
        raise FieldError(f"{model._meta.label}.{field_name} 不是带盲索引的加密字段")
    if value is None or str(value).strip() == "":
        return Q(pk__in=[])
    candidates = get_keyring(create=True).blind_index_candidates(str(value), field.kind)
    return Q(**{f"{field.index_field}__in": candidates})
