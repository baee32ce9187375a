"""PostgreSQL only: the supervision list's text search (title, code, leader: ItemFilter.q).

Trigram GIN and pattern B-tree indexes (utilities/search_indexes.py); nothing on SQLite. Built
CONCURRENTLY, so the migration is not atomic.
"""

from django.db import migrations

from shigongtu.utilities.search_indexes import trigram, upper_trigram, operations

INDEXES = (
    upper_trigram("supervision_title_trgm", "supervision_supervisionitem", "title"),
    upper_trigram("supervision_code_trgm", "supervision_supervisionitem", "code"),
    upper_trigram("supervision_leader_trgm", "supervision_supervisionitem", "leader"),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("supervision", "0001_initial")]

    operations = operations(*INDEXES)
