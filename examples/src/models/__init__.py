"""ORM models. Import them from here so that every table is registered on `Base.metadata`."""

from src.models.base import Base, TimestampMixin
from src.models.order import Order, OrderItem
from src.models.user import User

__all__ = ["Base", "Order", "OrderItem", "TimestampMixin", "User"]
