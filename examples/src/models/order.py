"""The `orders` and `order_items` tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from src.models.base import Base, TimestampMixin
from src.schemas.order import OrderStatus  # expect: LC103

if TYPE_CHECKING:
    from src.models.user import User


class Order(TimestampMixin, Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(String(20), default=OrderStatus.PENDING)
    total_cents: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", lazy="selectin"
    )


class OrderItem(Base):
    """Ported from the old 1.x codebase and never converted to `Mapped[...]`."""

    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True)  # expect: LC503
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)  # expect: LC503
    sku = Column(String(64), nullable=False)  # expect: LC503
    quantity = Column(Integer, nullable=False, default=1)  # expect: LC503
    unit_price_cents = Column(Integer, nullable=False)  # expect: LC503

    order: Mapped[Order] = relationship(back_populates="items")
