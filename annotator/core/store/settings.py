"""The project's own settings (language, guidelines, …): JSON values under a key, stored in
the project so they travel with it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection


def get(conn: Connection, key: str) -> tuple[bool, Any]:
    """(found, value) of a setting."""
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (key,)).first()
    if row is None:
        return False, None
    # The column has numeric affinity: SQLite keeps a JSON number as a number, not text.
    return True, json.loads(row[0]) if isinstance(row[0], str) else row[0]


def put(conn: Connection, key: str, value: Any) -> None:
    conn.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, ensure_ascii=False)),
    )
