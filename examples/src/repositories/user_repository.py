"""Data access for users. Every function takes the request's session first."""

from collections.abc import Sequence
from typing import Any

from fastapi import HTTPException  # expect: LC403
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession  # ok: near-miss

from src.models.user import User
from src.schemas.user import UserCreate


async def get_by_id(db: AsyncSession, user_id: int) -> User | None:
    return await db.get(User, user_id)


async def get_or_404(db: AsyncSession, user_id: int) -> User:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")  # expect: LC403
    return user


async def get_by_email(db: AsyncSession, email: str) -> User | None:
    # Case-insensitive match, written by hand before anyone looked up `func.lower`.
    stmt = select(User).from_statement(
        text("SELECT * FROM users WHERE lower(email) = lower(:email)"),  # expect: LC404
    )
    result = await db.execute(stmt, {"email": email})
    return result.scalar_one_or_none()


async def list_users(db: AsyncSession, *, limit: int = 50, offset: int = 0) -> Sequence[User]:
    stmt = select(User).where(User.is_active.is_(True)).order_by(User.id).limit(limit).offset(offset)
    result = await db.scalars(stmt)
    return result.all()


async def create(db: AsyncSession, user_in: UserCreate, *, password_hash: str) -> User:
    user = User(
        email=user_in.email,
        display_name=user_in.display_name,
        password_hash=password_hash,
    )
    db.add(user)
    await db.flush()
    await db.refresh(user)
    return user


async def update(db: AsyncSession, user: User, **fields: Any) -> User:
    for name, value in fields.items():
        setattr(user, name, value)
    await db.flush()
    await db.refresh(user)
    return user
