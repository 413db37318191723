"""Dependencies shared by the v1 routers."""

from typing import Annotated

from fastapi import Depends, Header, HTTPException, status

from src.database import SessionDep
from src.schemas.user import UserOut
from src.services import user_service


async def get_current_user(
    db: SessionDep,
    x_user_id: Annotated[int | None, Header()] = None,
) -> UserOut:
    """Toy authentication: the gateway in front of the app sets `X-User-Id`."""
    if x_user_id is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Missing X-User-Id header")
    user = await user_service.get_user(db, x_user_id)
    if not user.is_active:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="User is deactivated")
    return user


CurrentUser = Annotated[UserOut, Depends(get_current_user)]
