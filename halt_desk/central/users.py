"""The central's users: added with a token (only its hash is kept), revoked, and found
again by their token; every change lands in the audit log.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update

from halt_desk.central.audit_trail import append_entry, now_iso
from halt_desk.central.auth import Role, User, new_token, token_hash
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import users
from halt_desk.domain.errors import HaltDeskError


class UnknownUser(HaltDeskError):
    pass


def add_user(db: CentralDatabase, name: str, role: str, org: str | None = None) -> str:
    """Creates a user and returns its token; only the token's hash is kept."""
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
        conn.execute(
            insert(users).values(
                name=name,
                role=role_value.value,
                org=org,
                token_hash=token_hash(token),
                created_at=now_iso(),
            )
        )
        append_entry(conn, "cli", "user.added", f"user:{name}", "local", {"role": role})
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


def authenticate(db: CentralDatabase, token: str) -> User | None:
    """The active user of `token`, read from the database every time (the API keeps
    the answers for a second in a TokenCache)."""
    query = select(users).where(
        users.c.token_hash == token_hash(token), users.c.revoked_at.is_(None)
    )
    row = db.read(lambda conn: conn.execute(query).mappings().first())
    if row is None:
        return None
    return User(row["id"], row["name"], Role(row["role"]), row["org"])
