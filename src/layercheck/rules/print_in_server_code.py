"""LC704 print-in-server-code: `print()` in code that runs inside the server."""

from __future__ import annotations

import os

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.layers import glob_to_regex
from layercheck.engine.context import FileContext
from layercheck.engine.rule import Rule, callee_names, is_main_guard, names_in
from layercheck.rules.command_line import CLI_MODULES, is_cli_decorator

# Importing one of these makes a module a command-line program.
_SCRIPT_MODULES = frozenset({*CLI_MODULES, "argparse", "fire", "colorama", "prompt_toolkit", "questionary"})
# Called at module level, these run the module as a program (`asyncio.run(main())`).
_PROGRAM_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run", "uvloop.run"})
_APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})


class PrintInServerCode(Rule):
    """Flags calls to the builtin `print()` in server code.

    `print` writes unstructured text to stdout: no level, no timestamp, no request id, and
    nothing the log pipeline can filter or alert on (backend guide, step 6: logging).

    Server code is every module except: tests and migrations (by layer, and any module that
    imports `alembic`); command-line code: the `allowed-paths` globs (`scripts/`, `cli.py`,
    `__main__.py`, `manage.py`...), and modules outside the held layers that import
    `argparse`/`click`/`typer` or have an `if __name__ == "__main__":` block, unless they
    create the FastAPI app; elsewhere, functions decorated as click/typer commands, the
    `__main__` block and the functions it calls. A local or imported `print`
    (`from rich import print`) is not the builtin and is not reported.
    """

    code = "LC704"
    calls = callee_names({"builtins.print"}, _APP_CLASSES, _PROGRAM_RUNNERS)
    requires = ("print",)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        relative = os.path.relpath(context.task.path, context.settings.project_root).replace(os.sep, "/")
        if relative.startswith("../"):
            # The root spelled otherwise than the file (a symlink): below the real root.
            real_root = os.path.realpath(context.settings.project_root)
            relative = os.path.relpath(os.path.realpath(context.task.path), real_root).replace(os.sep, "/")
        self.allowed_path = any(
            glob_to_regex(glob.strip("/")).match(relative) for glob in self.options["allowed-paths"]
        )
        self.imports_alembic = False
        self.imports_cli = False
        self.has_main_guard = False
        self.creates_app = False
        # (call, name of the enclosing module-level function or None)
        self.prints: list[tuple[cst.Call, str | None]] = []
        # Module-level functions called from the `__main__` block: the script's entry points.
        self.entry_points: set[str] = set()
        self._main_guard_depth = 0
        self._cli_function_depth = 0

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._imported(_top_name(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self._imported(_top_name(node.module))

    def _imported(self, top: str | None) -> None:
        if top == "alembic":
            self.imports_alembic = True
        elif top in _SCRIPT_MODULES:
            self.imports_cli = True

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # ANSI colour codes (`BOLD = "\\033[1m"`): output written for a terminal, a program's
        # report (an evaluation runner's console reporter), not a server's.
        if not self.imports_cli and ("\\033[" in node.value or "\\x1b[" in node.value or "\x1b[" in node.value):
            self.imports_cli = True

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node.test):
            self._main_guard_depth += 1
            self.has_main_guard = True
            # `main()`, `asyncio.run(main())`, `typer.run(main)`: the names the block uses
            # (read here, so that the walk never visits every name of every file).
            self.entry_points.update(names_in(node))

    def leave_If(self, original_node: cst.If) -> None:
        if is_main_guard(original_node.test):
            self._main_guard_depth -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if any(is_cli_decorator(self.names, d.decorator) for d in node.decorators):
            self._cli_function_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if any(is_cli_decorator(self.names, d.decorator) for d in original_node.decorators):
            self._cli_function_depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self.allowed_path:
            return
        if self._main_guard_depth:
            return
        if self._cli_function_depth:
            return
        qualname = self.names.qualified_name(node.func)
        if qualname in _PROGRAM_RUNNERS and self.names.at_module_level:
            self.has_main_guard = True  # a program run as a script, without the guard
            self.entry_points.update(names_in(node))
        elif qualname == "builtins.print":
            if self._logging_sink():
                return
            self.prints.append((node, self._top_function()))
            self.context.remember(node)  # reported at `leave_Module`
        elif qualname in _APP_CLASSES:
            self.creates_app = True

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.imports_alembic:
            return
        # A program run from the command line (argparse/click/typer, or a `__main__` guard),
        # unless it is part of the layers or builds the web app itself.
        is_script = (self.imports_cli or self.has_main_guard) and not self.context.task.held
        if is_script and not self.creates_app:
            return
        # A module in no layer is server code when the app reaches it (an SDK's terminal
        # helpers beside the server are not): the index follows the imports from where the
        # server starts.
        # So is a module named as an example of use (`crud/usage_examples.py`, `demo.py`),
        # whatever folder it was filed in: documentation unless the server imports it.
        # And a module of a layer the server only imports (the database module, the settings,
        # the models, the schemas) is server code when the server imports it: a `utils/db.py`
        # creating the database that only a migration script imports prints to that script.
        in_sight = (
            self.context.task.layer is None
            or self.context.task.layer in _IMPORTED_LAYERS
            or _named_as_example(self.names.module)
        )
        served = Condition("served", (self.names.module,)) if in_sight else None
        for call, function in self.prints:
            if function is not None and function in self.entry_points:
                continue
            self.report(call, "`print()` in server code; log with a structured logger instead", condition=served)

    def _logging_sink(self) -> bool:
        """The print is the body of a lambda given to a logger as where its records go
        (`logger.add(sink=lambda msg: print(msg, end=""))`): the log pipeline's own output."""
        ancestors = self.context.ancestors
        for position in range(len(ancestors) - 1, 1, -1):
            if not isinstance(ancestors[position], cst.Lambda):
                continue
            argument, call = ancestors[position - 1], ancestors[position - 2]
            if not (isinstance(argument, cst.Arg) and isinstance(call, cst.Call)):
                return False
            if argument.keyword is not None:
                return argument.keyword.value == "sink"
            func = call.func
            return (
                isinstance(func, cst.Attribute)
                and func.attr.value == "add"
                and bool(self.names.logger_flavour(func.value))
                and call.args[0] is argument
            )
        return False

    def _top_function(self) -> str | None:
        for node in self.context.ancestors:
            if isinstance(node, cst.FunctionDef):
                return node.name.value
            if isinstance(node, cst.ClassDef):
                return None
        return None


def _named_as_example(module: str) -> bool:
    """`usage_examples`, `example_client`, `demo`: a module that shows how to use the code."""
    words = module.rsplit(".", 1)[-1].lower().split("_")
    return bool(_EXAMPLE_WORDS.intersection(words))


_EXAMPLE_WORDS = frozenset({"example", "examples", "demo", "demos"})
# Layers whose modules run only when another module imports them.
_IMPORTED_LAYERS = frozenset({"database", "config", "model", "schema"})


def _top_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None
