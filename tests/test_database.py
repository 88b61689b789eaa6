"""What each database does with the region tree: the subtree query is an index range scan."""

from __future__ import annotations

from typing import Any

from django.db import connection

from safecity.core.models import Region


def test_subtree_query_uses_the_path_index(city: Any) -> None:
    queryset = Region.objects.filter(path__startswith=city.district_a.path)
    assert set(queryset.values_list("code", flat=True)) == {"320411", "320411002"}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Small tables are read sequentially whatever the indexes; forbid that to see the plan.
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            # The pattern-ops index turns LIKE 'prefix%' into an index range condition.
            assert "Index" in plan and "~>=~" in plan, plan
        else:
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row) for row in cursor.fetchall())
            assert "INDEX" in plan.upper(), plan
