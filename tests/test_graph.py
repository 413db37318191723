"""`layercheck graph`: the layer dependency graph measured from the actual imports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_layercheck

FILES = {
    "app/api/users.py": """
        from app.services.users import list_users
        from app.repositories.users import UserRepository
        from app.schemas.user import UserOut
        from app.schemas.user import UserIn
        from fastapi import APIRouter
    """,
    "app/services/users.py": """
        from app.repositories.users import UserRepository
        from app.schemas.user import UserOut

        def list_users():
            return UserRepository()
    """,
    "app/repositories/users.py": """
        from app.models.user import User

        class UserRepository:
            pass
    """,
    "app/models/user.py": """
        class User:
            pass
    """,
    "app/schemas/user.py": """
        class UserIn:
            pass

        class UserOut:
            pass
    """,
    "tests/test_users.py": """
        from app.api.users import list_users
        from app.repositories.users import UserRepository
    """,
}


@pytest.fixture
def app(project) -> Path:
    return project(FILES)


def graph(root: Path, *flags: str) -> str:
    result = run_layercheck(["graph", "--no-cache", *flags], root)
    assert result.exit_code == 0, result.stderr
    return result.output


def test_mermaid_names_the_layers_and_marks_the_forbidden_edge(app: Path) -> None:
    output = graph(app)
    lines = output.splitlines()
    assert lines[0] == "flowchart LR"
    for layer in ("api", "service", "repository", "model", "schema"):
        assert re.search(rf'^    L\d+_{layer}\["{layer} \(1 module\)"\]$', output, re.MULTILINE)
    assert "tests" not in output  # tests import everything: left out of the picture
    edges = [line.strip() for line in lines if "-->" in line]
    assert edges == [
        'L0_api -->|"1"| L1_service',
        'L0_api -->|"1 forbidden"| L2_repository',
        'L0_api -->|"2"| L4_schema',
        'L1_service -->|"1"| L2_repository',
        'L1_service -->|"1"| L4_schema',
        'L2_repository -->|"1"| L3_model',
    ]
    assert lines[-1] == "    linkStyle 1 stroke:#d1242f,stroke-width:2px,color:#d1242f"


def test_dot_colours_the_forbidden_edge(app: Path) -> None:
    output = graph(app, "--format", "dot")
    assert output.startswith("digraph layers {\n    rankdir=LR;")
    forbidden = [line for line in output.splitlines() if "#d1242f" in line]
    assert forbidden == [
        '    L0_api -> L2_repository [label="1 forbidden", color="#d1242f", fontcolor="#d1242f", penwidth=2];'
    ]


def test_json_counts_imports_and_violations(app: Path) -> None:
    data = json.loads(graph(app, "--format", "json"))
    assert [node["name"] for node in data["nodes"]] == ["api", "service", "repository", "model", "schema"]
    edges = {
        (edge["from"], edge["to"]): (edge["imports"], edge["violations"], edge["allowed"]) for edge in data["edges"]
    }
    assert edges[("api", "schema")] == (2, 0, True)
    assert edges[("api", "repository")] == (1, 1, False)


def test_modules_of_one_layer_pair(app: Path) -> None:
    output = graph(app, "--modules", "api,repository")
    assert 'subgraph G0["api"]' in output and 'subgraph G1["repository"]' in output
    edges = [line.strip() for line in output.splitlines() if "-->" in line]
    assert edges == ['M0_app_api_users -->|"1 forbidden"| M1_app_repositories_users']
    assert output.rstrip().endswith("linkStyle 0 stroke:#d1242f,stroke-width:2px,color:#d1242f")


def test_modules_of_one_layer_shows_its_imports(app: Path) -> None:
    data = json.loads(graph(app, "--modules", "service", "--format", "json"))
    assert [(edge["from"], edge["to"]) for edge in data["edges"]] == [
        ("app.services.users", "app.repositories.users"),
        ("app.services.users", "app.schemas.user"),
    ]


def test_an_unknown_layer_is_a_usage_error(app: Path) -> None:
    result = run_layercheck(["graph", "--no-cache", "--modules", "controllers"], app)
    assert result.exit_code == 2
    assert "unknown layer `controllers`" in result.stderr
