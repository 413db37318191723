"""Version 1 of the HTTP API: one router per resource, mounted under `/api/v1`."""

from fastapi import APIRouter

from . import orders, users

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(users.router)
api_router.include_router(orders.router)
