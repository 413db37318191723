"""Application entry point: the FastAPI app, its lifespan, middleware and routers."""

import logging  # ok: near-miss
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from src.api.v1 import api_router
from src.config import settings
from src.database import engine
from src.middleware.request_id import RequestIdMiddleware

_log_level = logging.getLevelNamesMapping()[settings.LOG_LEVEL]  # ok: near-miss
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.processors.JSONRenderer(),
    ],
    wrapper_class=structlog.make_filtering_bound_logger(_log_level),
)

log = structlog.get_logger()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    log.info("startup", environment=settings.ENVIRONMENT)
    yield
    await engine.dispose()
    log.info("shutdown")


app = FastAPI(title="Shop example", lifespan=lifespan)
app.add_middleware(RequestIdMiddleware)
app.include_router(api_router)


@app.exception_handler(Exception)
async def unhandled_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    # Full traceback goes to the logs; the client only ever sees a generic message.
    log.exception("unhandled_exception", path=request.url.path, method=request.method)
    return JSONResponse(status_code=500, content={"detail": "Internal server error"})


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
