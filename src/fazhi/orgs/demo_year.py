"""A demo zone in the middle of its year (`fazhi demo`): what a newcomer should see at once.

Everything goes through the same services as real use (so it is audited, notified and
checked like real input), with dates relative to `today`: tasks in every light, progress
reports, an extension granted and one waiting, 督办单 open and replied, cases in every state,
a half-scored self-assessment with evidence, and two earlier years accepted by the city.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.assessments import services as assessments
from fazhi.assessments.models import Assessment, Result
from fazhi.assessments.selectors import items_by_code
from fazhi.core import framework as fw
from fazhi.orgs.models import User
from fazhi.registers.events import record_event
from fazhi.registers.refresh import refresh
from fazhi.registers.services import register_case
from fazhi.workplan import notices, progress
from fazhi.workplan import services as workplan
from fazhi.workplan.models import Plan, Task
from fazhi.workplan.supervision import tick

DEPARTMENTS = ("zy-gxq-kjj", "zy-gxq-sfj", "zy-gxq-dzb")
RESPONSIBLE = ("张明", "李华", "王芳")
# (start, due) in days from today, progress: red, yellow (due soon), green, done, yellow (behind
# the elapsed share of time), green (just started).
TASK_PATTERNS = (
    (-90, -10, 60),
    (-60, 3, 70),
    (-30, 25, 50),
    (-120, -20, 100),
    (-60, 25, 10),
    (-10, 28, 20),
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def populate(today: date, out) -> None:
    office = User.objects.select_related("org").get(username="office")
    kjj = User.objects.get(username="kjj")
    city = User.objects.get(username="city")
    plan = Plan.objects.get(zone=office.org, year=today.year)
    _tasks(plan, office, kjj, today)
    out(
        f"已为工作方案分配 {plan.tasks.filter(lead_org__isnull=False).count()} 项任务，填报进度、延期和督办单"
    )
    n = _cases(office, kjj, today)
    out(f"已登记 {n} 件依申请公开和投诉举报案件（各种办理状态）")
    _assessments(office, city, today)
    out("已填写本年度自评的一半（附佐证材料），并补录前两年已通过的自评")
    result = tick(today)
    out(f"已计算红黄绿灯并发送 {result.reminders} 条提醒")


def _day(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def _tasks(plan: Plan, office: User, kjj: User, today: date) -> None:
    leaves = [
        t
        for t in plan.tasks.exclude(kind=Task.Kind.AREA).order_by("position")
        if not t.children.exists()
    ]
    by_pattern: dict[int, list[Task]] = {}
    for i, task in enumerate(leaves):
        start, due, percent = TASK_PATTERNS[i % len(TASK_PATTERNS)]
        lead = DEPARTMENTS[(i // len(TASK_PATTERNS)) % len(DEPARTMENTS)]  # each its own mix
        task = workplan.update_task(
            office,
            task.pk,
            {
                "version": task.version,
                "lead_org": lead,
                "responsible": RESPONSIBLE[i % len(RESPONSIBLE)],
                "start_date": _day(today, start).isoformat(),
                "due_date": _day(today, due).isoformat(),
            },
        )
        reporter = kjj if lead == "zy-gxq-kjj" else office
        halfway = _day(today, max(start, -20))
        progress.report_progress(
            reporter,
            task.pk,
            {"percent": percent // 2, "text": "已制定工作方案，明确责任分工"},
            today=halfway,
        )
        progress.report_progress(
            reporter,
            task.pk,
            {"percent": percent, "text": "按计划推进，已形成阶段性成果"},
            today=_day(today, -3),
        )
        if percent == 100:
            progress.close_task(office, task.pk, today=_day(today, -2))
        by_pattern.setdefault(i % len(TASK_PATTERNS), []).append(task)

    kjj_org = kjj.org_id
    green = [t for t in by_pattern.get(2, []) + by_pattern.get(5, []) if t.lead_org_id == kjj_org]
    if green:  # an extension granted: its due date reads "12-25（原 12-03）" in exports
        task = Task.objects.get(pk=green[0].pk)
        ext = progress.request_extension(
            kjj,
            task.pk,
            {"new_due": _day(today, 40).isoformat(), "reason": "需等待上级部门出台配套文件"},
            today=_day(today, -6),
        )
        progress.decide_extension(office, ext.pk, True, "同意延期", today=_day(today, -5))
    if len(green) > 1:  # and one waiting for the office
        progress.request_extension(
            kjj,
            green[1].pk,
            {"new_due": _day(today, 45).isoformat(), "reason": "涉及多个部门会签，时间较长"},
            today=_day(today, -1),
        )
    red = [t for t in by_pattern.get(0, []) if t.lead_org_id == kjj_org] or by_pattern.get(0, [])
    if red:
        notices.issue_notice(
            office,
            plan.pk,
            {
                "to_org": "zy-gxq-kjj",
                "task": red[0].number,
                "text": "该任务已逾期，请加快推进并书面报告进展和下一步措施",
                "reply_due": _day(today, 5).isoformat(),
            },
            today=_day(today, -2),
        )
    replied = notices.issue_notice(
        office,
        plan.pk,
        {
            "to_org": "zy-gxq-kjj",
            "text": "请报送本季度法治示范区创建工作进展及佐证材料",
            "reply_due": _day(today, 2).isoformat(),
        },
        today=_day(today, -8),
    )
    notices.reply_notice(
        kjj, replied.pk, "已报送季度进展报告及会议纪要等佐证材料", today=_day(today, -4)
    )


def _register(office: User, kind: str, received: date, i: int, **extra) -> int:
    data = {
        "kind": kind,
        "zone": "zy-gxq",
        "channel": "post" if kind == "disclosure" else "hotline",
        "received_on": received.isoformat(),
        "name": ("赵敏", "钱伟", "孙丽", "周强", "吴娟", "郑凯", "冯涛")[i % 7],
        "phone": f"1380000{1000 + i:04d}",
        "subject": extra.pop("subject"),
        "content": extra.pop("content", "请依法予以处理并答复。"),
        **extra,
    }
    if kind == "complaint":
        data.setdefault("category", "complaint")
    return register_case(office, data, today=received)[0].pk


def _cases(office: User, kjj: User, today: date) -> int:
    """Disclosure requests and complaints in every state, received over the past months."""

    def act(case_id, kind, offset, user=office, **data):
        on = _day(today, offset)
        record_event(user, case_id, {"kind": kind, "on": on.isoformat(), **data}, today=on)

    n = 0

    def disclosure(offset, subject):
        nonlocal n
        n += 1
        return _register(office, "disclosure", _day(today, offset), n, subject=subject)

    def complaint(offset, subject, respondent="某科技企业"):
        nonlocal n
        n += 1
        return _register(
            office, "complaint", _day(today, offset), n, subject=subject, respondent=respondent
        )

    disclosure(-1, "2025年度高新技术企业认定名单")  # 已收到（待受理）
    c = disclosure(-12, "园区产业扶持资金使用情况")
    act(
        c,
        "correction_requested",
        -10,
        text="请明确所需信息的年份和项目名称",
        correction_due=_day(today, 5).isoformat(),
    )
    c = disclosure(-15, "科技项目专项资金拨付明细")
    act(c, "accepted", -14)
    act(c, "assigned", -14, department="zy-gxq-kjj")
    c = disclosure(-25, "孵化器入驻企业评审结果")
    act(c, "accepted", -24)
    act(c, "assigned", -24, department="zy-gxq-kjj")
    act(c, "consultation_started", -20, third_party="某孵化器运营公司")
    c = disclosure(-45, "重大行政决策事项目录")
    act(c, "accepted", -44)
    act(c, "replied", -30, reply_type="disclosed", text="经查，该信息予以公开，见附件。")
    c = disclosure(-70, "行政执法人员名单")
    act(c, "accepted", -69)
    act(
        c,
        "replied",
        -55,
        reply_type="disclosed_already",
        text="该信息已在园区门户网站主动公开。",
        published_at="资阳高新区门户网站“政府信息公开—行政执法公示”栏目",
    )
    act(c, "closed", -50)
    c = disclosure(-40, "科技成果转化奖励发放情况")
    act(
        c,
        "correction_requested",
        -38,
        text="请说明所需信息的具体范围",
        correction_due=_day(today, -30).isoformat(),
    )
    act(c, "abandoned", -28)
    late = disclosure(-60, "企业研发费用补助审核标准")  # accepted, never answered: overdue
    act(late, "accepted", -59)
    act(late, "assigned", -59, department="zy-gxq-kjj")
    c = complaint(-3, "企业拖欠技术服务费")  # 已收到
    c = complaint(-20, "招商引资承诺未兑现")
    act(c, "accepted", -19)
    act(c, "assigned", -19, department="zy-gxq-kjj")
    c = complaint(-35, "知识产权侵权线索", respondent="某电子公司")
    act(c, "rejected", -33, reason="不属于本机关职责范围，已告知向市场监管部门反映")
    c = complaint(-50, "科技项目申报代理乱收费", respondent="某咨询公司")
    act(c, "accepted", -49)
    act(c, "replied", -30, outcome="substantiated", text="经调查，情况属实，已责令整改。")
    act(c, "review_requested", -25, reason="对处理结果不满意")
    c = complaint(-70, "人才公寓分配不公", respondent="园区人才服务中心")
    act(c, "accepted", -69)
    act(c, "replied", -50, outcome="unfounded", text="经调查核实，情况不属实。")
    act(c, "review_requested", -45, reason="要求复查")
    act(c, "review_replied", -35, outcome="unfounded", text="经复查，维持原处理意见。")
    c = complaint(-80, "园区停车场收费不规范", respondent="园区物业公司")
    act(c, "accepted", -79)
    act(c, "replied", -60, outcome="partly", text="经核实部分属实，已督促整改。")
    act(c, "closed", -55)
    refresh(today)  # the cached deadlines as of today (each event computed them as of its day)
    return n


def _fill(office: User, assessment: Assessment, share: float, factor: str, evidence: int = 0):
    """Score the first `share` of the scored items at `factor` of their points; attach a file
    to the first `evidence` of them."""
    items = [i for i in items_by_code(assessment).values() if i.kind == fw.SCORED]
    results = {
        r.indicator.code: r
        for r in Result.objects.filter(assessment=assessment).select_related("indicator")
    }
    for k, ind in enumerate(items[: round(len(items) * share)]):
        score = (ind.max_points * Decimal(factor)).quantize(Decimal("0.5"))
        assessments.update_result(
            office,
            assessment.pk,
            ind.code,
            {
                "version": results[ind.code].version,
                "self_score": str(score),
                "note": "已按要求落实",
            },
        )
        if k < evidence:
            assessments.add_evidence(
                office,
                assessment.pk,
                ind.code,
                SimpleUploadedFile(
                    f"第{ind.code}项佐证材料.pdf", PDF, content_type="application/pdf"
                ),
            )


def _assessments(office: User, city: User, today: date) -> None:
    current = Assessment.objects.get(zone=office.org, year=today.year)
    _fill(office, current, 0.5, "0.8", evidence=4)
    for year, factor in ((today.year - 2, "0.7"), (today.year - 1, "0.8")):
        past = assessments.create_assessment(office, "zy-gxq", current.framework.code, None, year)
        _fill(office, past, 1.0, factor)
        assessments.submit(office, past.pk)
        assessments.accept(city, past.pk)
