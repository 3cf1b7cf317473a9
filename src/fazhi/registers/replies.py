"""The reply (答复) step: its fields per case kind, and its letter once it is saved."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.assessments import evidence as evidence_store
from fazhi.core.errors import RuleError
from fazhi.core.validate import text
from fazhi.orgs import docnos

from . import catalog, inputs, letters, states
from .inputs import LIMITS
from .models import Case, CaseEvent
from .selectors import agency_of
from .services import DOCX


def reply_fields(case: Case, data: dict, ev: CaseEvent, changes: dict, on: date) -> None:
    publish = inputs.boolean(data.get("publish"), "publish", "公开答复内容")
    if case.kind == states.DISCLOSURE:
        reply_type = inputs.choice(
            data.get("reply_type"), "reply_type", "答复类型", catalog.REPLY_TYPES
        )
        ground = agency = ""
        if reply_type == "withheld":
            ground = inputs.choice(
                data.get("ground"), "ground", "不予公开的理由", catalog.WITHHOLD_GROUNDS
            )
        elif reply_type == "partial":
            ground = inputs.choice(
                data.get("ground"),
                "ground",
                "部分不予公开的理由",
                catalog.WITHHOLD_GROUNDS,
                required=False,
            )
        elif reply_type == "not_processed":
            ground = inputs.choice(
                data.get("ground"),
                "ground",
                "不予处理的理由",
                catalog.NOT_PROCESSED_GROUNDS,
                default="repeat",
            )
        elif reply_type == "not_responsible":
            agency = text(data.get("agency"), "agency", "负责公开的机关", limit=LIMITS["agency"])
        published_at = ""
        if reply_type == "disclosed_already":
            if not str(data.get("published_at") or "").strip():
                raise RuleError(
                    "published_at",
                    "答复类型为“已主动公开”时，请填写信息公开位置（获取该信息的网站栏目、网址或查阅地点）",
                )
            published_at = text(
                data.get("published_at"),
                "published_at",
                "信息公开位置",
                limit=LIMITS["published_at"],
                required=True,
            )
        elif data.get("published_at") not in (None, ""):
            raise RuleError(
                "published_at",
                f"答复类型为“{catalog.REPLY_TYPES[reply_type]}”时不填写信息公开位置",
            )
        if data.get("ground") not in (None, "") and not ground:
            raise RuleError("ground", f"答复类型为“{catalog.REPLY_TYPES[reply_type]}”时不填写理由")
        body = text(data.get("text"), "text", "答复内容", limit=LIMITS["reply_text"], required=True)
        changes.update(
            reply_type=reply_type,
            reply_ground=ground,
            reply_agency=agency,
            reply_published_at=published_at,
        )
        ev.data = {
            "reply_type": reply_type,
            "ground": ground,
            "agency": agency,
            "published_at": published_at,
            "publish": publish,
        }
    else:
        outcome = inputs.choice(
            data.get("outcome") or data.get("reply_type"),
            "outcome",
            "处理结果",
            catalog.COMPLAINT_OUTCOMES,
        )
        body = text(data.get("text"), "text", "答复内容", limit=LIMITS["reply_text"], required=True)
        changes.update(reply_type=outcome, reply_ground="", reply_agency="", reply_published_at="")
        ev.data = {"outcome": outcome, "publish": publish}
    changes.update(reply_text=body, replied_on=on, reply_public=publish)


def reply_letter(ctx) -> None:
    """The reply letter (答复告知书 / 处理结果告知书), numbered, kept with the case."""
    case = ctx.case
    agency, contact = agency_of(case.zone)
    case.letter_no = ctx.letter_no = docnos.allocate(case.zone, "letter", ctx.on.year)
    content = letters.reply_letter(case, agency, case.letter_no, contact)
    case.letter = store_docx(letters.letter_name(case), content)
    case.save(update_fields=["letter", "letter_no"])


def store_docx(name: str, content: bytes):
    return evidence_store.store(SimpleUploadedFile(name, content, content_type=DOCX))
