"""The central's users: added with a token (only its hash is kept), revoked, and found
again by their token; every change lands in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select, update

from halt_desk.central.audit_trail import append_entry, now_iso
from halt_desk.central.auth import Role, User, new_token, token_hash
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import user_orgs, users
from halt_desk.domain.errors import HaltDeskError


class UnknownUser(HaltDeskError):
    pass


def add_user(
    db: CentralDatabase, name: str, role: str, orgs: str | Iterable[str] | None = None
) -> str:
    """Creates a user bound to `orgs` (none: a user of the provider, across all
    organisations) and returns its token; only the token's hash is kept."""
    bound = sorted({orgs} if isinstance(orgs, str) else set(orgs or ()))
    if any(not org.strip() or len(org) > 100 for org in bound):
        raise HaltDeskError("an organisation id is 1 to 100 characters")
    try:
        role_value = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise HaltDeskError(f"unknown role {role!r} (known: {known})") from None
    if not name.strip():
        raise HaltDeskError("a user needs a name")
    token = new_token()
    with db.write() as conn:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise HaltDeskError(f"user {name!r} exists already")
        user_id = conn.execute(
            insert(users).values(
                name=name,
                role=role_value.value,
                org=None,  # superseded by user_orgs (c0002)
                token_hash=token_hash(token),
                created_at=now_iso(),
            )
        ).inserted_primary_key
        assert user_id is not None
        if bound:
            conn.execute(insert(user_orgs), [{"user_id": user_id[0], "org": o} for o in bound])
        detail = {"role": role, "orgs": bound}
        append_entry(conn, "cli", "user.added", f"user:{name}", "local", detail)
    return token


def revoke_user(db: CentralDatabase, name: str) -> None:
    with db.write() as conn:
        result = conn.execute(
            update(users)
            .where(users.c.name == name, users.c.revoked_at.is_(None))
            .values(revoked_at=now_iso())
        )
        if result.rowcount == 0:
            raise UnknownUser(f"no active user {name!r}")
        append_entry(conn, "cli", "user.revoked", f"user:{name}", "local", {})


def user_named(db: CentralDatabase, name: str) -> User:
    """The active user called `name`; UnknownUser if there is none."""
    query = (
        select(users.c.id, users.c.name, users.c.role, user_orgs.c.org)
        .outerjoin(user_orgs, user_orgs.c.user_id == users.c.id)
        .where(users.c.name == name, users.c.revoked_at.is_(None))
    )
    rows = db.read(lambda conn: conn.execute(query).all())
    if not rows:
        raise UnknownUser(f"no active user {name!r}")
    orgs = frozenset(row.org for row in rows if row.org is not None)
    return User(rows[0].id, rows[0].name, Role(rows[0].role), orgs)


def authenticate(db: CentralDatabase, token: str) -> User | None:
    """The active user of `token`, read from the database every time (the API keeps
    the answers for a second in a TokenCache)."""
    query = (
        select(users.c.id, users.c.name, users.c.role, user_orgs.c.org)
        .outerjoin(user_orgs, user_orgs.c.user_id == users.c.id)
        .where(users.c.token_hash == token_hash(token), users.c.revoked_at.is_(None))
    )
    rows = db.read(lambda conn: conn.execute(query).all())
    if not rows:
        return None
    first = rows[0]
    orgs = frozenset(row.org for row in rows if row.org is not None)
    return User(first.id, first.name, Role(first.role), orgs)
