"""Order business logic: placing, listing and cancelling orders."""

import structlog
from fastapi import HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession  # expect: LC101

from src.models.order import Order, OrderItem
from src.repositories import order_repository as order_repo
from src.schemas.order import OrderCreate, OrderOut, OrderStatus
from src.services import user_service

log = structlog.get_logger()


async def place_order(db: AsyncSession, user_id: int, order_in: OrderCreate) -> OrderOut:
    user = await user_service.get_user(db, user_id)
    if not user.is_active:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Inactive users cannot order")
    items = [
        OrderItem(sku=item.sku, quantity=item.quantity, unit_price_cents=item.unit_price_cents)
        for item in order_in.items
    ]
    order = await order_repo.create(db, user_id=user_id, items=items)
    log.info(f"order {order.id} placed by user {user_id}")  # expect: LC701
    return OrderOut.model_validate(order)


async def list_orders(db: AsyncSession, user_id: int):
    orders = await order_repo.list_for_user(db, user_id)
    log.info("orders_listed", user_id=user_id, count=len(orders))
    return orders  # expect: LC301


async def get_order_model(db: AsyncSession, order_id: int) -> Order | None:  # expect: LC301
    return await db.get(Order, order_id)  # expect: LC302


async def pending_orders(db: AsyncSession) -> list[OrderOut]:
    stmt = select(Order).where(Order.status == OrderStatus.PENDING)  # expect: LC302
    orders = await db.scalars(stmt)  # expect: LC302
    return [OrderOut.model_validate(order) for order in orders]


async def cancel_order(db: AsyncSession, order_id: int) -> OrderOut:
    order = await order_repo.get_by_id(db, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail=f"Order {order_id} not found")  # ok: near-miss
    if order.status == OrderStatus.SHIPPED:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Shipped orders cannot be cancelled")
    order = await order_repo.set_status(db, order, OrderStatus.CANCELLED)
    log.warning("order %s cancelled" % order_id)  # expect: LC702
    return OrderOut.model_validate(order)
