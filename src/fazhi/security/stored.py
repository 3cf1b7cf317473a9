"""What the database holds encrypted: the encrypted columns of the installed models and the
tokens in them, counted without decrypting anything.

Its own module so that the key store (keys.py, whose generation guard asks whether encrypted
data exists) and the field classes (fields.py, which need the keyring) need not import each
other: the fields carry the EncryptedColumn mark defined here.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models
from django.db.models.functions import Cast

TOKEN = "_fz_token"  # annotation holding a column's raw token, bypassing from_db_value


class EncryptedColumn:
    """The mark of a model field whose column holds tokens (see fields.EncryptedTextField)."""


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every encrypted field of every installed concrete model (the registry that key rotation
    walks). Django's app registry is the source, so migration-state copies never appear."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.local_concrete_fields:
            if isinstance(f, EncryptedColumn):
                found.append((model, f))
    return found


def tokens(model, field) -> models.QuerySet:
    """Rows with a non-empty value in field, annotated with the raw token (no decryption)."""
    return (
        model._base_manager.annotate(**{TOKEN: Cast(field.name, output_field=models.TextField())})
        .exclude(**{f"{TOKEN}__isnull": True})
        .exclude(**{TOKEN: ""})
    )


def table_exists(model) -> bool:
    return model._meta.db_table in connection.introspection.table_names()


def has_encrypted_data() -> bool:
    """Encrypted values, or audit entries signed with an audit key: either needs the old keys."""
    # Imported here, as before: field definitions import this module while models still load.
    from fazhi.audit.models import AuditEntry

    if table_exists(AuditEntry) and AuditEntry.objects.exclude(key_id="").exists():
        return True
    return any(table_exists(m) and tokens(m, f).exists() for m, f in encrypted_fields())
