"""Shigongtu (施工图): a zone's annual plan, key projects, ledgers, dashboard and bulletins."""

__version__ = "0.1.0"
