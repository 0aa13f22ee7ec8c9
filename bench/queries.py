"""Queries per request for `make bench`: each page requested once in-process (Django's test client on the
bench database, after one request to warm the caches), counted as the pinned tests count them: inside one
transaction that is rolled back afterwards, so every atomic block of the view counts as its SAVEPOINT and
RELEASE (a BEGIN and COMMIT on a live server), and nothing the count does is kept."""

from __future__ import annotations

from http.cookies import SimpleCookie


def _client(cookie: str | None, host: str):
    from django.test import Client

    client = Client(HTTP_HOST=host)
    if cookie:
        jar = SimpleCookie()
        jar.load(cookie)
        for key, morsel in jar.items():
            client.cookies[key] = morsel.value
    return client


def _count(call) -> tuple[int, int]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        status = call().status_code
        transaction.set_rollback(True)
    return len(queries), status


def count_queries(plan: list[tuple], submit_rows: list[dict], host: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, path, headers, script in plan:
        if script is not None:
            warm, counted = submit_rows[:2]
            for row, keep in ((warm, False), (counted, True)):
                client = _client(row["cookie"], host)
                n, status = _count(
                    lambda c=client, r=row: c.post(
                        r["path"], r["body"], content_type="application/x-www-form-urlencoded"
                    )
                )
                if keep:
                    counts[name] = n if status in (200, 302) else -1
            continue
        client = _client((headers or {}).get("Cookie"), host)
        _count(lambda c=client, p=path: c.get(p))
        n, status = _count(lambda c=client, p=path: c.get(p))
        counts[name] = n if status == 200 else -1
    return counts
