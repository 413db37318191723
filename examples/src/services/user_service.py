"""User business logic: registration, lookup, profile changes, deactivation.

Services receive the request's session from the router and hand it to the repositories;
they never query it themselves, and they always return schemas, never ORM objects.
"""

import hashlib
import secrets
from typing import Any

import structlog
from fastapi import HTTPException, status

from src.repositories import user_repository as user_repo
from ..schemas.user import UserCreate, UserOut, UserUpdate

log = structlog.get_logger()


def _hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 600_000)
    return f"{salt}${digest.hex()}"


async def register_user(db, user_in: UserCreate) -> UserOut:
    log.info("creating_user", email=user_in.email)
    if await user_repo.get_by_email(db, user_in.email) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered")
    user = await user_repo.create(db, user_in, password_hash=_hash_password(user_in.password))
    log.info("user_created", user_id=user.id)
    return UserOut.model_validate(user)


async def get_user(db, user_id: int) -> UserOut:
    user = await user_repo.get_by_id(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=f"User {user_id} not found")  # ok: near-miss
    return UserOut.model_validate(user)


async def list_users(db, *, limit: int, offset: int) -> list[UserOut]:
    users = await user_repo.list_users(db, limit=limit, offset=offset)
    log.info("users_listed", count=len(users), limit=limit, offset=offset)
    return [UserOut.model_validate(user) for user in users]


async def update_user(db, user_id: int, user_in: UserUpdate) -> UserOut:
    user = await user_repo.get_or_404(db, user_id)
    user = await user_repo.update(db, user, **user_in.model_dump(exclude_unset=True))
    log.info("user_updated", user_id=user_id, fields=sorted(user_in.model_fields_set))
    return UserOut.model_validate(user)


async def update_preferences(db, user_id: int, preferences: dict[str, Any]) -> UserOut:
    user = await user_repo.get_or_404(db, user_id)
    user = await user_repo.update(db, user, preferences={**user.preferences, **preferences})
    log.info("user_preferences_updated", user_id=user_id, keys=sorted(preferences))
    return UserOut.model_validate(user)


async def deactivate_user(db, user_id: int) -> None:
    user = await user_repo.get_or_404(db, user_id)
    await user_repo.update(db, user, is_active=False)
    log.info("user_deactivated", user_id=user_id)
