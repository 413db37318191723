"""Findings are placed exactly, whatever the layout around them.

layercheck places a reported node by generating the code of the statement that holds it,
from where its logical line starts, and generates the whole file when it cannot trust that
(`engine/positions.py`). These files put `print()` calls (LC704) in every kind of statement,
clause and odd layout; the expected places come from the text itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_layercheck, write_project

LAYOUTS = {
    "statements": '''\
"""A module docstring."""
import os  # a comment


# comment lines before a decorated function
@decorator(
    print(1),  # in a decorator's arguments
)
# a comment between decorators
@other
async def handler(value=print(2)) -> None:
    """Docstring."""
    x = 1; print(3); y = 2
    if value:
        print(4)
    elif value is None:  # a comment
        print(5)
    else:
        print(6)
    for item in []:
        print(7)
    else:
        print(8)
    while False:
        print(9)
    else:
        print(10)
    try:
        print(11)
    except ValueError as error:
        print(12)
    except (TypeError, KeyError):
        print(13)
    else:
        print(14)
    finally:
        print(15)
    async with lock:
        print(16)
    async for item in stream():
        print(17)
    with open("f") as a, \\
            open("g") as b:
        print(18)
    match value:
        case 1 | 2:
            print(19)
        case {"key": other} if other:
            print(20)
        case _:
            print(21)
    total = 1 + \\
        print(22)
    text = """
a multi-line string
    with indentation
"""
    print(23) if text else print(24)
    return [
        print(25)
        for _ in range(3)
    ]
        # a comment indented deeper than the code after it
    # a comment at the block's own level


class Shape: x = print(26)


class Nested:
    def method(self):
        def inner():
            print(27)
        return lambda: print(28)

    if True: print(29)


print(30)
''',
    "tabs": "def f():\n\tif True:\n\t\tprint(1)\n\telse:\n\t\tprint(2)\n\tprint(3)\n",
    "no_final_newline": "def f():\n    print(1)\n\n\nprint(2)",
    "crlf": "def f():\r\n    x = (\r\n        1,\r\n    )\r\n    print(1)\r\n\r\nprint(2)\r\n",
    # Python 3.12 lets a replacement field of an f-string span lines.
    "fstring_lines": 'def f(amount):\n    x = f"-{\n        amount\n    }"\n    print(1)\n\n\nprint(2)\n',
    "form_feed": "def f():\n    print(1)\n\f\ndef g():\n    print(2)\n",
    "semicolons_and_suites": "if True: print(1); print(2)\nwhile False: print(3)\nclass A: pass; print(4)\n",
    "empty_lines_and_comments_at_start": "\n\n# comment\n\n\nprint(1)\n",
    # The same code more than once near each other: each call is placed where it is.
    "repeated_code": (
        "def f(x):\n"
        "    if x and print(x):\n"
        "        print(x); print(x)\n"
        "    elif print(x):\n"
        "        pass\n"
        "    elif x:\n"
        "        print(x)\n"
        "    with print(x), print(x):\n"
        "        print(x)\n"
        "    return [print(x) for x in print(x)]\n"
    ),
}


def expected_places(text: str) -> set[tuple[int, int, int, int]]:
    """(row, column, end row, end column) of each `print(...)` call, read off the text."""
    places = set()
    for number, line in enumerate(re.split(r"\r\n|\n", text), start=1):
        for match in re.finditer(r"print\([^()]*\)", line):
            column = len(line[: match.start()].expandtabs(1)) + 1
            places.add((number, column, number, column + len(match.group())))
    return places


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_print_is_placed_exactly(tmp_path: Path, layout: str) -> None:
    text = LAYOUTS[layout]
    root = write_project(tmp_path, {})
    target = root / "app" / "services" / "report.py"
    target.parent.mkdir(parents=True)
    target.write_bytes(text.encode())
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC704", "."], root)
    found = {
        (item["location"]["row"], item["location"]["column"], item["end_location"]["row"], item["end_location"]["column"])
        for item in run.json()
    }
    assert found == expected_places(text)


def test_annotations_reported_while_visiting_a_function(project) -> None:
    # LC203 reports a return annotation while the walk is on the function's own line.
    root = project(
        {
            "app/models/user.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.models.user import User

                router = APIRouter()


                @router.get(
                    "/users/{user_id}",
                    # a comment inside the decorator
                )
                async def get_user(
                    user_id: int,
                ) -> User:  # the ORM class in the return annotation
                    ...


                class Views:
                    @router.get("/me")
                    async def me(self) -> User:
                        ...
            """,
        }
    )
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC203", "."], root)
    places = sorted((item["location"]["row"], item["location"]["column"], item["end_location"]["column"]) for item in run.json())
    assert places == [(14, 6, 10), (20, 27, 31)]


def test_a_call_over_several_lines_in_a_nested_block(tmp_path: Path) -> None:
    text = (
        "class Report:\n"
        "    def run(self, rows):\n"
        "        for row in rows:\n"
        "            print(\n"
        "                row,\n"
        "                sep=', ',\n"
        "            )\n"
        "        print(\n"
        "            rows,\n"
        "        )\n"
    )
    root = write_project(tmp_path, {})
    target = root / "app" / "services" / "report.py"
    target.parent.mkdir(parents=True)
    target.write_text(text)
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC704", "."], root)
    found = sorted(
        (item["location"]["row"], item["location"]["column"], item["end_location"]["row"], item["end_location"]["column"])
        for item in run.json()
    )
    assert found == [(4, 13, 7, 14), (8, 9, 10, 10)]
