"""SPEC revision 2, the lessons of the sixth round: an app whose routes and socket.io handlers
reach a pluggable data layer (an abstract `BaseDataLayer`, one implementation running the
queries) through a getter, `if data_layer := get_data_layer():`, while `session` names the
websocket session. Each lesson is a small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, placed

DATA_PACKAGE = {
    "chat/__init__.py": "",
    "chat/data/__init__.py": """
        from typing import Optional

        from .base import BaseDataLayer

        _data_layer: Optional[BaseDataLayer] = None


        def get_data_layer():
            global _data_layer
            if _data_layer is None:
                from .sql import SQLDataLayer

                _data_layer = SQLDataLayer("sqlite+aiosqlite:///chat.db")
            return _data_layer


        def data_layer_enabled() -> bool:
            return _data_layer is not None
    """,
    "chat/data/base.py": """
        from abc import ABC, abstractmethod


        class BaseDataLayer(ABC):
            @abstractmethod
            async def get_thread(self, thread_id: str): ...

            @abstractmethod
            async def delete_thread(self, thread_id: str) -> None: ...
    """,
    "chat/data/sql.py": """
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

        from .base import BaseDataLayer


        class SQLDataLayer(BaseDataLayer):
            def __init__(self, url: str) -> None:
                self.engine = create_async_engine(url)
                self.session_maker = async_sessionmaker(self.engine, class_=AsyncSession)

            async def get_thread(self, thread_id: str):
                async with self.session_maker() as session:
                    result = await session.execute(text("SELECT * FROM threads WHERE id = :id"), {"id": thread_id})
                    return result.mappings().first()

            async def delete_thread(self, thread_id: str) -> None:
                async with self.session_maker() as session:
                    await session.execute(text("DELETE FROM threads WHERE id = :id"), {"id": thread_id})
                    await session.commit()
    """,
    "chat/session.py": """
        ws_sessions: dict = {}


        class WebsocketSession:
            def __init__(self, sid: str) -> None:
                self.sid = sid
                ws_sessions[sid] = self

            @classmethod
            def get(cls, sid: str):
                return ws_sessions.get(sid)

            async def delete(self) -> None:
                ws_sessions.pop(self.sid, None)
    """,
}


def test_what_a_getter_hands_out_is_the_data_layer_also_bound_by_a_walrus(tmp_path: Path) -> None:
    # `get_data_layer()` returns the module's `_data_layer: Optional[BaseDataLayer]`: what it
    # returns is the data layer, also when the walrus binds it. The getter itself is an
    # accessor, no repository function: importing or calling it is not reported (one
    # finding per use of the data layer, on the method called).
    root = write_project(
        tmp_path / "proj",
        {
            **DATA_PACKAGE,
            "chat/server.py": """
                from fastapi import APIRouter

                from chat.data import data_layer_enabled, get_data_layer

                router = APIRouter()


                @router.get("/threads/{thread_id}")
                async def read_thread(thread_id: str):
                    if data_layer := get_data_layer():
                        return await data_layer.get_thread(thread_id)
                    return None


                @router.get("/enabled")
                async def enabled() -> bool:
                    return data_layer_enabled()
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [("chat/server.py", 11, "LC202")]


def test_socket_io_handlers_are_entry_points_like_routes(tmp_path: Path) -> None:
    # `@sio.on("delete_thread")` and `@sio.event` answer clients as endpoints do, with the
    # server imported from another module: the module is the api layer and its calls into
    # the data layer skip the service layer. The websocket session's `delete()` (a class named
    # for another kind of session, looked up by its classmethod) is no database call.
    root = write_project(
        tmp_path / "proj",
        {
            **DATA_PACKAGE,
            "chat/app.py": """
                import socketio

                sio = socketio.AsyncServer(async_mode="asgi")
            """,
            "chat/socket.py": """
                from chat.app import sio
                from chat.data import get_data_layer
                from chat.session import WebsocketSession


                @sio.on("delete_thread")
                async def delete_thread(sid, thread_id: str) -> None:
                    data_layer = get_data_layer()
                    await data_layer.delete_thread(thread_id)


                @sio.event
                async def disconnect(sid) -> None:
                    if session := WebsocketSession.get(sid):
                        await session.delete()
            """,
            "chat/worker.py": """
                from chat.data import get_data_layer


                def on(event: str):
                    return lambda handler: handler


                @on("cleanup")
                async def cleanup(thread_id: str) -> None:
                    await get_data_layer().delete_thread(thread_id)
            """,
        },
    )
    layers = placed(root)
    assert layers["chat/socket.py"]["layer"] == "api"
    assert "socket.io" in layers["chat/socket.py"]["evidence"]
    assert layers["chat/worker.py"]["layer"] == "task"  # (a worker by its name, no socket.io module)
    assert findings(root, "LC102", "LC201", "LC202") == [("chat/socket.py", 9, "LC202")]
