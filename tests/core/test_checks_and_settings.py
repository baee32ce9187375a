"""Deployment checks and production settings that fail closed."""

from __future__ import annotations

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


def test_production_starts_with_what_it_needs():
    result = _settings_in({"SHIGONGTU_ENV": "production", "SHIGONGTU_SECRET_KEY": "k" * 50,
                           "SHIGONGTU_ALLOWED_HOSTS": "x.example"})
    assert result.returncode == 0, result.stderr
