"""A returned investment report (月度投资 退回) reaches the clerk who filed it, in the inbox and the
企业微信 group, once per return, with the reason in the text — by ``shigongtu notify --json``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management import call_command

from shigongtu.notifications import runs, services
from shigongtu.notifications.models import Delivery, Notice
from shigongtu.projects.services.investment import review_investment, submit_investment
from tests.notifications.sink import Sink
from tests.projects.conftest import make_project

JULY_10 = dt.date(2023, 7, 10)


def returned_investment(cast: Any, code: str = "P-001", reason: str = "请补充付款凭证") -> Any:
    project = make_project(cast, code)
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, cast.reporter, today=JULY_10)
    return review_investment(report, False, cast.coordinator, reason=reason)


def notify_json(capsys: Any, cast: Any) -> dict[str, Any]:
    capsys.readouterr()
    call_command("notify", "--plan", cast.plan.code, "--as-of", JULY_10.isoformat(), "--json")
    return dict(json.loads(capsys.readouterr().out))


def test_a_returned_investment_report_reaches_the_clerks_inbox_and_wecom_group_once(
        cast: Any, robots: Sink, capsys: Any) -> None:
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter"], "channels": ["wecom"]},
                       cast.coordinator)
    returned_investment(cast)
    first = notify_json(capsys, cast)
    notice = Notice.objects.get(recipient=cast.reporter)
    assert notice.object_type == "investment" and "P-001" in notice.title and "请补充付款凭证" in notice.title
    assert "returned: 请补充付款凭证" in notice.title_en and notice.link.endswith("/P-001/")
    assert first["runs"][0]["notices"] == 1 and first["deliveries"] == {"sent": 1}
    [message] = robots.received
    assert message.path == "/wecom" and "请补充付款凭证" in message.body["markdown"]["content"]
    assert set(Delivery.objects.values_list("channel", "status")) == {("inbox", "sent"), ("wecom", "sent")}
    second = notify_json(capsys, cast)
    assert second["runs"][0]["notices"] == 0 and second["deliveries"] == {} and len(robots.received) == 1


def test_the_filer_hears_of_the_return_even_when_no_role_of_the_rule_covers_the_project(cast: Any) -> None:
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["viewer"], "channels": []},
                       cast.coordinator)
    returned_investment(cast)
    runs.run(cast.plan, JULY_10)
    assert cast.reporter.pk in set(Notice.objects.values_list("recipient_id", flat=True))


def test_an_investment_report_filed_again_and_returned_again_is_a_new_notice(cast: Any) -> None:
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter"], "channels": []},
                       cast.coordinator)
    report = returned_investment(cast)
    runs.run(cast.plan, JULY_10)
    report = submit_investment(report.project, {"period": "2023-06", "amount": "900"}, cast.reporter, today=JULY_10)
    assert runs.run(cast.plan, JULY_10)["notices"] == 0  # filed again: nothing to say
    review_investment(report, False, cast.coordinator, reason="金额与凭证不符")
    assert runs.run(cast.plan, JULY_10)["notices"] == 1
    assert Notice.objects.filter(title__contains="金额与凭证不符").count() == 1
