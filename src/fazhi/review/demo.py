"""The demo's review chain: the seed's own application, laid beside its text.

资阳高新区 applies to the 2019 campaign (川科规〔2019〕15号) with its 2020 self-assessment and
work plan; its report is dated 2020年3月19日; 资阳市科学技术局 forwards it as 资科〔2020〕14号
signed by 肖建华 on 2020年3月20日. A second city (绵阳) has two zones: one application waits for
the city, one is a draft. Five experts wait for the province's panel. The self scores are demo
values: the seed prints the table without them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.assessments.models import Assessment
from fazhi.assessments.selectors import items_by_code
from fazhi.assessments.services import add_evidence, create_assessment, update_result
from fazhi.core import framework as fw
from fazhi.orgs.models import Role, User
from fazhi.workplan.services import create_plan

from .models import Application, Campaign
from .services import (
    create_campaign,
    forward_application,
    open_application,
    submit_application,
    update_report,
)

ORGS = [
    ("sc-cd", "成都市科学技术局", "city", "sc"),
    ("sc-my", "绵阳市科学技术局", "city", "sc"),
    ("my-gxq", "绵阳高新区", "zone", "sc-my"),
    ("my-kjc", "绵阳科技城新区", "zone", "sc-my"),
]
USERS = [
    ("province", Role.REVIEWER, "sc", "省科技厅评审处"),
    ("mianyang", Role.REVIEWER, "sc-my", "绵阳市科技局审核员"),
    ("office-my", Role.OFFICE, "my-gxq", "绵阳高新区创建办"),
    ("office-kjc", Role.OFFICE, "my-kjc", "绵阳科技城新区创建办"),
    *[
        (f"expert{i}", Role.EXPERT, org, f"评审专家{i}")
        for i, org in enumerate(["sc", "sc", "sc-cd", "sc-cd", "sc"], 1)
    ],
]
CAMPAIGN = {
    "code": "sc-2019",
    "title": "2019年科技创新法治示范区创建试点",
    "notice_title": "关于开展科技创新法治示范区创建试点工作的通知",
    "notice_no": "川科规〔2019〕15号",
    "honour": "四川省科技创新法治示范区",
    "framework": "sc-sti-law-zone-2019",
    "opens_on": "2019-12-01",
    "closes_on": "2020-06-30",
    "threshold": 80,
    "quota": 3,
}
SEED_ISSUERS = "中共资阳高新技术产业园区工作委员会\n资阳高新技术产业园区管理委员会"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _filled_assessment(office, zone: str, year: int, short: Decimal) -> Assessment:
    """A self-assessment with every scored item scored (all but `short` points) and evidenced."""
    a = Assessment.objects.filter(zone__code=zone, year=year).first()
    if a is not None:
        return a
    a = create_assessment(office, zone, CAMPAIGN["framework"], None, year)
    left = short
    for code, ind in items_by_code(a).items():
        if ind.kind != fw.SCORED:
            continue
        take = min(left, ind.max_points)
        left -= take
        update_result(office, a.pk, code, {"version": 1, "self_score": ind.max_points - take})
        add_evidence(
            office, a.pk, code, SimpleUploadedFile(f"第{code}项佐证材料.pdf", PDF + code.encode())
        )
    return a


def load(stdout) -> None:
    """The campaign and its applications, once ORGS and USERS exist (the demo command makes
    them with its own). Idempotent: an existing campaign is left as it is."""
    if Campaign.objects.filter(code=CAMPAIGN["code"]).exists():
        return
    province = User.objects.get(username="province")
    campaign = create_campaign(province, CAMPAIGN)
    office = User.objects.get(username="office")
    _filled_assessment(office, "zy-gxq", 2020, Decimal(6))
    if not office.org.plans.filter(year=2020).exists():
        create_plan(office, "zy-gxq", "zy-gxq-sti-law-2020", 2020, report_day=25)
    seed_day, city_day = date(2020, 3, 19), date(2020, 3, 20)
    app = open_application(office, campaign.code, "zy-gxq", 2020, today=seed_day)
    update_report(
        office,
        app.pk,
        {
            "version": app.version,
            "report_title": app.report_title,
            "report_issuers": SEED_ISSUERS,
            "report_addressee": app.report_addressee,
            "report_body": app.report_body,
            "report_written_on": seed_day,
        },
    )
    submit_application(office, app.pk, today=seed_day)
    forward_application(
        User.objects.get(username="city"),
        app.pk,
        {
            "doc_no": "资科〔2020〕14号",
            "signer": "肖建华",
            "conclusion": "eligible",
            "date": city_day,
        },
    )
    my_office = User.objects.get(username="office-my")
    _filled_assessment(my_office, "my-gxq", 2020, Decimal(12))
    submit_application(
        my_office,
        open_application(my_office, campaign.code, "my-gxq", 2020, today=seed_day).pk,
        today=date(2020, 4, 10),
    )
    kjc_office = User.objects.get(username="office-kjc")
    create_assessment(kjc_office, "my-kjc", CAMPAIGN["framework"], None, 2020)
    open_application(kjc_office, campaign.code, "my-kjc", 2020, today=seed_day)
    stdout.write(
        "已载入申报评审演示：资阳高新区申报已由资阳市科学技术局以资科〔2020〕14号转报省科技厅，"
        f"绵阳高新区待市级评估，绵阳科技城新区为草稿（共 {Application.objects.count()} 件申报）"
    )
