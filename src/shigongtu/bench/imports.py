"""``shigongtu bench import``: every ledger kind at 50,000 rows (investment: 200,000), one step a kind.

Figures: the time to merely read each file with the same reader (the physical floor), the
check + dry run, the apply, a re-import that changes nothing, and exporting the projects
back, with rows/s; ``apply_rows_per_s`` sums up every kind's apply rate, and ``--kinds``
picks some. Each measured step runs in a fresh process (:mod:`.child`), so its peak
resident memory (``*_peak_rss_mb``, the interpreter and Django included) is that step's own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction

from shigongtu.bench import ledger_kinds as bench_kinds
from shigongtu.bench.office_sheet import county_projects_file
from shigongtu.ledgers.io import read_ledger, write_ledger
from shigongtu.ledgers.kinds.approvals import SPEC as APPROVALS_SPEC
from shigongtu.ledgers.kinds.bonds import SPEC as BONDS_SPEC
from shigongtu.ledgers.kinds.nodes import SPEC as NODES_SPEC
from shigongtu.ledgers.kinds.projects import INVESTMENT_SPEC, PROJECTS_SPEC
from shigongtu.ledgers.kinds.reports import SPEC as REPORTS_SPEC
from shigongtu.ledgers.kinds.statistics import SPEC as STATISTICS_SPEC
from shigongtu.lib.codes import credit_code_check_char
from shigongtu.lib.errors import InputRejected
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Plan
from shigongtu.projects.models import InvestmentReport, Project

STAGES = ("谋划", "前期", "具备开工条件", "在建", "在建", "在建", "竣工", "投产")
NATURES = ("新建", "续建", "扩建", "改建")
INDUSTRIES = ("数字经济", "智能制造", "生命健康", "影视文旅", "汽车零部件", "现代物流", "城市更新")


INVESTMENT_ROWS = 200_000  # its own target (contract §3): a year of months for 16,667 projects


def add_arguments(parser: Any) -> None:
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--kinds", help=f"comma-separated kinds to measure (default all: {', '.join(KINDS)}); "
                                        "the kinds they need are imported first")


def _credit(i: int) -> str:
    base = f"9122010{i:010d}"[:17]
    return base + credit_code_check_char(base)


def projects_file(n: int, rng: random.Random, factor: float = 1.0) -> bytes:
    """``factor`` scales every total: the same projects again with a change on every row."""
    return write_ledger(PROJECTS_SPEC, project_rows(n, rng, factor), title="合成重点项目台账")


def project_rows(n: int, rng: random.Random, factor: float = 1.0) -> list[dict[str, Any]]:
    """The synthetic projects, by the ledger's canonical headers."""
    rows = []
    for i in range(n):
        total = rng.choice((800, 3500, 6000, 12000, 50000, 150000)) * rng.uniform(0.8, 1.2) * factor
        start = dt.date(2023, rng.randint(1, 9), rng.randint(1, 28))
        rows.append({
            "项目编号": f"B{i:06d}", "项目名称": f"合成项目{i:06d}", "建设单位": f"合成建设单位{i % 5000}",
            "统一社会信用代码": _credit(i), "建设性质": rng.choice(NATURES), "项目阶段": rng.choice(STAGES),
            "所属产业": rng.choice(INDUSTRIES), "总投资": round(total, 2), "年度计划投资": round(total * 0.4, 2),
            "计划开工时间": start, "计划竣工时间": start + dt.timedelta(days=rng.randint(200, 900)),
            "是否入统": rng.choice(("是", "否")), "包保领导": f"领导{i % 40}", "责任单位": f"部门{i % 20:02d}",
            "经度": round(125.45 + rng.uniform(-0.1, 0.1), 6), "纬度": round(43.78 + rng.uniform(-0.08, 0.08), 6),
            "建设地点": "净月高新区", "建设内容及规模": "合成数据：厂房、研发楼及配套设施",
        })
    return rows


