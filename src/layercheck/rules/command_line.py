"""Recognising the commands of a command-line program (click, typer), shared by LC602 and
LC704: a function they run is code run by hand, not by the server."""

from __future__ import annotations

import libcst as cst

from layercheck.engine.names import NameTable

# Decorators that make a function a command-line command (click, typer, their groups).
CLI_DECORATOR_ATTRIBUTES = frozenset({"command", "group", "callback", "result_callback"})
CLI_MODULES = ("click", "typer", "asyncclick", "cyclopts")


def is_cli_decorator(names: NameTable, decorator: cst.BaseExpression) -> bool:
    """`@click.command()`, `@app.command()` on `app = typer.Typer()`, `@cli.command()` on a
    click group function of the module."""
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    qualname = names.qualified_name(target) or ""
    if qualname.split(".")[0] in CLI_MODULES:
        return True
    if not isinstance(target, cst.Attribute) or target.attr.value not in CLI_DECORATOR_ATTRIBUTES:
        return False
    receiver = names.value_binding(target.value)
    if receiver is None:
        return False
    if receiver.instance_of is not None:
        return receiver.instance_of.split(".")[0] in CLI_MODULES
    shown = target.value.value if isinstance(target.value, cst.Name) else ""
    return receiver.qualname == f"{names.module}.{shown}"


def in_cli_command(names: NameTable, ancestors: list[cst.CSTNode]) -> bool:
    """Whether the walk is inside a function decorated as a command-line command."""
    return any(
        isinstance(node, cst.FunctionDef) and any(is_cli_decorator(names, d.decorator) for d in node.decorators)
        for node in ancestors
    )
