"""PostgreSQL only: the lead list's text search (name, code, investor: LeadFilter.q).

Trigram GIN and pattern B-tree indexes (utilities/search_indexes.py); nothing on SQLite. Built
CONCURRENTLY, so the migration is not atomic.
"""

from django.db import migrations

from shigongtu.utilities.search_indexes import trigram, upper_trigram, operations

INDEXES = (
    upper_trigram("lead_name_trgm", "attraction_lead", "name"),
    upper_trigram("lead_code_trgm", "attraction_lead", "code"),
    upper_trigram("lead_investor_trgm", "attraction_lead", "investor"),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("attraction", "0002_lead_plan_investment")]

    operations = operations(*INDEXES)
