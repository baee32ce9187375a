"""``shigongtu bench web``: the command dashboard on the synthetic province.

One plan with 20,000 nodes and 240,000 reports (``bench.synthetic``) that also holds 100,000
projects with 12 monthly investment reports each (built by ``bench.projects`` and moved onto
it), on the database of DATABASE_URL. Figures:

- ``dashboard_cold``: the first dashboard request of a month (assembly + render) and its queries;
- ``dashboard_html``: the cached dashboard page through the Django test client, p95 and queries;
- ``dashboard_after_write``: the first dashboard view after a report filed and after a project's
  investment filed (the read model brings the picture forward), p50/p95 and CPU per view;
- ``dashboard_unit``: the same for one lead unit (cold and cached);
- ``charts``: each chart's JSON endpoint, p95;
- ``server``: a production server (``shigongtu serve --workers 2``, gunicorn) on 127.0.0.1,
  signed in, hammered on the cached dashboard URL for ``--seconds`` by ``wrk`` when installed,
  else by Python threads with keep-alive connections: requests/s and latency.

Targets (issue 5): dashboard HTML ≤ 150 ms p95, each chart ≤ 100 ms p95, ≥ 300 requests/s.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from shigongtu.bench import projects as project_bench
from shigongtu.bench.synthetic import build_plan, drop_plan, open_leaves
from shigongtu.bench.util import QueryCounter, percentiles, settle, timed
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Indicator, Node, Plan, RollupDelta
from shigongtu.plans.selectors import clear_cache
from shigongtu.projects.models import InvestmentReport, InvestmentTotal, Project, StageChange

CHARTS = ("investment", "lights", "fronts", "funnel", "ranking", "map")
AS_OF = "2023-06-30"
TARGETS = {"dashboard_html_p95_ms": 150, "chart_p95_ms": 100, "server_requests_per_second": 300}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the server load test")
    parser.add_argument("--concurrency", type=int, default=16, help="connections of the server load test")
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn throughput test")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def build(code: str, scale: float) -> dict[str, Any]:
    """The node plan, then the project plan merged into it (projects, reports, node links, indicators)."""
    built = build_plan(code, (10, 10, 10, max(2, round(20 * scale))))
    plan: Plan = built["plan"]
    side = project_bench.build(code + "-P", max(100, round(project_bench.FULL * scale)))
    other: Plan = side["plan"]
    with transaction.atomic():
        Project.objects.filter(plan=other).update(plan=plan)
        InvestmentReport.objects.filter(plan=other).update(plan=plan)
        ours = dict(Node.objects.filter(plan=plan, depth__lte=1).values_list("code", "pk"))
        through = Project.nodes.through
        for node_id, node_code in Node.objects.filter(plan=other).values_list("pk", "code"):
            through.objects.filter(node_id=node_id).update(node_id=ours[node_code])
        front = Node.objects.get(plan=plan, code="1")
        Indicator.objects.filter(plan=other).update(plan=plan, node=front)
        depts = list(OrgUnit.objects.filter(parent=plan.unit).order_by("pk")[:10])
        for digit, dept in enumerate(depts):
            Project.objects.filter(plan=plan, code__endswith=str(digit)).update(lead_unit=dept)
        Plan.objects.filter(pk=plan.pk).update(revision=plan.revision + 1)
    try:
        from shigongtu.projects.totals import invalidate_year

        invalidate_year(plan.pk, plan.year)
    except ImportError:  # an older project library without the cached monthly sums
        pass
    plan.refresh_from_db()
    return {"plan": plan, "side": other, "nodes": built["nodes"], "reports": built["reports"],
            "projects": side["projects"], "investment_reports": side["reports"], "unit": depts[0] if depts else None}


def drop(plan: Plan, side: Plan) -> None:
    with transaction.atomic():
        for model, key in ((InvestmentReport, "plan"), (StageChange, "project__plan"),
                           (Project.nodes.through, "project__plan")):
            model.objects.filter(**{key: plan})._raw_delete(connection.alias)
        Project.objects.filter(plan=plan)._raw_delete(connection.alias)
    unit = plan.unit
    drop_plan(plan)
    project_bench.drop(side)
    OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).delete()
    unit.delete()


def _measure(client: Client, url: str, repeat: int) -> dict[str, Any]:
    response = client.get(url)  # warm the cache as a running server would be
    assert response.status_code == 200, (url, response.status_code)
    with QueryCounter() as queries:
        client.get(url)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t0)
    return {**percentiles(samples), "queries": queries.count, "bytes": len(response.content)}


def _cold(client: Client, url: str) -> dict[str, Any]:
    cache.clear()
    clear_cache()
    with QueryCounter() as queries:
        seconds, response = timed(lambda: client.get(url))
    assert response.status_code == 200, (url, response.status_code)
    return {"ms": round(seconds * 1000, 1), "queries": queries.count}


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    repeat = int(options.get("repeat", 30))
    code = "BENCH-W-" + uuid.uuid4().hex[:6].upper()
    build_s, built = timed(lambda: build(code, scale))
    plan = built["plan"]
    # (build_plan settled the nodes and reports; the project plan was moved onto them since)
    settle(Project, InvestmentReport, Project.nodes.through, InvestmentTotal, RollupDelta)
    figures: dict[str, Any] = {
        "nodes": built["nodes"], "reports": built["reports"], "projects": built["projects"],
        "investment_reports": built["investment_reports"], "build_seconds": round(build_s, 2),
        "targets": TARGETS,
    }
    password = uuid.uuid4().hex
    user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=password)
    try:
        Membership.objects.create(user=user, unit=plan.unit, role="coordinator")
        client = Client()
        client.force_login(user)
        base = f"/plans/{code}/dashboard/"
        url = f"{base}?as_of={AS_OF}"
        figures["dashboard_cold"] = _cold(client, url)
        figures["dashboard_html"] = _measure(client, url, repeat)
        figures["dashboard_after_write"] = after_write(client, url, plan, repeat)
        if built["unit"] is not None:
            unit_url = f"{url}&unit={built['unit'].pk}"
            figures["dashboard_unit"] = {"cold": _cold(client, unit_url), "cached": _measure(client, unit_url, repeat)}
        figures["charts"] = {name: _measure(client, f"{base}charts/{name}.json?as_of={AS_OF}", repeat)
                             for name in CHARTS}
        figures["bigscreen_html"] = _measure(client, f"/plans/{code}/bigscreen/?as_of={AS_OF}", repeat)
        if not options.get("no_server"):
            figures["server"] = serve_and_load(user.get_username(), password, url,
                                               float(options.get("seconds", 10.0)),
                                               int(options.get("concurrency", 16)))
        worst_chart = max(c["p95_ms"] for c in figures["charts"].values())
        figures["meets_targets"] = {
            "dashboard_html": figures["dashboard_html"]["p95_ms"] <= TARGETS["dashboard_html_p95_ms"],
            "charts": worst_chart <= TARGETS["chart_p95_ms"],
            "server": (figures.get("server", {}).get("requests_per_second", 0)
                       >= TARGETS["server_requests_per_second"]) if "server" in figures else None,
        }
    finally:
        user.delete()
        if not options.get("keep"):
            drop(plan, built["side"])
            clear_cache()
            cache.clear()
    return figures


def after_write(client: Client, url: str, plan: Plan, repeat: int) -> dict[str, Any]:
    """The first dashboard view after a write (the read model brings the picture forward): after a
    report filed on a random leaf, and after a project's monthly investment filed; wall p50/p95 and
    the process's mean CPU time (robust when the machine is shared)."""
    import datetime as dt
    import random

    from shigongtu.plans import services
    from shigongtu.projects.services.investment import submit_investment

    rng = random.Random(9)
    leaves = open_leaves(plan)
    projects = list(Project.objects.filter(plan=plan, stage="在建").order_by("pk")[:200])
    writes = {
        "report": lambda: services.file_report(Node.objects.get(pk=rng.choice(leaves)), "2023-06",
                                               {"progress": rng.randint(0, 100)}),
        "investment": lambda: submit_investment(rng.choice(projects), {"period": "2023-06",
                                                "amount": rng.randint(1, 900)}, today=dt.date(2023, 7, 10)),
    }
    out: dict[str, Any] = {"target_p95_ms": TARGETS["dashboard_html_p95_ms"]}
    for name, write in writes.items():
        if name == "investment" and not projects:
            continue
        walls, cpus = [], []
        for _ in range(repeat):
            write()
            c0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            assert response.status_code == 200, (url, response.status_code)
        out[name] = {**percentiles(walls), "cpu_ms": round(1000 * sum(cpus) / len(cpus), 1)}
    return out


