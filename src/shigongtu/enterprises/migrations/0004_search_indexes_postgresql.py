"""PostgreSQL only: the enterprise registry's search (name contains, credit code starts with).

Trigram GIN and pattern B-tree indexes (utilities/search_indexes.py); nothing on SQLite. Built
CONCURRENTLY, so the migration is not atomic.
"""

from django.db import migrations

from shigongtu.utilities.search_indexes import prefix, trigram, operations

INDEXES = (
    trigram("enterprise_name_trgm", "enterprises_enterprise", "name"),
    prefix("enterprise_code_prefix", "enterprises_enterprise", "credit_code"),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("enterprises", "0003_tier_expiring_index")]

    operations = operations(*INDEXES)