def investment_file(codes: list[str], months: int, rng: random.Random) -> bytes:
    rows = []
    for code in codes:
        for m in range(1, months + 1):
            amount = round(rng.uniform(10, 900), 2)
            rows.append({"项目编号": code, "填报月份": f"2023-{m:02d}", "本月完成投资": amount,
                         "统计口径完成投资": round(amount * 0.9, 2), "本月到位资金": round(amount * 0.8, 2),
                         "形象进度": "主体施工", "形象进度百分比": min(100, m * 8)})
    return write_ledger(INVESTMENT_SPEC, rows, title="合成月度投资台账")


def _read_floor(data: bytes, spec: Any) -> tuple[float, int]:
    t0 = time.perf_counter()
    table = read_ledger(data, "bench.xlsx", spec)
    count = sum(1 for _ in table.rows)
    return time.perf_counter() - t0, count


def _stage(scratch: str, name: str, data: bytes, spec: Any | None = None,
           figures: dict[str, Any] | None = None) -> tuple[str, int]:
    """Write a bench file where the measured processes read it; with ``figures``, also record its
    size and the floor (the time to merely read it) under ``name``. Returns the path and its rows."""
    path = os.path.join(scratch, f"{name}.xlsx")
    with open(path, "wb") as fh:
        fh.write(data)
    if figures is None or spec is None:
        return path, 0
    figures[f"{name}_file_mb"] = round(len(data) / 2**20, 2)
    floor, count = _read_floor(data, spec)
    figures[f"{name}_read_only_s"] = round(floor, 3)
    figures[f"{name}_read_rows_per_s"] = round(count / floor)
    return path, count


def _record_steps(figures: dict[str, Any], peaks: list[float], prefix: str, steps: dict[str, dict[str, Any]]) -> None:
    for name, m in steps.items():
        figures[f"{prefix}_{name}_s"] = round(m["seconds"], 3)
        figures[f"{prefix}_{name}_peak_rss_mb"] = m["peak_rss_mb"]
        peaks.append(m["peak_rss_mb"])


