"""A team database's password from the system keyring, so no one keeps it in a URL, a shell
history or a file of ours. The driver reads ``~/.pgpass`` (or the file ``PGPASSFILE``
names) itself; the keyring is asked only when neither the URL nor that file has one, and
only when the optional ``keyring`` package is installed."""

from __future__ import annotations

from sqlalchemy.engine import URL

SERVICE = "Annotator"


def account(url: URL) -> str:
    """The keyring entry of a database: who, where and which database."""
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def with_stored_password(url: URL) -> URL:
    if url.password is not None or not url.username:
        return url
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return url
    try:
        password = keyring.get_password(SERVICE, account(url))
    except KeyringError:
        return url
    return url if password is None else url.set(password=password)


def store_password(url: URL, password: str) -> None:
    import keyring

    keyring.set_password(SERVICE, account(url), password)


def forget_password(url: URL) -> bool:
    """Remove the stored password; False when there was none."""
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, account(url))
    except PasswordDeleteError:
        return False
    return True
