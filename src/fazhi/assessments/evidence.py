"""The evidence store: files kept once under their SM3 digest, checked by content."""

from __future__ import annotations

import hashlib
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

from fazhi.core.filetypes import check_upload

from .models import Blob

CHUNK = 1024 * 1024


def storage():
    return storages["evidence"]


def store(uploaded) -> Blob:
    """Check an uploaded file and keep its content. Raises UploadRejected when refused.

    The file lands on disk before its row is written, so a row never points at a
    missing file; a rolled-back upload at worst leaves an unreferenced content file.
    """
    max_bytes = settings.FAZHI_MAX_UPLOAD_BYTES
    digest = hashlib.new("sm3")
    size = 0
    fd, tmp_path = tempfile.mkstemp(dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            for chunk in uploaded.chunks(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    break  # check_upload below reports the size; stop reading
                digest.update(chunk)
                tmp.write(chunk)
        # Raises UploadRejected (a RuleError on field "file") with the reason.
        file_type = check_upload(
            tmp_path, uploaded.name or "", max(size, uploaded.size or 0), max_bytes
        )
        hexdigest = digest.hexdigest()
        blob = Blob(digest=hexdigest, size=size, file_type=file_type)
        if not storage().exists(blob.storage_name):
            with open(tmp_path, "rb") as f:
                storage().save(blob.storage_name, File(f))
        # get_or_create: two people may upload the same content at the same moment.
        return Blob.objects.get_or_create(
            digest=hexdigest, defaults={"size": size, "file_type": file_type}
        )[0]
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)


def open_blob(blob: Blob):
    return storage().open(blob.storage_name, "rb")
