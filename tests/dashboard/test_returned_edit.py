""""修改" on a returned report opens the month it belongs to, with the return reason above the form."""

from __future__ import annotations

from typing import Any

from shigongtu.projects.models import InvestmentReport
from shigongtu.projects.services.investment import review_investment


def test_a_returned_june_investment_report_opens_june_with_its_reason(dash: Any) -> None:
    june = InvestmentReport.objects.get(project__code="P-1", period="2023-06")
    review_investment(june, False, user=dash.coordinator, reason="请核对6月发票金额")
    my = dash.client("reporter").get("/my/").content.decode()
    link = "/plans/JY-T/projects/P-1/report/?period=2023-06"
    assert link in my
    page = dash.client("reporter").get(link).content.decode()
    assert "请核对6月发票金额" in page
    assert 'value="2023-06" selected' in page


def test_a_returned_node_report_opens_its_own_month_with_the_reason(dash: Any) -> None:
    from shigongtu.plans import services
    from tests.dashboard.conftest import file

    report = file(dash, "1.1", "2023-06", 70)
    services.review_report(report, False, user=dash.coordinator, reason="请补充佐证材料")
    page = dash.client("reporter").get(f"/plans/JY-T/nodes/1.1/?edit={report.pk}").content.decode()
    assert "请补充佐证材料" in page and 'value="2023-06"' in page
