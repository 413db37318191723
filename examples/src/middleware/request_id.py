"""Give every request an id, echo it in the response and bind it to the log context."""

import logging
import os
import time
import uuid

import structlog
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

REQUEST_ID_HEADER = os.getenv("REQUEST_ID_HEADER", "X-Request-ID")  # expect: LC602

# Copied from the platform team's template, which predates structlog here.
logger = logging.getLogger(__name__)  # expect: LC703


class RequestIdMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        request_id = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = await call_next(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers[REQUEST_ID_HEADER] = request_id
        logger.info("request %s completed in %.1fms", request_id, elapsed_ms)  # ok: near-miss
        return response