# -- the production server ---------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on 127.0.0.1:{port} within {seconds:.0f} s")


def _sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login/")
    page = conn.getresponse()
    body = page.read().decode()
    cookies = dict(re.findall(r"(csrftoken|sessionid)=([^;]+)", " ".join(page.headers.get_all("Set-Cookie") or [])))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None or "csrftoken" not in cookies:
        raise RuntimeError("no CSRF token on the login page")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)})
    conn.request("POST", "/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}",
        "Referer": f"http://127.0.0.1:{port}/login/"})
    answer = conn.getresponse()
    answer.read()
    cookies.update(re.findall(r"(sessionid)=([^;]+)", " ".join(answer.headers.get_all("Set-Cookie") or [])))
    conn.close()
    if "sessionid" not in cookies:
        raise RuntimeError(f"sign-in failed ({answer.status})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _get(port: int, url: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", url, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _threads_load(port: int, url: str, cookie: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """A bounded loop of keep-alive requests from ``concurrency`` threads for ``seconds``."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        own: list[float] = []
        for _ in range(1_000_000):  # bounded; the clock ends it first
            if time.monotonic() >= stop:
                break
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            own.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(own)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - started
    return {"tool": "python threads (http.client keep-alive)", "requests": len(latencies), "errors": errors[0],
            "seconds": round(elapsed, 2), "requests_per_second": round(len(latencies) / elapsed, 1),
            "latency": percentiles(latencies) if latencies else {}}


def _wrk_load(port: int, url: str, cookie: str, seconds: float, concurrency: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    out = subprocess.run(  # noqa: S603 (fixed arguments, loopback only)
        [wrk, "-t2", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--latency", "-H", f"Cookie: {cookie}",
         f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    lat = dict(re.findall(r"^\s*(50|90|99)%\s+([\d.]+\w+)", out, re.M))
    return {"tool": "wrk", "requests": int(total.group(1)) if total else 0,
            "errors": int(non2xx.group(1)) if non2xx else 0, "seconds": round(seconds, 2),
            "requests_per_second": float(rps.group(1)) if rps else 0.0,
            "latency": {f"p{k}": v for k, v in lat.items()}}


def _process_tree(pid: int) -> list[int]:
    """The server's master and its workers (Linux /proc; empty elsewhere)."""
    found = [pid]
    try:
        for child in (Path(f"/proc/{pid}/task/{pid}/children").read_text().split()):
            found += _process_tree(int(child))
    except OSError:
        return found
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes (Linux /proc; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])   # utime, stime (fields 14 and 15 of stat)
    return total / tick


def serve_and_load(username: str, password: str, url: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """Start ``shigongtu serve --workers 2`` on a free loopback port, sign in, warm both workers,
    load the cached dashboard for ``seconds``, stop the server."""
    port = _free_port()
    env = {**os.environ, "SHIGONGTU_WORKERS": "2"}
    command = [sys.executable, "-m", "shigongtu", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        _wait_for(port)
        cookie = _sign_in(port, username, password)
        warm_s, _ = timed(lambda: _threads_load(port, url, cookie, 0.1, 4))  # one cold build per worker
        for _ in range(8):
            if _get(port, url, cookie) != 200:
                raise RuntimeError("the dashboard did not answer 200 on the server")
        time.sleep(1.0)  # let the workers settle after their cold builds
        load = _wrk_load if shutil.which("wrk") else _threads_load
        pids = _process_tree(server.pid)
        busy_before, load_before = _cpu_seconds(pids), os.getloadavg()[0]
        result = load(port, url, cookie, seconds, concurrency)
        busy = _cpu_seconds(pids) - busy_before
        per_request = 1000 * busy / result["requests"] if result["requests"] else None
        return {**result, "workers": 2, "concurrency": concurrency, "warm_up_seconds": round(warm_s, 2),
                "url": url, "load_average_before": round(load_before, 2),
                # the server's own CPU per request, whatever else shares the machine (the load
                # generator, other jobs): 2 workers on 2 free cores serve up to 2000 / this per second
                "server_cpu_ms_per_request": round(per_request, 3) if per_request else None,
                "capacity_2_cores_requests_per_second": round(2000 / per_request, 1) if per_request else None}
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
