"""Request and response models for orders."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class OrderItemIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=100)
    unit_price_cents: int = Field(ge=0)


class OrderCreate(BaseModel):
    items: list[OrderItemIn] = Field(min_length=1)

    class Config:  # expect: LC501
        anystr_strip_whitespace = True


class OrderItemOut(BaseModel):  # expect: LC502
    sku: str
    quantity: int
    unit_price_cents: int


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    status: OrderStatus
    total_cents: int
    items: list[OrderItemOut]
    created_at: datetime
