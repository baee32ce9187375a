"""The plan tree's search (node title) and subtree filters (code prefix within a plan), PostgreSQL
only (utilities/search_indexes.py: trigram GIN and pattern B-tree indexes, built CONCURRENTLY, so
the migration is not atomic); and, on every engine, the review queue's partial index.
"""

from django.db import migrations, models

from shigongtu.utilities.search_indexes import prefix, trigram, upper_trigram, operations

INDEXES = (
    upper_trigram("plans_node_title_trgm", "plans_node", "title"),
    trigram("plans_node_title_like_trgm", "plans_node", "title"),
    prefix("plans_node_plan_code_prefix", "plans_node", "code", leading='"plan_id", '),  # a subtree: 3 or 3.%
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("plans", "0003_indicator_kinds_statistics_plan_settings")]

    operations = [
        *operations(*INDEXES),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(condition=models.Q(("status", "submitted")), fields=["node"],
                               name="report_waiting_review"),
        ),
    ]
