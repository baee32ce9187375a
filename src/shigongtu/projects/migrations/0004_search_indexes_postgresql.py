"""PostgreSQL only: the project list's text search (name, code, owner: ProjectFilter.q).

Trigram GIN and pattern B-tree indexes (utilities/search_indexes.py); nothing on SQLite. Built
CONCURRENTLY, so the migration is not atomic.
"""

from django.db import migrations

from shigongtu.utilities.search_indexes import trigram, upper_trigram, operations

INDEXES = (
    upper_trigram("project_name_trgm", "projects_project", "name"),
    upper_trigram("project_code_trgm", "projects_project", "code"),
    upper_trigram("project_owner_trgm", "projects_project", "owner"),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0003_merge_resumed_on_and_voucher_numbers")]

    operations = operations(*INDEXES)
