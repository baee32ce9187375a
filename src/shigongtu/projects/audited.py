"""The project library's figures that ``audit verify`` replays against the history: a project's
amounts (总投资, 年度计划投资), monthly investment (本月完成投资, 统计口径, 到位资金) and a special
bond's requested amount (申请额度). Each is recorded on its own object by the services and ledgers
alike (``project``, ``investment``, ``bond``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Model

from shigongtu.audit.replay import Figure, History, Mismatch, compare, register
from shigongtu.projects.models import BondProject, InvestmentReport, Project


def _fields(name: str, model: type[Model], object_type: str, fields: tuple[str, ...],
            label: tuple[str, ...]) -> Callable[[History], Iterator[Mismatch]]:
    def check(history: History) -> Iterator[Mismatch]:
        rows = model._default_manager.values_list("pk", *label, *fields)
        for row in rows.iterator(chunk_size=5000):
            pk, names, values = row[0], row[1:1 + len(label)], row[1 + len(label):]
            where = (object_type, str(pk))
            text = " ".join(str(n) for n in names)
            for field, value in zip(fields, values, strict=True):
                mismatch = compare(name, f"{text} {field}", value, history.latest([(where, (field,))]))
                if mismatch is not None:
                    yield mismatch
    return check


FIGURES: tuple[tuple[str, type[Any], str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("项目投资额 project amounts", Project, "project", ("total_investment", "annual_plan"), ("plan__code", "code")),
    ("月度投资 investment", InvestmentReport, "investment", ("amount", "stats_amount", "funds_arrived"),
     ("project__plan__code", "project__code", "period")),
    ("专项债金额 bond money", BondProject, "bond", ("requested_amount",), ("project__plan__code", "project__code")),
)


def register_figures() -> None:
    """Called from ``ProjectsConfig.ready()``."""
    for name, model, object_type, fields, label in FIGURES:
        register(Figure(name, _fields(name, model, object_type, fields, label)))
