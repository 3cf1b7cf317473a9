"""Schemas of the public intake and tracking (no sign-in), and the party fields they share
with the office's registration of a case."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .common import Flag, In, Out, Text, TextOrNull, field


class PartyIn(In):
    """申请人或投诉人。"""

    applicant_kind: Text = field("申请人类型：person 自然人（默认），organisation 法人或其他组织")
    name: Text = field("姓名或名称（自然人不超过 50 字，组织不超过 100 字）")
    id_number: Text = field("身份证件号码或统一社会信用代码（可不填）")
    phone: Text = field("联系电话（手机 11 位，固定电话带区号）；与电子邮箱至少填一项")
    email: Text = field("电子邮箱")
    address: Text = field("联系地址（不超过 200 字）；选择邮寄的须填写")


class DisclosureFieldsIn(PartyIn):
    zone: Text = field("受理园区代码（见 GET /public/zones）")
    subject: Text = field("所需信息名称（不超过 200 字）")
    content: Text = field("信息内容描述（不超过 4000 字）")
    delivery: Text = field(
        "获取信息方式：paper 纸质文本，email 电子邮件，post 邮寄，pickup 当面领取，online 网上获取"
    )


class ComplaintFieldsIn(PartyIn):
    zone: Text = field("受理园区代码（见 GET /public/zones）")
    anonymous: Flag = field("是否匿名；匿名时不填个人信息，也不保存")
    category: Text = field("类别：complaint 投诉（默认），report 举报")
    subject: Text = field("反映事项（不超过 200 字）")
    content: Text = field("具体内容（不超过 4000 字）")
    respondent: Text = field("被投诉（举报）对象（不超过 200 字）")


class ChallengeIn(In):
    challenge_token: TextOrNull = field("验证题令牌（GET /public/challenge 所得 token）")
    challenge_answer: TextOrNull = field("验证题答案（图中算式的结果）")


class TrackIn(In):
    tracking_no: Text = field("受理编号")
    code: Text = field("查询码（回执上的 8 位）")
    required = ("tracking_no", "code")


class DisclosureIn(DisclosureFieldsIn, ChallengeIn):
    required = ("zone", "name", "subject", "content")


class ComplaintIn(ComplaintFieldsIn, ChallengeIn):
    required = ("zone", "subject", "content")


class ZoneOut(Out):
    code: str = Field(description="园区代码")
    name: str = Field(description="园区名称")
    disclosure: bool = Field(description="是否受理依申请公开")
    complaint: bool = Field(description="是否受理投诉举报")


class ChallengeOut(Out):
    token: str = Field(description="验证题令牌，提交时作为 challenge_token 带回；只能用一次")
    question: str = Field(description="题目说明")
    svg: str = Field(description="算式图片（SVG）")
    audio_url: str = Field(description="同一算式的语音（WAV）地址；服务器未装语音引擎时为空字符串")
    expires_in: int = Field(description="有效期（秒）")
    required: bool = Field(description="提交时是否必须答题")


class ReceiptOut(Out):
    tracking_no: str = Field(description="受理编号")
    query_code: str = Field(description="查询码：只显示这一次，凭受理编号和查询码查询办理进度")
    received_on: date = Field(description="收到日期")
    due_on: date | None = Field(description="答复期限；尚无时为当前环节的期限")
    reply_due: date | None = Field(description="答复期限（与查询结果的 due_on 同名同义）")
    next_due: date | None = Field(description="当前环节期限")
    due_note: str = Field(
        description="答复期限的暂定说明：期限计入尚未公布节假日安排的年度时，按仅周末休息推算的最早日期并注明原因；精确时为空字符串"
    )
    kind: str = Field(description="类别：disclosure 依申请公开，complaint 投诉举报")
    notice: str = Field(description="给提交人的提示")


class StepOut(Out):
    on: date = Field(description="日期")
    label: str = Field(description="办理事项")
    detail: str = Field(description="说明（如补正要求、延期天数）")


class PublicReplyOut(Out):
    replied_on: date | None = Field(description="答复日期")
    type: str = Field(description="答复类型或处理结果代码；不予受理为 rejected")
    type_label: str = Field(description="答复类型或处理结果")
    text: str = Field(description="答复内容（仅在办理单位同意公开时提供，否则为空）")
    published: bool = Field(description="答复内容是否公开")


class TrackEnforcementOut(Out):
    state_label: str = Field(
        description="转立案后执法案件的办理状态（如“已立案”“已决定”“不予立案”）"
    )
    decided_on: date | None = Field(description="作出处理决定的日期；尚未决定为 null")


class TrackOut(Out):
    tracking_no: str = Field(description="受理编号")
    kind: str = Field(description="类别：disclosure、complaint")
    kind_label: str = Field(description="类别名称")
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态")
    received_on: date = Field(description="收到日期")
    due_on: date | None = Field(description="答复期限")
    next_due: date | None = Field(description="最近一个未届满的期限")
    due_note: str = Field(
        description="期限的暂定说明：期限计入尚未公布节假日安排的年度时，按仅周末休息推算的最早日期并注明原因；精确时为空字符串"
    )
    subject: str = Field(description="所需信息名称或反映事项")
    steps: list[StepOut] = Field(description="办理过程")
    reply: PublicReplyOut | None = Field(description="答复；尚未答复为 null")
    enforcement: list[TrackEnforcementOut] = Field(
        description="举报转立案查处的情况（行政执法案件），未转立案为空列表"
    )
