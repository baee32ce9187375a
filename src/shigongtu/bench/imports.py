"""``shigongtu bench import``: a 50,000-row projects ledger and a 200,000-row investment ledger.

Figures: the time to merely read each file with the same reader (the physical floor), the
check + dry run, the apply, a re-import that changes nothing, and exporting the projects
back, with rows/s. Each measured step runs in a fresh process (:mod:`.child`), so its peak
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
from typing import Any

from django.db import connections, transaction

from shigongtu.bench.office_sheet import county_projects_file
from shigongtu.ledgers.io import read_ledger, write_ledger
from shigongtu.ledgers.kinds.projects import INVESTMENT_SPEC, PROJECTS_SPEC
from shigongtu.lib.codes import credit_code_check_char
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Plan
from shigongtu.projects.models import InvestmentReport, Project

STAGES = ("谋划", "前期", "具备开工条件", "在建", "在建", "在建", "竣工", "投产")
NATURES = ("新建", "续建", "扩建", "改建")
INDUSTRIES = ("数字经济", "智能制造", "生命健康", "影视文旅", "汽车零部件", "现代物流", "城市更新")


def add_arguments(parser: Any) -> None:
    parser.add_argument("--keep", action="store_true")


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


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    n_projects = max(100, round(50_000 * scale))
    n_invest_projects = max(10, round(200_000 * scale / 12))
    rng = random.Random(11)  # (the changed file replays the same seed)
    code = "BIMP-" + uuid.uuid4().hex[:6].upper()
    with transaction.atomic():
        zone = services.ensure_unit(f"{code} 测试区", None, OrgUnit.Kind.DISTRICT)
        for i in range(20):
            services.ensure_unit(f"部门{i:02d}", zone)
        plan = Plan.objects.create(code=code, name=f"{code} 导入基准", unit=zone, year=2023)
        county = Plan.objects.create(code=f"{code}-C", name=f"{code} 县区调度表基准", unit=zone, year=2023)
    connections.close_all()  # the measured imports run in processes of their own
    figures: dict[str, Any] = {"projects_rows": n_projects}
    peaks: list[float] = []
    scratch = tempfile.mkdtemp(prefix="shigongtu-bench-import-")
    try:
        ppath, _ = _stage(scratch, "projects", projects_file(n_projects, rng), PROJECTS_SPEC, figures)
        dry = _measure("import", "projects", plan, ppath, dry_run=True)
        assert dry["created"] == n_projects, dry
        applied = _measure("import", "projects", plan, ppath)
        assert applied["created"] == n_projects, applied
        again = _measure("import", "projects", plan, ppath)
        assert again["unchanged"] == n_projects, again
        changed_path, _ = _stage(scratch, "projects-changed", projects_file(n_projects, random.Random(11), factor=1.05))
        changed = _measure("import", "projects", plan, changed_path)
        assert changed["updated"] == n_projects, changed
        exported = _measure("export", "projects", plan)
        _record_steps(figures, peaks, "projects", {"dry_run": dry, "apply": applied, "reimport_unchanged": again,
                                                "reimport_every_row_changed": changed, "export": exported})
        figures["projects_dry_run_rows_per_s"] = round(n_projects / dry["seconds"])
        figures["projects_apply_rows_per_s"] = round(n_projects / applied["seconds"])
        _county_variant(scratch, county, n_projects, figures, peaks, {"dry_run": dry, "apply": applied,
                                                                      "reimport_unchanged": again})

        codes = [f"B{i:06d}" for i in range(n_invest_projects)]
        figures["investment_rows"] = len(codes) * 12
        ipath, count = _stage(scratch, "investment", investment_file(codes, 12, rng), INVESTMENT_SPEC, figures)
        idry = _measure("import", "investment", plan, ipath, dry_run=True)
        inv = _measure("import", "investment", plan, ipath)
        assert inv["created"] == count, inv
        _record_steps(figures, peaks, "investment", {"dry_run": idry, "apply": inv})
        figures["investment_rows_per_s"] = round(count / inv["seconds"])
        figures["process_baseline_rss_mb"] = inv["rss_before_mb"]
        figures["peak_rss_mb"] = max(peaks)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not options.get("keep"):
            with transaction.atomic():
                InvestmentReport.objects.filter(plan=plan).delete()
                Project.objects.filter(plan=plan).delete()
                plan.delete()
                Project.objects.filter(plan=county).delete()
                county.delete()
    return figures


def _county_variant(scratch: str, plan: Plan, n: int, figures: dict[str, Any], peaks: list[float],
                    coded: dict[str, dict[str, Any]]) -> None:
    """The same projects as a county 调度表 (three-row header, month in the title, no 项目编号:
    matched by name) into a plan of their own, beside the coded file's figures (``*_vs_coded``:
    the county sheet's time over the coded one's; the target is at most 1.2)."""
    path, _ = _stage(scratch, "county", county_projects_file(project_rows(n, random.Random(11))), PROJECTS_SPEC,
                     figures)
    dry = _measure("import", "projects", plan, path, dry_run=True)
    assert dry["created"] == n, dry
    applied = _measure("import", "projects", plan, path)
    assert applied["created"] == n, applied
    again = _measure("import", "projects", plan, path)
    assert again["unchanged"] == n, again
    steps = {"dry_run": dry, "apply": applied, "reimport_unchanged": again}
    _record_steps(figures, peaks, "county", steps)
    for step, m in steps.items():
        figures[f"county_{step}_vs_coded"] = round(m["seconds"] / coded[step]["seconds"], 3)

