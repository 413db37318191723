"""Request and response models for users."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from src.models.user import User  # expect: LC504


class UserBase(BaseModel):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=100)


class UserCreate(UserBase):
    password: str = Field(min_length=12, max_length=128)  # plain text in; hashed in the service


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)


class UserOut(UserBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    is_active: bool
    preferences: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_user(cls, user: User) -> "UserOut":
        return cls.model_validate(user)
