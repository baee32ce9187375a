"""The kinds of reminder, the channels and the delivery states, with their Chinese and English words."""

from __future__ import annotations

REPORT_DUE = "report_due"
REPORT_OVERDUE = "report_overdue"
REPORT_RETURNED = "report_returned"
NODE_RED = "node_red"
PROJECT_RED = "project_red"
SUPERVISION_DUE = "supervision_due"
SUPERVISION_OVERDUE = "supervision_overdue"
APPROVAL_EXPIRING = "approval_expiring"
BOND_IDLE = "bond_idle"
LEAD_SLA = "lead_sla"

LABELS = {
    REPORT_DUE: "月报即将到期",
    REPORT_OVERDUE: "月报逾期未报",
    REPORT_RETURNED: "月报被退回",
    NODE_RED: "任务亮红灯",
    PROJECT_RED: "项目亮红灯",
    SUPERVISION_DUE: "督办事项临期",
    SUPERVISION_OVERDUE: "督办事项逾期",
    APPROVAL_EXPIRING: "前期手续即将到期",
    BOND_IDLE: "专项债资金闲置",
    LEAD_SLA: "招商线索办理超时",
}
LABELS_EN = {
    REPORT_DUE: "Report due soon",
    REPORT_OVERDUE: "Report overdue",
    REPORT_RETURNED: "Report returned",
    NODE_RED: "Task turned red",
    PROJECT_RED: "Project turned red",
    SUPERVISION_DUE: "Supervision item near its deadline",
    SUPERVISION_OVERDUE: "Supervision item overdue",
    APPROVAL_EXPIRING: "Approval expiring",
    BOND_IDLE: "Special-bond money idle",
    LEAD_SLA: "Lead timer run out",
}
KINDS = tuple(LABELS)
# What ``days`` means for a kind (others take their thresholds from the record type's own settings,
# so a reminder never judges a light or a deadline differently from the page that shows it).
USES_DAYS = {REPORT_DUE: "到期前天数", LEAD_SLA: "超时前天数"}
USES_ESCALATION = (SUPERVISION_OVERDUE,)

INBOX, EMAIL, WECOM, DINGTALK, SMS = "inbox", "email", "wecom", "dingtalk", "sms"
CHANNELS = (INBOX, EMAIL, WECOM, DINGTALK, SMS)
CHANNEL_LABELS = {INBOX: "站内信", EMAIL: "电子邮件", WECOM: "企业微信群", DINGTALK: "钉钉群", SMS: "短信"}
CHANNEL_LABELS_EN = {INBOX: "Inbox", EMAIL: "E-mail", WECOM: "WeCom group", DINGTALK: "DingTalk group", SMS: "SMS"}
GROUP_CHANNELS = frozenset({WECOM, DINGTALK})  # one group robot per unit: says a topic once

PENDING, SENT, RETRY, FAILED, CAPPED, SKIPPED = "pending", "sent", "retry", "failed", "capped", "skipped"
STATUS_LABELS = {PENDING: "待发送", SENT: "已发送", RETRY: "待重试", FAILED: "发送失败", CAPPED: "超出每日上限",
                 SKIPPED: "无发送地址"}
STATUS_LABELS_EN = {PENDING: "Pending", SENT: "Sent", RETRY: "To retry", FAILED: "Failed",
                    CAPPED: "Over the daily cap", SKIPPED: "No address"}
ROLES = ("admin", "coordinator", "reporter", "viewer")