def _measure(op: str, kind: str, plan: Plan, path: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """One import or export in a fresh process (:mod:`shigongtu.bench.child`): its time and peak memory."""
    args = {"op": op, "kind": kind, "plan": plan.code, "file": path, "dry_run": dry_run}
    done = subprocess.run([sys.executable, "-m", "shigongtu.bench.child", json.dumps(args)],  # noqa: S603
                          capture_output=True,
                          text=True, check=False, env=os.environ.copy())
    if done.returncode != 0:
        raise RuntimeError(f"bench {op} {kind} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not figures["ok"]:
        raise RuntimeError(f"bench {op} {kind}: {figures.get('errors')}")
    return figures


@dataclass
class Bench:
    """What the kinds' steps share: the scratch folder, the plans, the sizes and the figures."""

    scratch: str
    plan: Plan
    county: Plan
    rows: int  # each kind's file (investment's: INVESTMENT_ROWS)
    figures: dict[str, Any]
    peaks: list[float] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(11))

    @property
    def project_codes(self) -> list[str]:
        return [f"B{i:06d}" for i in range(self.rows)]


def _kind_step(b: Bench, kind: str, spec: Any, rows: list[dict[str, Any]], title: str) -> None:
    """Import ``rows`` as a ``kind`` ledger (a dry run, then for real) and record its figures:
    ``{kind}_rows``, ``{kind}_dry_run_s``, ``{kind}_apply_s`` and ``{kind}_apply_rows_per_s``."""
    path, count = _stage(b.scratch, kind, write_ledger(spec, rows, title=title), spec, b.figures)
    dry = _measure("import", kind, b.plan, path, dry_run=True)
    applied = _measure("import", kind, b.plan, path)
    done = applied["created"] + applied["updated"] + applied["unchanged"]
    assert done == count == len(rows), (kind, len(rows), count, applied)
    _record_steps(b.figures, b.peaks, kind, {"dry_run": dry, "apply": applied})
    b.figures[f"{kind}_rows"] = count
    b.figures[f"{kind}_dry_run_rows_per_s"] = round(count / dry["seconds"])
    b.figures[f"{kind}_apply_rows_per_s"] = round(count / applied["seconds"])
    b.figures[f"{kind}_apply_cpu_s"] = round(applied["cpu_seconds"], 3)
    b.figures[f"{kind}_apply_rows_per_cpu_s"] = round(count / applied["cpu_seconds"])


def _projects(b: Bench) -> None:
    """The coded ledger and, step by step beside it, the same projects as a county 调度表
    (:func:`_county_variant`): each pair measured back to back, so that a loaded machine weighs
    on both alike."""
    n = b.rows
    b.figures["projects_rows"] = n
    ppath, _ = _stage(b.scratch, "projects", projects_file(n, b.rng), PROJECTS_SPEC, b.figures)
    cpath, _ = _stage(b.scratch, "county", county_projects_file(project_rows(n, random.Random(11))), PROJECTS_SPEC,
                      b.figures)
    coded: dict[str, dict[str, Any]] = {}
    county: dict[str, dict[str, Any]] = {}
    for step, dry_run, field_ in (("dry_run", True, "created"), ("apply", False, "created"),
                                  ("reimport_unchanged", False, "unchanged")):
        coded[step] = _measure("import", "projects", b.plan, ppath, dry_run=dry_run)
        county[step] = _measure("import", "projects", b.county, cpath, dry_run=dry_run)
        assert coded[step][field_] == county[step][field_] == n, (step, coded[step], county[step])
    changed_path, _ = _stage(b.scratch, "projects-changed", projects_file(n, random.Random(11), factor=1.05))
    changed = _measure("import", "projects", b.plan, changed_path)
    assert changed["updated"] == n, changed
    exported = _measure("export", "projects", b.plan)
    _record_steps(b.figures, b.peaks, "projects", {**coded, "reimport_every_row_changed": changed,
                                                "export": exported})
    b.figures["projects_dry_run_rows_per_s"] = round(n / coded["dry_run"]["seconds"])
    b.figures["projects_apply_rows_per_s"] = round(n / coded["apply"]["seconds"])
    b.figures["projects_apply_rows_per_cpu_s"] = round(n / coded["apply"]["cpu_seconds"])
    _county_variant(b.figures, b.peaks, county, coded)


def _investment(b: Bench) -> None:
    codes = b.project_codes[:max(10, round(INVESTMENT_ROWS * b.rows / 50_000 / 12))]
    b.figures["investment_rows"] = len(codes) * 12
    ipath, count = _stage(b.scratch, "investment", investment_file(codes, 12, b.rng), INVESTMENT_SPEC, b.figures)
    idry = _measure("import", "investment", b.plan, ipath, dry_run=True)
    inv = _measure("import", "investment", b.plan, ipath)
    assert inv["created"] == count, inv
    _record_steps(b.figures, b.peaks, "investment", {"dry_run": idry, "apply": inv})
    b.figures["investment_rows_per_s"] = round(count / inv["seconds"])
    b.figures["investment_apply_rows_per_s"] = b.figures["investment_rows_per_s"]
    b.figures["investment_apply_rows_per_cpu_s"] = round(count / inv["cpu_seconds"])
    b.figures["process_baseline_rss_mb"] = inv["rss_before_mb"]


def _nodes(b: Bench) -> None:
    _kind_step(b, "nodes", NODES_SPEC, bench_kinds.node_rows(b.rows, b.rng), "合成施工图任务台账")


def _reports(b: Bench) -> None:
    _kind_step(b, "reports", REPORTS_SPEC, bench_kinds.report_rows(b.rows, b.rng), "合成月度进展台账")


def _statistics(b: Bench) -> None:
    rows = bench_kinds.statistic_rows(b.rows, b.rows, b.rng)
    _kind_step(b, "statistics", STATISTICS_SPEC, rows, "合成统计数据台账")


def _approvals(b: Bench) -> None:
    rows = bench_kinds.approval_rows(b.project_codes, b.rows, b.rng)
    _kind_step(b, "approvals", APPROVALS_SPEC, rows, "合成前期手续台账")


def _bonds(b: Bench) -> None:
    _kind_step(b, "bonds", BONDS_SPEC, bench_kinds.bond_rows(b.project_codes, b.rng), "合成专项债项目台账")


# Every ledger kind the bench imports, in order: (the kinds it needs imported first, its step).
# A new kind adds its step here (its rows from a builder of its own, measured by _kind_step).
KINDS: dict[str, tuple[tuple[str, ...], Callable[[Bench], None]]] = {
    "projects": ((), _projects),
    "investment": (("projects",), _investment),
    "approvals": (("projects",), _approvals),
    "bonds": (("projects",), _bonds),
    "nodes": ((), _nodes),
    "reports": (("nodes",), _reports),
    "statistics": (("nodes",), _statistics),
}


def chosen_kinds(option: str | None) -> list[str]:
    """The kinds ``--kinds a,b`` asks for with the kinds they need, in the order of KINDS."""
    wanted = set(KINDS) if not option else {k.strip() for k in option.split(",") if k.strip()}
    unknown = wanted - set(KINDS)
    if unknown:
        raise InputRejected(f"bench import 没有这些台账类型：{'、'.join(sorted(unknown))}（可用：{', '.join(KINDS)}）",
                            field="kinds", value=option)
    for name in list(KINDS)[::-1]:
        if name in wanted:
            wanted.update(KINDS[name][0])
    return [name for name in KINDS if name in wanted]


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    kinds = chosen_kinds(options.get("kinds"))
    code = "BIMP-" + uuid.uuid4().hex[:6].upper()
    with transaction.atomic():
        zone = services.ensure_unit(f"{code} 测试区", None, OrgUnit.Kind.DISTRICT)
        for i in range(20):
            services.ensure_unit(f"部门{i:02d}", zone)
        plan = Plan.objects.create(code=code, name=f"{code} 导入基准", unit=zone, year=2023)
        county = Plan.objects.create(code=f"{code}-C", name=f"{code} 县区调度表基准", unit=zone, year=2023)
    connections.close_all()  # the measured imports run in processes of their own
    scratch = tempfile.mkdtemp(prefix="shigongtu-bench-import-")
    b = Bench(scratch, plan, county, max(100, round(50_000 * scale)), {"kinds": kinds})
    try:
        for name in kinds:
            KINDS[name][1](b)
        b.figures["apply_rows_per_s"] = {name: b.figures[f"{name}_apply_rows_per_s"] for name in kinds}
        b.figures["apply_rows_per_cpu_s"] = {name: b.figures[f"{name}_apply_rows_per_cpu_s"] for name in kinds}
        b.figures["peak_rss_mb"] = max(b.peaks)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not options.get("keep"):
            _clean(plan, county)
    return b.figures


def _clean(*plans: Plan) -> None:
    with transaction.atomic():
        for plan in plans:
            InvestmentReport.objects.filter(plan=plan).delete()
            Project.objects.filter(plan=plan).delete()
            plan.delete()


def _county_variant(figures: dict[str, Any], peaks: list[float], county: dict[str, dict[str, Any]],
                    coded: dict[str, dict[str, Any]]) -> None:
    """The county 调度表's figures (three-row header, month in the title, no 项目编号: matched by
    name; into a plan of its own) beside the coded file's: ``county_*_vs_coded`` is the county
    sheet's time over the coded one's, ``county_*_cpu_vs_coded`` the same in CPU seconds (steadier
    on a loaded machine); the target is at most 1.2."""
    _record_steps(figures, peaks, "county", county)
    for step, m in county.items():
        figures[f"county_{step}_vs_coded"] = round(m["seconds"] / coded[step]["seconds"], 3)
        figures[f"county_{step}_cpu_vs_coded"] = round(m["cpu_seconds"] / coded[step]["cpu_seconds"], 3)
