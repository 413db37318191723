"""The thirty-first round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings

# ----- many models deriving from one abstract base ---------------------------------------

_RECORD_BASE = """
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class RecordModel(Base):
    __abstract__ = True
"""


def _record_models(count: int) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/models/__init__.py": "", "app/models/base.py": _RECORD_BASE}
    for number in range(count):
        files[f"app/models/thing_{number}.py"] = (
            "from app.models.base import RecordModel\n\n\n"
            f"class Thing{number}(RecordModel):\n    __tablename__ = 'things_{number}'\n"
        )
    return files


def test_hundreds_of_models_under_one_abstract_base_are_judged_without_a_deep_recursion(tmp_path: Path) -> None:
    # Whether the abstract `RecordModel` is an interface of the data layer is asked of each
    # model deriving from it, and each of them asked it again, one level deeper per model:
    # a project of some hundreds of models ran out of stack and the run was lost. The run
    # completes, and the router's model import and query are found as with three models.
    router = """
        from fastapi import APIRouter
        from sqlalchemy import select

        from app.models.thing_1 import Thing1

        router = APIRouter()


        @router.get("/things")
        async def list_things(session):
            return await session.execute(select(Thing1))
        """
    expected = {("app/api/routes/things.py", line, code) for line, code in ((2, "LC104"), (4, "LC104"), (11, "LC201"))}
    for count in (3, 600):
        root = write_project(tmp_path / str(count), {**_record_models(count), "app/api/routes/things.py": router})
        # (every rule runs: the question is asked by the import contracts, LC102 and LC103)
        assert set(findings(root, "LC0", "LC1", "LC2")) == expected, count
