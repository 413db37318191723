"""User endpoints. Thin: validate the input, call the service, return a schema."""

from typing import Any

import structlog
from fastapi import APIRouter, Request, status

from src.api.deps import CurrentUser
from src.database import SessionDep
from src.services import user_service
from ...schemas.user import UserCreate, UserOut, UserUpdate

log = structlog.get_logger()
router = APIRouter(prefix="/users", tags=["users"])


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(user_in: UserCreate, db: SessionDep) -> UserOut:
    return await user_service.register_user(db, user_in)


@router.get("")
async def list_users(
    request: Request, db: SessionDep, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    # `?select=id,email` trims the payload for the admin table.
    select = request.query_params.get("select")  # ok: near-miss
    fields = set(select.split(",")) if select else None  # ok: near-miss
    users = await user_service.list_users(db, limit=limit, offset=offset)
    return [user.model_dump(include=fields) for user in users]


@router.get("/me", response_model=UserOut)
async def read_me(current_user: CurrentUser) -> UserOut:
    return current_user


@router.get("/{user_id}", response_model=UserOut)
async def get_user(user_id: int, db: SessionDep) -> UserOut:
    log.info("user_fetched", user_id=user_id, path=f"/users/{user_id}")  # ok: near-miss
    return await user_service.get_user(db, user_id)


@router.patch("/{user_id}", response_model=UserOut)
async def update_user(user_id: int, user_in: UserUpdate, db: SessionDep) -> UserOut:
    return await user_service.update_user(db, user_id, user_in)


@router.put("/{user_id}/preferences", response_model=UserOut)
async def replace_preferences(
    user_id: int,
    preferences: dict[str, Any],  # expect: LC204
    db: SessionDep,
) -> UserOut:
    return await user_service.update_preferences(db, user_id, preferences)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def deactivate_user(user_id: int, db: SessionDep) -> None:
    await user_service.deactivate_user(db, user_id)
