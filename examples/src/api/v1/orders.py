"""Order endpoints. This router has drifted: it reaches past the service layer."""

import structlog
from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import select  # expect: LC104

from src.api.deps import CurrentUser
from src.database import SessionDep
from src.models.order import Order  # expect: LC104
from src.repositories import order_repository as order_repo  # expect: LC102
from src.schemas.order import OrderCreate, OrderOut, OrderStatus
from src.services import order_service

log = structlog.get_logger()
router = APIRouter(prefix="/orders", tags=["orders"])


@router.post("", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
async def place_order(order_in: OrderCreate, user: CurrentUser, db: SessionDep) -> OrderOut:
    try:
        return await order_service.place_order(db, user.id, order_in)
    except Exception as exc:
        raise HTTPException(status_code=500, detail=str(exc))  # expect: LC603


@router.get("", response_model=list[OrderOut])
async def list_orders(user: CurrentUser, db: SessionDep):
    return await order_service.list_orders(db, user.id)


@router.get("/pending", response_model=list[OrderOut])
async def list_pending(user: CurrentUser, db: SessionDep) -> list[OrderOut]:
    stmt = select(Order).where(Order.user_id == user.id, Order.status == OrderStatus.PENDING)  # expect: LC201
    orders = await db.scalars(stmt)  # expect: LC201
    return [OrderOut.model_validate(order) for order in orders]


@router.get(
    "/{order_id}",
    response_model=Order,  # expect: LC203
)
async def get_order(order_id: int, user: CurrentUser, db: SessionDep):
    order = await order_repo.get_by_id(db, order_id)  # expect: LC202
    if order is None or order.user_id != user.id:
        raise HTTPException(status_code=404, detail=f"Order {order_id} not found")  # ok: near-miss
    return order


@router.get("/{order_id}/raw")
async def get_order_raw(order_id: int, db: SessionDep) -> Order:  # expect: LC203
    return await order_service.get_order_model(db, order_id)


@router.post("/{order_id}/status", response_model=OrderOut)
async def update_status(order_id: int, request: Request, db: SessionDep) -> OrderOut:
    payload = await request.json()  # expect: LC204
    if payload.get("status") != OrderStatus.CANCELLED:  # ok: near-miss
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="Only cancellation is supported")
    log.info("order_status_change_requested", order_id=order_id, status=payload["status"])
    return await order_service.cancel_order(db, order_id)
