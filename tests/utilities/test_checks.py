"""Deployment checks and production settings that fail closed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.core.checks import run_checks


def test_a_production_deployment_on_sqlite_is_warned_about(settings, monkeypatch):
    from shigongtu.utilities import checks

    monkeypatch.setattr(checks, "database_engine", lambda: "django.db.backends.sqlite3")
    settings.PRODUCTION = True
    settings.REDIS_URL = ""
    ids = {w.id for w in run_checks(include_deployment_checks=True)}
    assert {"shigongtu.W001", "shigongtu.W002"} <= ids


def test_a_production_deployment_on_postgresql_is_not_warned_about_its_database(settings, monkeypatch):
    from shigongtu.utilities import checks

    monkeypatch.setattr(checks, "database_engine", lambda: "django.db.backends.postgresql")
    settings.PRODUCTION = True
    assert "shigongtu.W001" not in {w.id for w in run_checks(include_deployment_checks=True)}


def test_a_production_server_that_cannot_typeset_pdfs_is_warned_about(settings, monkeypatch):
    from shigongtu.utilities import checks

    settings.PRODUCTION = True
    monkeypatch.setattr(checks, "pdf_typesetting_problem", lambda: "no CJK font is installed")
    warned = [w for w in run_checks() if w.id == "shigongtu.W003"]
    assert warned and "no CJK font" in warned[0].msg and "fonts-noto-cjk" in warned[0].hint
    monkeypatch.setattr(checks, "pdf_typesetting_problem", lambda: None)
    assert "shigongtu.W003" not in {w.id for w in run_checks()}


def test_this_machine_can_typeset_pdfs_without_a_browser():
    from shigongtu.utilities import checks

    assert checks.pdf_typesetting_problem() is None


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SHIGONGTU_")}
    full.update(env)
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shigongtu.settings'; django.setup()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, check=False)


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in({"SHIGONGTU_ENV": "production", "SHIGONGTU_ALLOWED_HOSTS": "x.example"})
    assert result.returncode != 0 and "SHIGONGTU_SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _settings_in({"SHIGONGTU_ENV": "production", "SHIGONGTU_SECRET_KEY": "k" * 50,
                           "SHIGONGTU_ALLOWED_HOSTS": "x.example", "SHIGONGTU_DEBUG": "true"})
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_production_needs_allowed_hosts():
    result = _settings_in({"SHIGONGTU_ENV": "production", "SHIGONGTU_SECRET_KEY": "k" * 50})
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


PRODUCTION = {"SHIGONGTU_ENV": "production", "SHIGONGTU_SECRET_KEY": "k" * 50, "SHIGONGTU_ALLOWED_HOSTS": "x.example",
              "SHIGONGTU_AUDIT_KEY": "a" * 64}


def test_production_starts_with_what_it_needs():
    result = _settings_in(PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    result = _settings_in({k: v for k, v in PRODUCTION.items() if k != "SHIGONGTU_AUDIT_KEY"})
    assert result.returncode != 0 and "SHIGONGTU_AUDIT_KEY" in result.stderr


def test_production_refuses_a_short_audit_key():
    result = _settings_in({**PRODUCTION, "SHIGONGTU_AUDIT_KEY": "short"})
    assert result.returncode != 0 and "SHIGONGTU_AUDIT_KEY" in result.stderr


def _setting_values(env: dict[str, str], *names: str) -> dict[str, object]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SHIGONGTU_")}
    full.update(env)
    code = ("import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='shigongtu.settings'; django.setup(); "
            "from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_hsts_and_secure_cookies():
    values = _setting_values(PRODUCTION, "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
                             "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_CONTENT_TYPE_NOSNIFF",
                             "SECURE_REFERRER_POLICY", "SECURE_PROXY_SSL_HEADER")
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_the_demo_sends_no_hsts_and_plain_cookies():
    values = _setting_values({}, "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT")
    assert values == {"SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False}


def test_check_deploy_is_clean_in_production_with_the_required_environment():
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment would not)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIGONGTU_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({**PRODUCTION, "SHIGONGTU_SECRET_KEY": "Zq7-xW9!" * 8, "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
                "SHIGONGTU_REDIS_URL": "redis://127.0.0.1:6379/0"})
    code = ("import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE']='shigongtu.settings'; django.setup(); "
            "from django.core.management import call_command; "
            "call_command('check', deploy=True, fail_level='WARNING', databases=[])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0 and "no issues" in result.stdout, result.stdout + result.stderr


def test_replicas_without_a_shared_cache_are_warned_about(settings):
    settings.DATABASE_REPLICAS = ["replica_1"]
    settings.REDIS_URL = ""
    assert "shigongtu.W004" in {w.id for w in run_checks(include_deployment_checks=True)}
    settings.REDIS_URL = "redis://cache:6379/0"
    assert "shigongtu.W004" not in {w.id for w in run_checks(include_deployment_checks=True)}
