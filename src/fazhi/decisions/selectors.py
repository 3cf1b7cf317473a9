"""Reads of the decision-making registers, shared by pages, the API, the sources and the
portal. Every list is one page of rows in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in

from . import access
from .models import (
    DecisionCatalogue,
    MajorDecision,
    NormativeDocument,
)

PER_PAGE = 50
IN_FORCE = (nd.PUBLISHED, nd.FILED, nd.RETURNED, nd.ACCEPTED)


@dataclass
class Page:
    rows: list
    page: int
    pages: int
    total: int


def paginate(qs, page_no: int) -> Page:
    total = qs.count()
    pages = max(1, -(-total // PER_PAGE))
    page_no = min(max(1, page_no), pages)
    start = (page_no - 1) * PER_PAGE
    return Page(list(qs[start : start + PER_PAGE]), page_no, pages, total)


# ---------------------------------------------------------------- normative documents


def documents_for(user) -> QuerySet[NormativeDocument]:
    return NormativeDocument.objects.filter(access.scope_q(user))


def validity_q(value: str, today: date) -> Q:
    if value == nd.VALID:
        return Q(state__in=IN_FORCE) & (Q(valid_until__gte=today) | Q(valid_until__isnull=True))
    if value == nd.V_EXPIRED:
        return Q(state=nd.EXPIRED) | Q(state__in=IN_FORCE, valid_until__lt=today)
    if value == nd.V_ABOLISHED:
        return Q(state=nd.ABOLISHED)
    return ~Q(state__in=(*IN_FORCE, nd.ABOLISHED, nd.EXPIRED))


@dataclass
class DocFilter:
    state: str = ""
    validity: str = ""
    year: int | None = None  # published (or drafted, while unpublished) in that year
    overdue: bool = False  # filing overdue
    q: str = ""


def parse_doc_filter(params) -> DocFilter:
    f = DocFilter()
    f.state = params.get("state") or ""
    if f.state and f.state not in nd.STATES:
        raise RuleError("state", f"状态应为以下之一：{'、'.join(nd.STATES)}")
    f.validity = params.get("validity") or ""
    if f.validity and f.validity not in nd.VALIDITY:
        raise RuleError("validity", f"效力应为以下之一：{'、'.join(nd.VALIDITY)}")
    if params.get("year") not in (None, ""):
        f.year = int_in(params.get("year"), "year", "年度", 2000, 2100)
    f.overdue = params.get("overdue") in ("1", "true")
    f.q = (params.get("q") or "").replace("\x00", "").strip()[:50]
    return f


def document_register(user, f: DocFilter, today: date) -> QuerySet[NormativeDocument]:
    qs = documents_for(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.validity:
        qs = qs.filter(validity_q(f.validity, today))
    if f.year:
        qs = qs.filter(
            Q(published_on__year=f.year) | Q(published_on__isnull=True, drafted_on__year=f.year)
        )
    if f.overdue:
        qs = qs.filter(filing_overdue_q(today))
    if f.q:
        qs = qs.filter(Q(title__contains=f.q) | Q(doc_no__contains=f.q))
    return qs.select_related("department").order_by("-drafted_on", "-id")


def filing_overdue_q(today: date) -> Q:
    return Q(state=nd.PUBLISHED, filing_due__lt=today) | Q(state=nd.RETURNED)


def document_row(doc: NormativeDocument, today: date) -> dict:
    validity = nd.validity(doc.state, doc.valid_until, today)
    overdue = doc.state == nd.PUBLISHED and doc.filing_due is not None and doc.filing_due < today
    soon = (
        validity == nd.VALID
        and doc.valid_until is not None
        and doc.valid_until <= today + timedelta(days=60)
    )
    return {
        "doc": doc,
        "validity": validity,
        "validity_label": nd.VALIDITY[validity],
        "filing_overdue": overdue,
        "expiring": soon,
        "late_filed": doc.filed_on is not None
        and doc.filing_due is not None
        and doc.filed_on > doc.filing_due,
    }


def doc_facts(qs) -> list[nd.DocFacts]:
    return [
        nd.DocFacts(no, title, pub, due, filed, reviewed)
        for no, title, pub, due, filed, reviewed in qs.values_list(
            "doc_no", "title", "published_on", "filing_due", "filed_on", "reviewed"
        )
    ]


def document_figures(zone, year: int, as_of: date) -> nd.YearFigures:
    """One query: the zone's documents published in `year`."""
    qs = NormativeDocument.objects.filter(
        zone=zone, published_on__gte=date(year, 1, 1), published_on__lte=date(year, 12, 31)
    ).order_by("published_on", "id")
    return nd.year_figures(doc_facts(qs), as_of)


