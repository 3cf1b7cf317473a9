"""个人信息: the personal data of a complainant or an applicant, kept encrypted (SM4) with
blind indexes (HMAC-SM3) for exact search. Registers refer to a Person by foreign key, so
personal data lives in one encrypted table instead of being copied into each register."""

from __future__ import annotations

from django.db import models

from fazhi.core.personal import mask

from .fields import BlindIndexField, EncryptedTextField


class Person(models.Model):
    name = EncryptedTextField("姓名", kind="name", index_field="name_bidx")
    name_bidx = BlindIndexField()
    id_number = EncryptedTextField(
        "身份证件号码", kind="id_number", index_field="id_number_bidx", blank=True, default=""
    )
    id_number_bidx = BlindIndexField()
    phone = EncryptedTextField(
        "联系电话", kind="phone", index_field="phone_bidx", blank=True, default=""
    )
    phone_bidx = BlindIndexField()
    address = EncryptedTextField(
        "联系地址", kind="address", index_field="address_bidx", blank=True, default=""
    )
    address_bidx = BlindIndexField()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "个人信息"
        verbose_name_plural = "个人信息"

    def __str__(self) -> str:  # masked: lists and logs never show the full name
        return mask(self.name, "name") or f"个人信息 #{self.pk}"

    def masked(self) -> dict[str, str]:
        """The display form of every field (脱敏显示)."""
        return {
            "name": mask(self.name, "name"),
            "id_number": mask(self.id_number, "id_number"),
            "phone": mask(self.phone, "phone"),
            "address": mask(self.address, "address"),
        }
