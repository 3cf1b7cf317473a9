"""The fixed vocabularies of the registers (pure data): channels, reply types, grounds,
outcomes, with their Chinese names and the articles of the regulation they follow."""

from __future__ import annotations

from .states import COMPLAINT, DISCLOSURE

# Channels each kind can arrive by. The receipt date (收到日期) follows the channel (art. 31).
CHANNELS = {
    DISCLOSURE: {
        "in_person": "当面提交",
        "post": "邮寄",
        "online": "网上申请",
    },
    COMPLAINT: {
        "online": "网上（网站表单）",
        "email": "电子信箱",
        "hotline": "热线电话",
        "post": "来信",
        "box": "举报箱",
        "in_person": "来访",
    },
}
RECEIPT_DATE = {  # what received_on means for each channel (《政府信息公开条例》第三十一条)
    "in_person": "提交之日",
    "post": "签收之日",
    "online": "双方确认之日",
    "email": "收到邮件之日",
    "hotline": "来电之日",
    "box": "开箱取件之日",
}
PUBLIC_CHANNEL = "online"

APPLICANT_KINDS = {"person": "自然人", "organisation": "法人或其他组织"}
# 公示异议: an objection to a proposed list on publicity (the review chain lists them for the province).
PUBLICITY_OBJECTION = "objection"  # fits Case.category (16)
COMPLAINT_CATEGORIES = {"complaint": "投诉", "report": "举报", PUBLICITY_OBJECTION: "公示异议"}
DELIVERY = {
    "paper": "纸质文本",
    "email": "电子邮件",
    "post": "邮寄",
    "pickup": "当面领取",
    "online": "网上获取",
}

# 答复类型 (条例第三十六、三十七条)
REPLY_TYPES = {
    "disclosed_already": "已主动公开",
    "disclosed": "予以公开",
    "partial": "部分公开",
    "withheld": "不予公开",
    "not_exist": "信息不存在",
    "not_responsible": "非本机关负责公开",
    "not_processed": "不予处理",
}
REPLY_BASIS = {
    "disclosed_already": "《中华人民共和国政府信息公开条例》第三十六条第（一）项",
    "disclosed": "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
    "partial": "《中华人民共和国政府信息公开条例》第三十七条",
    "withheld": "《中华人民共和国政府信息公开条例》第三十六条第（三）项",
    "not_exist": "《中华人民共和国政府信息公开条例》第三十六条第（四）项",
    "not_responsible": "《中华人民共和国政府信息公开条例》第三十六条第（五）项",
    "not_processed": "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
}
# Grounds for withholding, as in the annual report's table (第十四、十五、十六条).
WITHHOLD_GROUNDS = {
    "state_secret": "属于国家秘密",
    "law_prohibits": "其他法律行政法规禁止公开",
    "security_stability": "危及“三安全一稳定”",
    "third_party": "保护第三方合法权益",
    "internal_affairs": "属于三类内部事务信息",
    "process_info": "属于四类过程性信息",
    "enforcement_file": "属于行政执法案卷",
    "inquiry": "属于行政查询事项",
}
NOT_PROCESSED_GROUNDS = {
    "repeat": "重复申请",
    "petition": "信访举报投诉类申请",
    "publication": "要求提供公开出版物",
    "massive": "无正当理由大量反复申请",
    "confirmation": "要求行政机关确认或重新出具已获取信息",
}

# 投诉举报处理结果
COMPLAINT_OUTCOMES = {
    "substantiated": "情况属实，已依法处理",
    "partly": "情况部分属实，已依法处理",
    "unfounded": "经调查核实，情况不属实",
    "referred": "已移送有权机关处理",
}
APPEAL_KINDS = {"reconsideration": "行政复议", "litigation": "行政诉讼"}
APPEAL_RESULTS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}
