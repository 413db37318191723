"""Data access for orders."""

from collections.abc import Sequence

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession  # ok: near-miss

from src.models import Order, OrderItem


async def get_by_id(db: AsyncSession, order_id: int) -> Order | None:
    return await db.get(Order, order_id)


async def list_for_user(db: AsyncSession, user_id: int) -> Sequence[Order]:
    stmt = select(Order).where(Order.user_id == user_id).order_by(Order.created_at.desc())
    result = await db.scalars(stmt)
    return result.all()


async def create(db: AsyncSession, *, user_id: int, items: list[OrderItem]) -> Order:
    total = sum(item.quantity * item.unit_price_cents for item in items)
    order = Order(user_id=user_id, items=items, total_cents=total)
    db.add(order)
    await db.flush()
    await db.refresh(order)
    return order


async def set_status(db: AsyncSession, order: Order, status: str) -> Order:
    order.status = status
    await db.flush()
    return order


async def mark_shipped(db: AsyncSession, order_ids: list[int]) -> None:
    for order_id in order_ids:
        await db.execute(  # expect: LC405
            update(Order).where(Order.id == order_id).values(status="shipped")
        )


async def revenue_summary(db: AsyncSession, user_id: int):
    stmt = select(func.count(Order.id), func.coalesce(func.sum(Order.total_cents), 0)).where(
        Order.user_id == user_id
    )
    count, total = (await db.execute(stmt)).one()
    return {"orders": count, "total_cents": total}  # expect: LC402


def by_sku(term: str) -> Select[tuple[Order]]:  # ok: near-miss (builds a statement, no I/O)
    return select(Order).join(Order.items).where(OrderItem.sku.ilike(f"%{term}%")).distinct()


def search_by_sku(db: AsyncSession, term: str):  # expect: LC401
    return db.scalars(by_sku(term))  # a coroutine nobody awaits, or a blocking call once made sync
