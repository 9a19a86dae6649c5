"""A team member's credentials for the team's database: kept in the system keyring, never
by us in a file (see ``store.credentials``)."""

from __future__ import annotations

from annotator.core.errors import ProjectError


def login(target: str, password: str) -> str:
    """Check the password against the server, then keep it in the keyring; returns the
    database as messages name it."""
    from sqlalchemy import create_engine

    from annotator.core.store.credentials import store_password
    from annotator.core.store.dialect import server_url, shown_url

    url = server_url(target).set(password=password)
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        raise ProjectError(f"{shown_url(target)} refused the login: {exc}") from exc
    finally:
        engine.dispose()
    try:
        store_password(url, password)
    except ImportError as exc:
        raise ProjectError(
            "Keeping a password needs the keyring package: pip install 'annotator[team]' "
            "(the desktop bundle has none: put the password in ~/.pgpass)."
        ) from exc
    return shown_url(target)


def logout(target: str) -> bool:
    """Forget the stored password; False when none was stored."""
    from annotator.core.store.credentials import forget_password
    from annotator.core.store.dialect import server_url

    return forget_password(server_url(target))
