"""The evidence package: one .zip streamed to its destination, never held in memory.

    证据包/manifest.json              file, size, SM3, uploaded by, uploaded at, per evidence file
    证据包/自查评分表.xlsx
    证据包/佐证材料/<item code>/<name>

`verify_package(path)` recomputes every member's SM3 against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import PurePosixPath

from fazhi.assessments.evidence import CHUNK, open_blob
from fazhi.assessments.exports import write_xlsx
from fazhi.assessments.models import Evidence
from fazhi.core.filetypes import safe_display_name

from .models import Application

ROOT = "证据包"
MANIFEST = f"{ROOT}/manifest.json"


def _sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def write_package(app: Application, out) -> dict:
    """Write the package to the binary file `out` (seekable or not); return the manifest."""
    files = []
    evidence = (
        Evidence.objects.filter(result__assessment=app.assessment)
        .select_related("blob", "result__indicator", "uploaded_by")
        .order_by("result__indicator__position", "uploaded_at", "id")
    )
    seen: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        xlsx = io.BytesIO()
        write_xlsx(app.assessment, xlsx)
        name = f"{ROOT}/自查评分表.xlsx"
        z.writestr(name, xlsx.getvalue())
        files.append({"file": name, "size": len(xlsx.getvalue()), "sm3": _sm3(xlsx.getvalue())})
        for e in evidence:
            name = _unique(
                f"{ROOT}/佐证材料/{e.result.indicator.code}/{safe_display_name(e.name)}", seen
            )
            digest = hashlib.new("sm3")
            # ZIP_STORED with the size known: written through in chunks, memory stays flat.
            info = zipfile.ZipInfo(name, date_time=e.uploaded_at.timetuple()[:6])
            info.file_size = e.blob.size
            with (
                open_blob(e.blob) as src,
                z.open(info, "w", force_zip64=e.blob.size > 2**31) as dst,
            ):
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
            files.append(
                {
                    "file": name,
                    "size": e.blob.size,
                    "sm3": digest.hexdigest(),
                    "uploaded_by": str(e.uploaded_by) if e.uploaded_by else "",
                    "uploaded_at": e.uploaded_at.isoformat(),
                }
            )
        manifest = {
            "application": app.pk,
            "zone": app.zone.name,
            "campaign": app.campaign.code,
            "files": files,
        }
        z.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _unique(name: str, seen: set[str]) -> str:
    """Two evidence files of one item may share a name: number the later ones."""
    candidate, n = name, 1
    p = PurePosixPath(name)
    while candidate in seen:
        n += 1
        candidate = str(p.with_name(f"{p.stem}（{n}）{p.suffix}"))
    seen.add(candidate)
    return candidate


class PackageBroken(Exception):
    pass


def verify_package(path) -> int:
    """Check every manifest entry's size and SM3; return the count or raise naming the first bad file."""
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageBroken(f"{path}：不是有效的 zip 文件（{exc}）") from None
    with z:
        try:
            manifest = json.loads(z.read(MANIFEST))
        except KeyError:
            raise PackageBroken(f"缺少清单 {MANIFEST}") from None
        except (ValueError, zipfile.BadZipFile) as exc:
            raise PackageBroken(f"清单 {MANIFEST} 无法读取（{exc}）") from None
        members = set(z.namelist())
        listed = {f["file"] for f in manifest.get("files", [])}
        for entry in manifest.get("files", []):
            name = entry["file"]
            if name not in members:
                raise PackageBroken(f"{name}：清单中有，包中缺失")
            digest, size = hashlib.new("sm3"), 0
            try:
                with z.open(name) as f:
                    while chunk := f.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError) as exc:
                raise PackageBroken(f"{name}：无法读取（{exc}）") from None
            if size != entry["size"] or digest.hexdigest() != entry["sm3"]:
                raise PackageBroken(f"{name}：内容与清单不符（SM3 或大小不同）")
        extra = sorted(members - listed - {MANIFEST} - {n for n in members if n.endswith("/")})
        if extra:
            raise PackageBroken(f"{extra[0]}：包中有，清单中没有")
        return len(listed)
