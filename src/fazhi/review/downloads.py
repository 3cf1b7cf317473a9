"""The chain's files as downloads, shared by the pages and the API; every download is audited.
A PDF needs the CJK fonts (`FontsMissing` when the server lacks them)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from fazhi.audit.services import record
from fazhi.reports.gongwen import render_docx, render_pdf

from . import documents
from .models import Application, Campaign
from .package import write_package

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
APPLICATION_FILES = (
    "report.docx",
    "report.pdf",
    "package.zip",
    "city-report.docx",
    "city-report.pdf",
)
CAMPAIGN_FILES = ("naming.docx", "naming.pdf")


def application_files(app: Application) -> list[str]:
    """What can be downloaded now: the 情况报告 only once the city has forwarded."""
    return [n for n in APPLICATION_FILES if app.city_doc_no or not n.startswith("city")]


def _document(doc, name: str, title: str) -> HttpResponse:
    pdf = name.endswith(".pdf")
    response = HttpResponse(
        render_pdf(doc) if pdf else render_docx(doc),
        content_type="application/pdf" if pdf else DOCX,
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{title}.{name.rsplit('.', 1)[1]}"
    )
    return response


def application_file(user, app: Application, name: str):
    if name not in application_files(app):
        raise Http404("没有该文件")
    record(user, "application.document", app, after={"name": name})
    title = f"{app.zone.name}{app.campaign.title}"
    if name == "package.zip":
        tmp = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
        write_package(app, tmp)  # on disk, not in memory: the evidence can be gigabytes
        tmp.seek(0)
        return FileResponse(
            tmp, as_attachment=True, filename=f"{title}证据包.zip", content_type="application/zip"
        )
    if name.startswith("city"):
        return _document(documents.city_report(app), name, f"{title}情况报告")
    return _document(documents.zone_report(app), name, f"{title}报送报告")


def campaign_file(user, campaign: Campaign, name: str):
    if name not in CAMPAIGN_FILES or not campaign.named_on:
        raise Http404("没有该文件")
    named = list(
        campaign.applications.filter(status=Application.Status.NAMED).select_related("zone__parent")
    )
    record(user, "campaign.document", campaign, after={"name": name})
    return _document(documents.naming_notice(campaign, named), name, f"{campaign.title}命名通知")
