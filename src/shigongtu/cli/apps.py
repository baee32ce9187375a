from django.apps import AppConfig


class CliConfig(AppConfig):
    """The console script's management commands (``shigongtu tree``, ``import`` …)."""

    name = "shigongtu.cli"
    label = "cli"
    verbose_name = "命令行"
