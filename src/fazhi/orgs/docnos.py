"""文号 allocation: one counter row per org, kind and year, taken under a row lock.

Call `allocate` inside the transaction that writes the document's record, so the number and the
record are committed together (a rollback may leave a gap, which the rules allow).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from fazhi.audit.services import record
from fazhi.core import docno

from .models import DocSerial, Org


def prefix_of(org: Org) -> str:
    return org.doc_prefix or docno.default_prefix(org.name)


def allocate(org: Org, kind: str, year: int) -> str:
    """The next 文号 of `kind` for `org` in `year`, e.g. 资高新督〔2026〕3号."""
    if kind not in docno.KINDS:
        raise ValueError(f"unknown kind of document: {kind}")
    with transaction.atomic():
        DocSerial.objects.get_or_create(org=org, kind=kind, year=year)
        # The UPDATE takes the row lock: two writers never get the same number.
        DocSerial.objects.filter(org=org, kind=kind, year=year).update(last=F("last") + 1)
        last = DocSerial.objects.get(org=org, kind=kind, year=year).last
    return docno.format_doc_no(prefix_of(org), kind, year, last)


@transaction.atomic
def set_prefix(actor, org: Org, prefix: str) -> Org:
    before = prefix_of(org)
    org.doc_prefix = docno.check_prefix(prefix)
    org.save(update_fields=["doc_prefix"])
    record(
        actor, "org.doc_prefix", org, before={"prefix": before}, after={"prefix": org.doc_prefix}
    )
    return org
