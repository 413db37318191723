"""LC602 env-read-outside-config: `os.environ` / `os.getenv` read outside the config module."""

from __future__ import annotations

import libcst as cst

from layercheck.engine.context import FileContext
from layercheck.engine.rule import ServerCodeRule, callee_names

ENVIRONS = frozenset({"os.environ", "os.environb"})
GETTERS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
_ADVICE = "outside the config module; add a field to the settings class"


class EnvReadOutsideConfig(ServerCodeRule):
    """Flags a read of the process environment outside the config layer: `os.getenv(...)`,
    `os.environ.get(...)`, `os.environ["X"]` and `"X" in os.environ` (also after
    `from os import environ, getenv`).

    The backend guide reads configuration once, in `config.py`, with pydantic-settings:
    values are typed, validated at startup, documented in one class and listed in
    `.env.example`. A read scattered in a service or a task fails late, at the first call,
    and escapes that inventory. Writes (`os.environ["X"] = ...`, `setdefault`) are not
    reads and pass; so does passing `os.environ` on to a subprocess. A layer-free rule: it
    checks modules in no layer too, but not tests, migrations, or a `scripts` package
    (tools run by hand, whose interface is the environment).
    """

    code = "LC602"
    calls = callee_names(GETTERS)
    requires = ("environ", "getenv")

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        in_scripts = "scripts" in context.task.module.split(".")
        self._active = context.layer not in self.options["allowed-layers"] and not in_scripts

    def visit_Call(self, node: cst.Call) -> None:
        if not self._active:
            return
        qualname = self.names.qualified_name(node.func)
        if qualname in GETTERS:
            spelled = "os." + qualname.split(".", 1)[1]
            self.report(node, f"environment read with `{spelled}()` {_ADVICE}")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not self._active or self.names.qualified_name(node.value) not in ENVIRONS:
            return
        parent = self.context.ancestors[-1] if self.context.ancestors else None
        if isinstance(parent, (cst.AssignTarget, cst.Del, cst.AugAssign)) or (
            isinstance(parent, cst.AnnAssign) and parent.target is node
        ):
            return
        self.report(node, f"environment read with `os.environ[...]` {_ADVICE}")

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if not self._active or not isinstance(node.operator, (cst.In, cst.NotIn)):
            return
        if self.names.qualified_name(node.comparator) in ENVIRONS:
            self.report(node.comparator, f"environment read with `in os.environ` {_ADVICE}")