def public_catalogue(zone, validity: str, today: date, page_no: int = 1) -> Page:
    """One page of the published catalogue of valid, abolished or expired documents."""
    qs = (
        NormativeDocument.objects.filter(zone=zone)
        .filter(validity_q(validity, today))
        .order_by("-published_on", "-id")
        .only("doc_no", "title", "published_on", "valid_until", "ended_on", "state", "zone_id")
    )
    return paginate(qs, page_no)


def catalogue_counts(zone, today: date) -> dict[str, int]:
    """How many documents each catalogue lists (one query)."""
    from django.db.models import Count

    qs = NormativeDocument.objects.filter(zone=zone)
    return qs.aggregate(
        **{
            key: Count("id", filter=validity_q(key, today))
            for key in (nd.VALID, nd.V_ABOLISHED, nd.V_EXPIRED)
        }
    )


# ---------------------------------------------------------------- major decisions


def decisions_for(user) -> QuerySet[MajorDecision]:
    return MajorDecision.objects.filter(access.scope_q(user))


@dataclass
class DecisionFilter:
    state: str = ""
    year: int | None = None
    overdue: bool = False  # legality review past its due date without an opinion
    q: str = ""


def parse_decision_filter(params) -> DecisionFilter:
    f = DecisionFilter()
    f.state = params.get("state") or ""
    if f.state and f.state not in ds.STATE_LABELS:
        raise RuleError("state", f"状态应为以下之一：{'、'.join(ds.STATE_LABELS)}")
    if params.get("year") not in (None, ""):
        f.year = int_in(params.get("year"), "year", "年度", 2000, 2100)
    f.overdue = params.get("overdue") in ("1", "true")
    f.q = (params.get("q") or "").replace("\x00", "").strip()[:50]
    return f


def review_overdue_q(today: date) -> Q:
    return Q(review_due__lt=today, state="in_procedure")


def decision_register(user, f: DecisionFilter, today: date) -> QuerySet[MajorDecision]:
    qs = decisions_for(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.year:
        qs = qs.filter(catalogue__year=f.year)
    if f.overdue:
        qs = qs.filter(review_overdue_q(today))
    if f.q:
        qs = qs.filter(title__contains=f.q)
    return qs.select_related("department", "catalogue").order_by("-launched_on", "-id")


def decision_row(d: MajorDecision, today: date) -> dict:
    done = frozenset(d.done)
    allowed = ds.allowed_steps(done, frozenset(d.applicable))
    return {
        "d": d,
        "next": [ds.STEPS[s] for s in allowed],
        "review_overdue": d.review_due is not None
        and ds.LEGALITY not in done
        and ds.LEGALITY_SENT in done
        and d.review_due < today,
        "comment_open": ds.PARTICIPATION_OPEN in done
        and ds.PARTICIPATION not in done
        and d.comment_end is not None
        and d.comment_end >= today,
    }


def catalogues_for(user) -> QuerySet[DecisionCatalogue]:
    """The office's zones' lists (and above); a department, its zone's (the list is public)."""
    if access.zone_wide(user):
        return DecisionCatalogue.objects.filter(zone__path__startswith=user.org.path)
    if user.org_id and user.org.parent_id:
        return DecisionCatalogue.objects.filter(zone_id=user.org.parent_id)
    return DecisionCatalogue.objects.none()


def counsel_counts(qs):
    return qs.annotate(
        n_opinions=Count("opinions", distinct=True), n_meetings=Count("attendance", distinct=True)
    )


def access_zones(user):
    """The zones whose yearly figures the user may read (zone-wide readers only)."""
    from fazhi.orgs.access import org_scope_q
    from fazhi.orgs.models import Org

    if not access.zone_wide(user):
        return Org.objects.none()
    return Org.objects.filter(org_scope_q(user), kind=Org.Kind.ZONE)


def cited_documents(zone, texts, today: date) -> list[dict]:
    """The zone's normative documents that `texts` cite by number (…规〔年〕号), each with its
    validity; a number not registered in the zone is listed as unknown. One query."""
    from .documents import prefix_of

    numbers, prefix = [], prefix_of(zone)
    for t in texts:
        for no in nd.cited_doc_nos(t, prefix):
            if no not in numbers:
                numbers.append(no)
    if not numbers:
        return []
    found = {
        d.doc_no: d
        for d in NormativeDocument.objects.filter(zone=zone, doc_no__in=numbers).only(
            "doc_no", "title", "state", "valid_until"
        )
    }
    out = []
    for no in numbers:
        d = found.get(no)
        validity = nd.validity(d.state, d.valid_until, today) if d else ""
        out.append(
            {
                "doc_no": no,
                "title": d.title if d else "",
                "validity": validity,
                "label": nd.VALIDITY[validity] if d else "未在本园区登记",
                "flag": validity != nd.VALID,
            }
        )
    return out
