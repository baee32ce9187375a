"""The ``shigongtu`` console script: forwards to the project's management commands.

``shigongtu plan create X --name N --year 2023`` runs the ``plan`` command, and so on;
any Django command (``migrate``, ``createsuperuser``, ``changepassword``) works too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigongtu.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(
            "usage: shigongtu COMMAND [options]\n\n"
            "  demo [--port N] [--no-serve]      fresh demo database, demo accounts, serve\n"
            "  serve [--host H] [--port N]       production-style server of the current database\n"
            "  plan create CODE --name N --year Y [--org UNIT]\n"
            "  tree --plan CODE [--as-of D] --json\n"
            "  warnings --plan CODE [--as-of D] --json\n"
            "  projects --plan CODE [--as-of D] --json\n"
            "  enterprises --plan CODE [--as-of D] --json\n"
            "  leads --plan CODE [--as-of D] --json   招商 leads and the year's summary\n"
            "  supervision --plan CODE [--as-of D] --json   督办/整改 items, lights and summary\n"
            "  import FILE --kind KIND [--plan CODE] [--dry-run] [--create-units] [--sheet S] [--json]\n"
            "  export --kind KIND [--plan CODE] -o FILE.xlsx\n"
            "  bulletin --plan CODE --period YYYY-MM -o FILE(.docx|.xlsx|.pdf)\n"
            "  audit verify\n"
            "  bench tree|projects|import|web|bulletin|backup|enterprises|leads|supervision --json\n"
            "  token create USER                 an API token\n\n"
            "Database: DATABASE_URL (default ./shigongtu.sqlite3).\n"
        )
        if not args:
            sys.exit(2)
        return
    scratch = None
    if args[0] == "bench" and not os.environ.get("DATABASE_URL"):
        # Benchmarks build large synthetic data (hundreds of MB): keep it out of the working
        # database, and remove it afterwards unless asked to keep it.
        import tempfile

        scratch = tempfile.mkdtemp(prefix="shigongtu-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["shigongtu", *args])
    finally:
        if scratch is not None and "--keep" in args:
            sys.stderr.write(f"bench database kept: {os.environ['DATABASE_URL']}\n")
        elif scratch is not None:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
