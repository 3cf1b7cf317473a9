"""Schemas of the staff register: cases, their events and deadlines, the figures."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field, model_serializer

from .common import Day, DayOrNull, Flag, In, Int, IntOrNull, Out, Text, field
from .public import ComplaintFieldsIn, DisclosureFieldsIn

# ---------------------------------------------------------------- requests


class RegisterCaseIn(DisclosureFieldsIn, ComplaintFieldsIn):
    required = ("kind", "channel", "received_on", "subject", "content")
    kind: Text = field("类别：disclosure 依申请公开，complaint 投诉举报")
    zone: Text = field("园区代码；不填则为本人所在园区")
    channel: Text = field(
        "收到渠道：依申请公开 in_person、post、online；投诉举报 online、email、hotline、post、box、in_person"
    )
    received_on: Day = field("收到日期 YYYY-MM-DD（邮寄为签收之日，当面为提交之日），不晚于今天")
    note: Text = field("说明")


class EventIn(In):
    required = ("kind",)
    kind: Text = field("办理事项代码（见 GET /registers/states 的 events；案件的 allowed_events）")
    on: DayOrNull = field("办理日期 YYYY-MM-DD（默认今天），不早于上一次办理记录")
    note: Text = field("说明")
    version: IntOrNull = field("案件当前版本号（乐观锁，可不填）")
    text: Text = field("需要补正的内容（告知补正）；答复内容（答复、复查答复）")
    correction_due: Day = field("补正期限 YYYY-MM-DD（告知补正）")
    department: Text = field("承办部门代码（交办、转办）")
    reason: Text = field("理由（转办、延期、不予受理、申请复查）")
    third_party: Text = field("征求意见的第三方（征求第三方意见）")
    days: Int = field("延长天数（延期），不超过规则允许的天数")
    notified_on: Day = field("告知申请人日期 YYYY-MM-DD（延期，默认办理日期）")
    reply_type: Text = field("答复类型（依申请公开的答复）")
    ground: Text = field("不予公开或不予处理的理由代码（答复）")
    agency: Text = field("负责公开的机关（非本机关负责公开时）")
    published_at: Text = field("信息公开位置（已主动公开时必填：网站栏目、网址或查阅地点）")
    publish: Flag = field("答复内容是否公开给查询人")
    outcome: Text = field(
        "处理结果（投诉举报的答复、复查答复）：substantiated、partly、unfounded、referred"
    )
    appeal: Text = field("类别（行政复议或诉讼）：reconsideration、litigation")
    result: Text = field("结果（行政复议或诉讼）：upheld、corrected、other、pending（默认）")


# ---------------------------------------------------------------- answers


class KindLabel(Out):
    kind: str = Field(description="办理事项代码")
    label: str = Field(description="办理事项")


class TransitionOut(Out):
    kind: str = Field(description="案件类别")
    event: str = Field(description="办理事项代码")
    from_: list[str] = Field(alias="from", description="可办理该事项的状态")
    to: str | None = Field(description="办理后的状态；null 为状态不变")
    office_only: bool = Field(description="是否只能由创建办办理")


class StatesOut(Out):
    states: dict[str, str] = Field(description="状态代码与名称")
    events: dict[str, str] = Field(description="办理事项代码与名称")
    transitions: list[TransitionOut] = Field(description="状态转换表")


class CaseRow(Out):
    id: int = Field(description="案件编号（系统内部）")
    tracking_no: str = Field(description="受理编号")
    kind: str = Field(description="类别：disclosure、complaint")
    kind_label: str = Field(description="类别名称")
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态")
    channel: str = Field(description="收到渠道代码")
    channel_label: str = Field(description="收到渠道")
    zone: str = Field(description="园区代码")
    department: str | None = Field(description="承办部门代码")
    department_name: str = Field(description="承办部门名称")
    subject: str = Field(description="所需信息名称或反映事项")
    received_on: date = Field(description="收到日期")
    reply_due: date | None = Field(description="答复期限")
    next_due: date | None = Field(description="最近一个未届满的期限")
    overdue: bool = Field(description="是否已超期（按查询日期）")
    reply_type: str = Field(description="答复类型或处理结果代码")
    replied_on: date | None = Field(description="答复日期")
    deadline_error: str = Field(description="期限无法计算的原因（如缺少节假日安排）")
    deadline_note: str = Field(
        description="期限的暂定说明：期限计入尚未公布节假日安排的年度时，按仅周末休息推算的最早日期并注明原因；精确时为空字符串"
    )


class CasePage(Out):
    count: int = Field(description="符合条件的案件总数")
    page: int = Field(description="页码")
    pages: int = Field(description="总页数")
    per_page: int = Field(description="每页条数")
    results: list[CaseRow] = Field(description="本页案件")


class PersonOut(Out):
    name: str = Field(description="姓名或名称")
    id_number: str = Field(description="证件号码")
    phone: str = Field(description="联系电话")
    address: str = Field(description="联系地址")
    email: str = Field(description="电子邮箱")
    masked: bool = Field(description="是否脱敏显示（非承办人员只见脱敏信息）")
    kind: str = Field(description="申请人类型：person、organisation")


class RulesRef(Out):
    kind: str = Field(description="期限规则类别")
    version: int = Field(description="期限规则版本")


class CaseReplyOut(Out):
    type: str = Field(description="答复类型或处理结果代码")
    type_label: str = Field(description="答复类型或处理结果")
    ground: str = Field(description="理由代码")
    ground_label: str = Field(description="理由")
    agency: str = Field(description="负责公开的机关")
    published_at: str = Field(description="信息公开位置（已主动公开）")
    text: str = Field(description="答复内容")
    replied_on: date | None = Field(description="答复日期")
    published: bool = Field(description="答复内容是否公开给查询人")
    letter: bool = Field(description="是否已生成答复书（GET …/letter.docx）")
    letter_no: str = Field(description="告知书文号")


class EventData(Out):
    """办理事项的详情：只含该事项所记录的项。"""

    # Stored as JSON with the event: a key not declared here is left out, not an error.
    model_config = ConfigDict(extra="ignore")

    channel: str | None = Field(None, description="收到渠道（收到）")
    receipt_date: str | None = Field(None, description="收到日期的认定方式（收到）")
    text: str | None = Field(None, description="补正内容或答复内容")
    correction_due: date | None = Field(None, description="补正期限")
    department: str | None = Field(None, description="承办部门代码（交办、转办）")
    from_: str | None = Field(None, alias="from", description="原承办部门代码（转办）")
    reason: str | None = Field(None, description="理由")
    third_party: str | None = Field(None, description="征求意见的第三方")
    approver: str | None = Field(None, description="批准延期的用户名")
    approver_name: str | None = Field(None, description="批准延期的人")
    notified_on: date | None = Field(None, description="告知申请人日期（延期）")
    reply_type: str | None = Field(None, description="答复类型")
    ground: str | None = Field(None, description="理由代码")
    agency: str | None = Field(None, description="负责公开的机关")
    published_at: str | None = Field(None, description="信息公开位置（已主动公开）")
    publish: bool | None = Field(None, description="答复内容是否公开")
    outcome: str | None = Field(None, description="处理结果")
    appeal: str | None = Field(None, description="行政复议或诉讼")
    result: str | None = Field(None, description="复议或诉讼结果")

    @model_serializer(mode="wrap")
    def _recorded_only(self, handler):
        fields = type(self).model_fields
        recorded = {fields[n].alias or n for n in self.model_fields_set}
        return {k: v for k, v in handler(self).items() if k in recorded}


class EventOut(Out):
    id: int = Field(description="办理记录编号")
    kind: str = Field(description="办理事项代码")
    label: str = Field(description="办理事项")
    on: date = Field(description="办理日期")
    days: int = Field(description="延长天数（延期）")
    period: str = Field(description="所延长的期限代码（延期）")
    note: str = Field(description="说明")
    data: EventData = Field(description="该事项的详情，只含所记录的项")
    actor: str = Field(description="办理人")


class PeriodOut(Out):
    code: str = Field(description="期限代码")
    name: str = Field(description="期限名称")
    started_on: date | None = Field(description="起算日期")
    due_on: date | None = Field(description="届满日期；未起算或中止时为 null")
    paused: bool = Field(description="是否中止计算")
    met_on: date | None = Field(description="完成日期")
    extended_by: int = Field(description="已延长天数")
    overdue_days: int = Field(description="已超期天数")
    due_note: str = Field(
        description="届满日期的暂定说明：期限计入尚未公布节假日安排的年度时，按仅周末休息推算的最早日期并注明原因；精确时为空字符串"
    )
    overdue_note: str = Field(
        description="超期天数的暂定说明（超期天数计入未公布年度时）；精确时为空字符串"
    )
    pause_capped_on: date | None = Field(
        description="征求第三方意见的中止至此日结束（第三方答复期限届满，《政府信息公开条例》第三十二条）；未封顶时为 null"
    )


class DeadlinesOut(Out):
    next_due: date | None = Field(description="最近一个未届满的期限")
    next_due_note: str = Field(
        description="最近期限的暂定说明：期限计入尚未公布节假日安排的年度时，按仅周末休息推算的最早日期并注明原因；精确时为空字符串"
    )
    overdue: bool = Field(description="是否超期")
    periods: list[PeriodOut] = Field(description="各项期限")


class AttachmentOut(Out):
    id: int = Field(description="附件编号")
    name: str = Field(description="文件名")
    uploaded_at: datetime = Field(description="上传时间")


class CaseOut(CaseRow):
    version: int = Field(description="案件版本号")
    content: str = Field(description="信息内容描述或具体内容")
    category: str = Field(description="投诉举报类别：complaint、report")
    respondent: str = Field(description="被投诉（举报）对象")
    delivery: str = Field(description="获取信息方式")
    anonymous: bool = Field(description="是否匿名")
    person: PersonOut | None = Field(description="申请人或投诉人；匿名时为 null")
    contact_visible: bool = Field(description="本人是否可见完整联系方式")
    rules: RulesRef = Field(description="所适用的期限规则")
    reply: CaseReplyOut | None = Field(description="答复；尚未答复为 null")
    closed_on: date | None = Field(description="办结日期")
    events: list[EventOut] = Field(description="办理记录")
    deadlines: DeadlinesOut | None = Field(description="期限；无法计算时为 null")
    allowed_events: list[KindLabel] = Field(description="本人现在可办理的事项")
    attachments: list[AttachmentOut] = Field(description="附件（仅承办人员可见）")


class RegisteredOut(CaseOut):
    query_code: str = Field(description="查询码：只显示这一次，请转告申请人或投诉人")


class EventAnswer(Out):
    event: EventOut = Field(description="新记录的办理事项")
    case: CaseOut = Field(description="办理后的案件")


class KindFigures(Out):
    received: int = Field(description="收到件数")
    by_channel: dict[str, int] = Field(description="按收到渠道的件数")
    replied: int = Field(description="已答复件数")
    replied_on_time: int = Field(description="按期答复件数")
    replied_late: int = Field(description="逾期答复件数")
    on_time_rate: float | None = Field(description="按期答复率（0–1）；无答复时为 null")
    overdue: int = Field(description="超期件数（逾期答复与未答复已超期）")
    open_overdue: int = Field(description="未答复已超期件数")
    open: int = Field(description="办理中件数")
    average_days_to_reply: float | None = Field(description="平均答复用时（自然日）")
    average_workdays_to_reply: float | None = Field(description="平均答复用时（工作日）")
    deadline_unknown: int = Field(description="期限无法计算的件数")


class DisclosureFigures(KindFigures):
    abandoned: int = Field(description="视为放弃申请的件数")


class ComplaintFigures(KindFigures):
    rejected: int = Field(description="不予受理件数")


class FiguresOut(Out):
    zone: str = Field(description="园区代码")
    zone_name: str = Field(description="园区名称")
    year: int = Field(description="年度")
    as_of: date = Field(description="统计截止日期")
    disclosure: DisclosureFigures = Field(description="依申请公开")
    complaint: ComplaintFigures = Field(description="投诉举报")


class FiguresEvidenceOut(Out):
    id: int = Field(description="佐证材料编号")
    name: str = Field(description="文件名")
    sm3: str = Field(description="文件内容的 SM3 摘要")
    indicator: str = Field(description="所附评分项的指标编号")
