"""Forms of the pages. They only read the request; the services validate and write.

Each form maps the services' :class:`~shigongtu.lib.errors.InputRejected` problems back onto
its fields (``add_problems``), so a refused figure shows next to the box it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shigongtu.lib.errors import FieldError
from shigongtu.lib.periods import Period
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Node, Plan, Report
from shigongtu.web.rows import KIND_LABELS, LIGHT_LABELS


def period_label(period: Period) -> str:
    return period.label_en if (get_language() or "").startswith("en") else period.label_zh


def report_periods(plan: Plan, today: dt.date) -> list[Period]:
    """The months a report may be filed for: the plan year's, up to the current month, newest first."""
    if today.year < plan.year:
        last = 0
    elif today.year == plan.year:
        last = today.month
    else:
        last = 12
    return [Period(plan.year, m) for m in range(last, 0, -1)]


class ProblemsMixin:
    """Put a service's problems on the matching fields; the rest above the form."""

    problem_fields: dict[str, str] = {}

    def add_problems(self, problems: Iterable[FieldError]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        for problem in problems:
            name = self.field_for(problem.field)
            form.add_error(name if name in form.fields else None, problem.message_in(get_language()))

    def field_for(self, problem_field: str | None) -> str | None:
        if problem_field is None:
            return None
        return self.problem_fields.get(problem_field, problem_field)


def indicator_field_name(indicator: Indicator) -> str:
    return f"ind_{indicator.pk}"


class ReportForm(ProblemsMixin, forms.Form):
    """The monthly report (月报): period, progress, narrative, problems, next steps, indicator values."""

    report = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=_("填报月份"))
    progress = forms.CharField(
        label=_("累计进度（%）"), max_length=20,
        help_text=_("截至本月末任务完成的百分比，0–100。"),
        widget=forms.NumberInput(attrs={"min": "0", "max": "100", "step": "any", "inputmode": "decimal",
                                        "class": "input-progress"}),
    )
    narrative = forms.CharField(label=_("本月进展"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("下步计划"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, periods: list[Period], indicators: list[Indicator],
                 editing: Report | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        # Indicators fed by other sources (the project library) are computed, not typed in.
        self.indicators = [i for i in indicators if i.source == Indicator.Source.REPORTS]
        choices = [(p.key, period_label(p)) for p in periods]
        if editing is not None and editing.period not in {p.key for p in periods}:
            choices.insert(0, (editing.period, period_label(Period.parse(editing.period))))
        period_field = self.fields["period"]
        assert isinstance(period_field, forms.ChoiceField)
        period_field.choices = choices
        if editing is not None:
            # A report keeps its month; the form shows it but does not offer to move it.
            self.fields["period"].widget = forms.HiddenInput()
        self.problem_fields = {"progress": "progress", "period": "period", "narrative": "narrative",
                               "problems": "problems", "next_steps": "next_steps"}
        for ind in self.indicators:
            name = indicator_field_name(ind)
            kind_help = _("流量指标：填本月发生额") if ind.kind == Indicator.Kind.FLOW else _("存量指标：填本月末数")
            unit = f"（{ind.unit}）" if ind.unit else ""
            self.fields[name] = forms.CharField(
                label=f"{ind.name}{unit}", required=False, max_length=40, help_text=kind_help,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.problem_fields[f"values.{ind.name}"] = name

    @property
    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[indicator_field_name(ind)] for ind in self.indicators]

    @property
    def period_display(self) -> str:
        if self.editing is None:
            return ""
        return period_label(Period.parse(self.editing.period))

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "progress": data["progress"],
            "narrative": data.get("narrative", ""),
            "problems": data.get("problems", ""),
            "next_steps": data.get("next_steps", ""),
            "values": {ind.name: data.get(indicator_field_name(ind), "") for ind in self.indicators},
        }

    @classmethod
    def initial_for(cls, report: Report) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "report": report.pk, "version": report.version, "period": report.period,
            "progress": f"{report.progress.normalize():f}", "narrative": report.narrative,
            "problems": report.problems, "next_steps": report.next_steps,
        }
        for value in report.values.all():
            initial[f"ind_{value.indicator_id}"] = f"{value.value.normalize():f}"
        return initial


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, root_depth: int = 0, **kwargs: Any) -> None:
        self.root_depth = root_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: OrgUnit) -> str:
        # Indented by depth below the plan's unit so the select reads as the org tree.
        return "　" * max(0, obj.depth - self.root_depth) + obj.name


# ISO dates whatever the language: <input type="date"> reads nothing else.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NodeForm(ProblemsMixin, forms.Form):
    """A coordinator's edit of a node's facts (with its version, so a stale edit is caught)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("任务名称"), max_length=300)
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=OrgUnit.objects.none(), required=False,
                                       empty_label=_("（未指定）"))
    leader = forms.CharField(label=_("包保领导"), max_length=100, required=False)
    start = forms.DateField(label=_("开始时间"), required=False, widget=DATE_INPUT,
                            help_text=_("留空则沿用上级的开始时间。"))
    due = forms.DateField(label=_("完成时限"), required=False, widget=DATE_INPUT,
                          help_text=_("留空则沿用上级的完成时限。"))
    weight = forms.DecimalField(label=_("权重"), min_value=0, max_digits=10, decimal_places=4,
                                help_text=_("在同级任务中的占比，默认 1。"))
    cancelled = forms.BooleanField(label=_("已取消（不再计入上级进度）"), required=False)
    progress_source = forms.ChoiceField(
        label=_("进度来源"), choices=Node.ProgressSource.choices, initial=Node.ProgressSource.REPORTS, required=False,
        help_text=_("填报：按月报进度；指标：按该任务第一个指标的完成率和计划进度；项目：按服务项目的本年完成投资占年度计划投资的比例。"),
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    problem_fields = {"lead_unit_id": "lead_unit"}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(path__startswith=plan.unit.path).only("id", "name", "depth", "path")
        self.fields["lead_unit"] = UnitChoiceField(
            label=_("牵头单位"), queryset=units.order_by("path"), required=False, empty_label=_("（未指定）"),
            root_depth=plan.unit.depth,
        )

    @classmethod
    def initial_for(cls, node: Node) -> dict[str, Any]:
        return {
            "version": node.version, "title": node.title, "lead_unit": node.lead_unit_id, "leader": node.leader,
            "start": node.start, "due": node.due, "weight": node.weight.normalize(), "cancelled": node.cancelled,
            "notes": node.notes, "progress_source": node.progress_source,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {key: data[key] for key in ("title", "lead_unit", "leader", "start", "due", "weight",
                                          "cancelled", "notes")}
        if data.get("progress_source"):  # a form without the field leaves the source as it is
            out["progress_source"] = data["progress_source"]
        return out


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def light_choices() -> list[tuple[str, Any]]:
    return [("", _("全部状态")), *LIGHT_LABELS.items()]


def kind_choices() -> list[tuple[str, Any]]:
    return [("", _("全部类型")), *KIND_LABELS.items()]
