"""案卷评查: a review round picks closed case files (all, or a random sample with a recorded
seed), assigns reviewers who did not handle the case, and each file is scored through the
SAME engine as the self-assessment (core.scoring.compute_totals over the shipped file-review
table, frameworks/file-review/enf-case-file-review.yaml): veto items fail the file,
deductions subtract per fault, grades by the table's thresholds."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core import enforcement as enf
from fazhi.core import framework as fw
from fazhi.core.annual import grade_for
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.scoring import ResultInput, compute_totals, parse_cases, parse_points
from fazhi.core.validate import int_in, text
from fazhi.frameworks import services as frameworks
from fazhi.frameworks.models import Framework
from fazhi.orgs.models import User

from . import access
from .models import CaseOfficer, EnforcementCase, FileReview, ReviewRound

TABLE_CODE = "enf-case-file-review"
REVIEWABLE = (enf.CLOSED, enf.ARCHIVED)


def review_table() -> Framework:
    """The shipped file-review table, loaded on first use."""
    found = frameworks.find(TABLE_CODE)
    if found is not None:
        return found
    path = settings.FAZHI_FRAMEWORKS_DIR / "file-review" / f"{TABLE_CODE}.yaml"
    return frameworks.load_file(path, None, f"frameworks/file-review/{path.name}")[0]


def _handlers_by_case(case_ids) -> dict[int, set[int]]:
    """case id -> the user ids of the officers who handled it (one query)."""
    out: dict[int, set[int]] = {}
    rows = CaseOfficer.objects.filter(case_id__in=case_ids, officer__user__isnull=False)
    for case_id, user_id in rows.values_list("case_id", "officer__user_id"):
        out.setdefault(case_id, set()).add(user_id)
    return out


@transaction.atomic
def create_round(actor, data: dict) -> ReviewRound:
    zone = access.zone_of_user(actor)
    if zone is None:
        raise Http404("园区不存在或无权访问")
    access.require_office(actor, zone)
    check = Collect()
    title = check(text, data.get("title"), "title", "评查名称", limit=200, required=True)
    year = check(int_in, data.get("year"), "year", "年度", 2000, 2100)
    size = None
    if data.get("sample_size") not in (None, ""):
        size = check(int_in, data.get("sample_size"), "sample_size", "抽查数量", 1, 10_000)
    seed = secrets.randbelow(2**31)
    if data.get("seed") not in (None, ""):
        seed = check(int_in, data.get("seed"), "seed", "随机种子", 0, 2**31 - 1)
    names = data.get("reviewers") or []
    if isinstance(names, str):
        names = [n for n in names.replace("，", ",").split(",") if n.strip()]
    reviewers = list(
        User.objects.filter(
            username__in=[str(n).strip() for n in names],
            is_active=True,
            org__path__startswith=zone.path,
        ).order_by("username")
    )
    if not reviewers:
        check.errors["reviewers"] = "请指定至少一名本园区的评查人员（用户名）"
    elif len(reviewers) != len({str(n).strip() for n in names}):
        known = {u.username for u in reviewers}
        missing = "、".join(sorted({str(n).strip() for n in names} - known))
        check.errors["reviewers"] = f"本园区没有这些评查人员账号：{missing}"
    check.done()
    pool = EnforcementCase.objects.filter(
        zone=zone, state__in=REVIEWABLE, closed_on__year=year
    ).values_list("id", flat=True)
    picked = enf.sample(list(pool), size, seed)
    if not picked:
        raise RuleError("year", f"{year} 年没有已结案的执法案卷可供评查")
    handlers = _handlers_by_case(picked)
    numbers = dict(EnforcementCase.objects.filter(pk__in=picked).values_list("id", "number"))
    assignments, problems = [], []
    for n, case_id in enumerate(picked):
        eligible = [u for u in reviewers if u.pk not in handlers.get(case_id, set())]
        if not eligible:
            problems.append(f"案卷 {numbers[case_id]} 的评查人员都是本案执法人员，须另行指定")
            continue
        assignments.append((case_id, eligible[n % len(eligible)]))
    if problems:
        raise RuleError("reviewers", "；".join(problems))
    table = review_table()
    rnd = ReviewRound.objects.create(
        zone=zone, title=title, framework=table, year=year, sample_size=size, seed=seed,
        created_by=actor,
    )  # fmt: skip
    FileReview.objects.bulk_create(
        [FileReview(round=rnd, case_id=c, reviewer=u) for c, u in assignments]
    )
    record(
        actor,
        "enforcement.review.round",
        rnd,
        after={"year": year, "sample_size": size, "seed": seed, "cases": picked},
    )
    return rnd


def round_of(user, round_id) -> ReviewRound:
    rnd = ReviewRound.objects.select_related("zone", "framework").filter(pk=round_id).first()
    if rnd is None or not (
        access.can_see(user, rnd.zone, None) or rnd.files.filter(reviewer=user).exists()
    ):
        raise Http404("评查不存在或无权查看")
    return rnd


def review_of(user, review_id) -> FileReview:
    r = (
        FileReview.objects.select_related("round", "round__zone", "round__framework", "case")
        .filter(pk=review_id)
        .first()
    )
    if r is None or not (r.reviewer_id == user.pk or access.can_see(user, r.round.zone, None)):
        raise Http404("评查案卷不存在或无权查看")
    return r


def inputs_of(results: dict) -> dict[str, ResultInput]:
    out = {}
    for code, v in results.items():
        out[code] = ResultInput(
            self_score=Decimal(v["self_score"]) if v.get("self_score") not in (None, "") else None,
            raised=bool(v.get("raised")),
            cases=int(v.get("cases") or 0),
        )
    return out


def parse_sheet(items: list[fw.Indicator], data: dict, check: Collect) -> dict:
    """The reviewer's entries: `s_<code>` a score (0..max), `v_<code>` a veto found,
    `d_<code>` a number of faults. Every scored item must be scored."""
    results: dict[str, dict] = {}
    for ind in items:
        if ind.kind == fw.SCORED:
            raw = data.get(f"s_{ind.code}")
            if raw in (None, ""):
                check.errors.setdefault(f"s_{ind.code}", f"请为第 {ind.shown_code} 项评分")
                continue
            d = check(
                parse_points, raw, f"s_{ind.code}", f"第 {ind.shown_code} 项得分",
                ind.max_points, ind.min_points,
            )  # fmt: skip
            if d is not None:
                results[ind.code] = {"self_score": str(d)}
        elif ind.kind == fw.VETO:
            raw = data.get(f"v_{ind.code}")
            if raw is True or str(raw).lower() in ("1", "true", "on"):
                results[ind.code] = {"raised": True}
        elif ind.kind in (fw.DEDUCTION, fw.BONUS):
            raw = data.get(f"d_{ind.code}")
            if raw in (None, ""):
                continue
            try:
                n = parse_cases(raw)
            except RuleError:
                check.errors.setdefault(
                    f"d_{ind.code}", f"第 {ind.shown_code} 项的起数须为 0 至 999 的整数"
                )
                continue
            if n:
                results[ind.code] = {"cases": n}
    return results


def grade_of(table: Framework, results: dict) -> tuple[Decimal, bool, str, list[str]]:
    """(total, vetoed, grade, faults) through the scoring engine."""
    indicators = frameworks.tree(table)
    totals = compute_totals(indicators, inputs_of(results))
    grades = [(g["name"], Decimal(g["min"])) for g in table.grades]
    vetoed = totals.disqualified
    names = [n for n, _ in sorted(grades, key=lambda g: g[1])]
    grade = names[0] if vetoed and names else grade_for(totals.final, grades)
    kinds = {i.code: i.kind for i in fw.items(indicators)}
    faults = sorted(
        code
        for code, v in results.items()
        if (kinds.get(code) == fw.VETO and v.get("raised"))
        or (kinds.get(code) == fw.DEDUCTION and int(v.get("cases") or 0) > 0)
    )
    return totals.final, vetoed, grade, faults


@transaction.atomic
def score_file(actor, review_id, data: dict) -> FileReview:
    r = (
        FileReview.objects.select_for_update()
        .select_related("round", "round__framework", "case")
        .filter(pk=review_id)
        .first()
    )
    if r is None:
        raise Http404("评查案卷不存在或无权查看")
    if r.reviewer_id != actor.pk:
        if access.can_see(actor, r.round.zone, None):
            raise PermissionDenied("只有指定的评查人员可以评分")
        raise Http404("评查案卷不存在或无权查看")
    if CaseOfficer.objects.filter(case=r.case, officer__user=actor).exists():
        raise PermissionDenied("评查人员不能评查本人承办的案卷")
    if data.get("version") not in (None, "") and str(data["version"]) != str(r.version):
        raise ConflictError("该案卷的评分已被修改，请刷新后再评")
    check = Collect()
    items = fw.items(frameworks.tree(r.round.framework))
    results = parse_sheet(items, data, check)
    comment = check(text, data.get("comment"), "comment", "评查意见", limit=2000) or ""
    check.done()
    total, vetoed, grade, faults = grade_of(r.round.framework, results)
    before = {"total": str(r.total or ""), "grade": r.grade}
    r.results, r.total, r.vetoed, r.grade, r.faults = results, total, vetoed, grade, faults
    r.comment = comment
    r.scored_at = timezone.now()
    r.version += 1
    r.save()
    record(
        actor,
        "enforcement.review.score",
        r,
        before=before,
        after={"total": str(total), "grade": grade, "faults": faults},
    )
    return r


def round_report(rnd: ReviewRound) -> dict:
    """The round's grade distribution and common faults (two queries)."""
    files = list(rnd.files.select_related("case", "reviewer").order_by("id"))
    indicators = frameworks.tree(rnd.framework)
    titles = {i.code: i.title for i in fw.items(indicators)}
    names = [g["name"] for g in sorted(rnd.framework.grades, key=lambda g: -Decimal(g["min"]))]
    scored = [f for f in files if f.scored_at]
    return {
        "files": files,
        "scored": len(scored),
        "distribution": enf.grade_distribution([f.grade for f in scored], names),
        "faults": [
            {"code": code, "title": titles.get(code, code), "count": n}
            for code, n in enf.common_faults(f.faults for f in scored)
        ],
    }
