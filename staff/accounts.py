"""Staff accounts, their passwords and their login sessions, in the database.

Sessions live in the database rather than in a signed cookie so that logging out (or
disabling an account) ends them at once, in every server process.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from i18n import N_
from knowledge.store import as_utc, remove_before, utcnow
from staff.schema import login_failures, metadata, sessions, users

ROLES = (N_("agent"), N_("editor"), N_("admin"))  # marked: the consoles show a role as a word, translated
MIN_PASSWORD_CHARS = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffError(ValueError):
    """An account request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    display_name: str
    role: str

    def has_role(self, *allowed: str) -> bool:
        """Admins may do everything; agents and editors only their own work."""
        return self.role == "admin" or self.role in allowed


@dataclass(frozen=True)
class StaffSession:
    user: StaffUser
    csrf_token: str
    expires_at: datetime


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def validate_display_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not 1 <= len(name) <= 40:
        raise StaffError("A display name needs 1 to 40 characters.")
    if any(not ch.isprintable() for ch in name):
        raise StaffError("A display name cannot contain control characters.")
    return name


class StaffStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """This part's tables alone, for its tests and benchmarks; a server's database gets every
        table from the schema migrations (`nahbar db upgrade`, run at each start)."""
        metadata.create_all(self.engine)

    def add_user(self, username: str, password: str, role: str, display_name: Optional[str] = None) -> StaffUser:
        username = str(username or "").strip().lower()
        if not _USERNAME.match(username):
            raise StaffError(
                "A username needs 2 to 64 characters: lowercase letters, digits, '.', '_' or '-', "
                "starting with a letter or digit."
            )
        if role not in ROLES:
            raise StaffError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
        _check_password(password)
        shown = validate_display_name(display_name or username)
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(
                    insert(users).values(
                        username=username, display_name=shown, role=role,
                        password_hash=_hasher.hash(password), active=True, created_at=utcnow(),
                    )
                ).inserted_primary_key[0]
        except IntegrityError as exc:
            raise StaffError(f"A user named {username!r} exists already.") from exc
        return StaffUser(new_id, username, shown, role)

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        with self.engine.begin() as conn:
            found = conn.execute(
                update(users).where(users.c.username == username).values(password_hash=_hasher.hash(password))
            ).rowcount
            if not found:
                raise StaffError(f"There is no user named {username!r}.")
            user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()
            conn.execute(delete(sessions).where(sessions.c.user_id == user_id))

    def set_display_name(self, user_id: int, display_name: str) -> StaffUser:
        shown = validate_display_name(display_name)
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(display_name=shown))
        user = self.get(user_id)
        if user is None:
            raise StaffError("This account no longer exists.")
        return user

    def get(self, user_id: int) -> Optional[StaffUser]:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id, users.c.active.is_(True))).first()
        return _user(row) if row else None

    def list(self) -> list[StaffUser]:
        with self.engine.connect() as conn:
            return [_user(row) for row in conn.execute(select(users).order_by(users.c.username))]

    def authenticate(self, username: str, password: str) -> Optional[StaffUser]:
        """The user if the password is right; None otherwise, in about the same time."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(users).where(users.c.username == str(username or "").strip().lower(), users.c.active.is_(True))
            ).first()
        stored = row.password_hash if row else _DUMMY_HASH
        try:
            _hasher.verify(stored, str(password or ""))
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _hasher.check_needs_rehash(stored):
            with self.engine.begin() as conn:
                conn.execute(update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
        return _user(row)

    def start_session(self, user: StaffUser, lifetime: timedelta) -> tuple[str, StaffSession]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(
                insert(sessions).values(
                    token_hash=_hash_token(token), user_id=user.id, csrf_token=csrf,
                    created_at=now, expires_at=now + lifetime,
                )
            )
        return token, StaffSession(user, csrf, now + lifetime)

    def session(self, token: Optional[str]) -> Optional[StaffSession]:
        if not token:
            return None
        query = (
            select(sessions.c.csrf_token, sessions.c.expires_at, users)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == _hash_token(token), users.c.active.is_(True))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or as_utc(row.expires_at) < utcnow():
            return None
        return StaffSession(_user(row), row.csrf_token, as_utc(row.expires_at))

    def end_session(self, token: Optional[str]) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(delete(sessions).where(sessions.c.token_hash == _hash_token(token)))

    def record_failure(self, *keys: str) -> None:
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.at < now - timedelta(days=1)))
            for key in keys:
                conn.execute(insert(login_failures).values(key=key[:200], at=now))

    def failures(self, key: str, window: timedelta) -> tuple[int, Optional[datetime]]:
        """How many failures `key` had within `window`, and the oldest of them."""
        query = select(func.count(), func.min(login_failures.c.at)).where(
            login_failures.c.key == key[:200], login_failures.c.at >= utcnow() - window
        )
        with self.engine.connect() as conn:
            count, oldest = conn.execute(query).one()
        return int(count), as_utc(oldest) if oldest else None

    def clear_failures(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.key == key[:200]))


    def purge(self, before: datetime, dry_run: bool = False) -> int:
        """Login sessions and failed-login records (which hold addresses) made before `before`."""
        with self.engine.begin() as conn:
            return (remove_before(conn, sessions.c.created_at, before, dry_run)
                    + remove_before(conn, login_failures.c.at, before, dry_run))


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")


def _user(row) -> StaffUser:
    return StaffUser(row.id, row.username, row.display_name, row.role)
