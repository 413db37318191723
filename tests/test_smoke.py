"""The first thing a user does: run layercheck on a small app."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json


def test_router_with_sql_is_reported(project) -> None:
    root: Path = project(
        {
            "app/api/users.py": """
                from sqlalchemy import select
                from app.models.user import User

                async def list_users(db):
                    return await db.execute(select(User))
            """,
            "app/models/user.py": """
                class User:
                    pass
            """,
        }
    )
    run = check_json(root, "--select", "LC201")
    assert run.exit_code == 1
    assert sorted(run.codes()) == ["LC201", "LC201"]
