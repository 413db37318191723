"""LC602 env-read-outside-config: `os.environ` / `os.getenv` read outside the config module."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import CONFIG_MODULE_NAMES
from layercheck.engine.context import FileContext
from layercheck.engine.rule import ServerCodeRule, callee_names, innermost_function
from layercheck.engine.walk import walk_subtree
from layercheck.rules.command_line import in_cli_command

ENVIRONS = frozenset({"os.environ", "os.environb"})
GETTERS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
_ADVICE = "outside the config module; add a field to the settings class"
# Variables that describe the terminal the process writes to, or Windows' own folders,
# set by the terminal, the user or the system for every program alike (no-color.org's
# `NO_COLOR`, `TERM`, `COLUMNS`, `SystemDrive`): code that draws on the terminal reads them
# where it draws, as rich and click do, and a settings field would rename a convention no
# user sets per app.
_TERMINAL_VARIABLES = frozenset(
    {
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "COLORTERM",
        "TERM_PROGRAM",
        "TERM_PROGRAM_VERSION",
        "VSCODE_PID",
        "WT_SESSION",
        "PYCHARM_HOSTED",
        "ANSICON",
        "COLUMNS",
        "LINES",
        "ConEmuANSI",
        "CONEMUANSI",
        "SystemDrive",
        "SystemRoot",
        "windir",
    }
)
# Where the system finds programs and libraries: a process edits them for its children
# (`os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")`), no app setting.
_SEARCH_PATHS = frozenset({"PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"})
# Variables that CI services set for every program they run: where the terminal's variables
# are read (is the output coloured?), whether it runs in CI is part of that question.
_CI_VARIABLES = frozenset(
    {"CI", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS", "JENKINS_URL", "BUILDKITE",
     "TF_BUILD", "TEAMCITY_VERSION", "APPVEYOR", "DRONE", "BITBUCKET_BUILD_NUMBER"}
)


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
        parts = context.task.module.split(".")
        # (the folder counts too where the module's name lost it: `scripts/` holding a
        # `setup.py` is named as a project of its own, and `scripts/migrate.py` `migrate`)
        in_scripts = "scripts" in parts or "/scripts/" in f"/{context.task.display_path}"
        # A `config.py` that also looks rows up through sessions is placed by its folders,
        # but its environment reads are still the configuration's (`slack/config.py`).
        config_named = parts[-1] in CONFIG_MODULE_NAMES and "config" in self.options["allowed-layers"]
        self._active = context.layer not in self.options["allowed-layers"] and not (in_scripts or config_named)
        # Whether the module loads the environment (`os.environ[key] = value` for keys it
        # reads from a source), found on the first read reported (see `_unless_config_helper`).
        self._loads_environment: bool | None = None
        # Functions found to write the environment (or not), by id, looked at only when a
        # read keyed by a variable is about to be reported; and found to name a variable of
        # the terminal's (or not).
        self._writing: dict[int, bool] = {}
        self._terminal: dict[int, bool] = {}

    def _bookkeeping(self, read: cst.Call | cst.Subscript) -> bool:
        """A read keyed by a variable in a function that writes the environment: the value
        saved to restore it afterwards (`{key: os.environ.get(key) for key in overrides}`),
        part of the write, not a setting read."""
        if _read_key(read) is not None:
            return False
        function = innermost_function(self.context.ancestors)
        if function is None:
            return False
        known = self._writing.get(id(function))
        if known is None:
            finder = _EnvironWrites(self)
            walk_subtree(function.body, finder)
            known = self._writing[id(function)] = finder.found
        return known

    def visit_Call(self, node: cst.Call) -> None:
        if not self._active:
            return
        qualname = self.names.qualified_name(node.func)
        if qualname in GETTERS and not (
            self._not_a_setting(_read_key(node))
            or self._forwarded(node)
            or self._bookkeeping(node)
            or self._unset_guard(node)
        ):
            spelled = "os." + qualname.split(".", 1)[1]
            condition = self._unless_config_helper()
            self.report(node, f"environment read with `{spelled}()` {_ADVICE}", condition=condition)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not self._active or self.names.qualified_name(node.value) not in ENVIRONS:
            return
        parent = self.context.ancestors[-1] if self.context.ancestors else None
        if isinstance(parent, (cst.AssignTarget, cst.Del, cst.AugAssign)) or (
            isinstance(parent, cst.AnnAssign) and parent.target is node
        ):
            return
        if self._not_a_setting(_read_key(node)) or self._forwarded(node) or self._bookkeeping(node):
            return
        condition = self._unless_config_helper()
        self.report(node, f"environment read with `os.environ[...]` {_ADVICE}", condition=condition)

    def _unless_config_helper(self) -> Condition | None:
        """A module in no layer that loads the environment and that the config module imports
        (`core/vault_loader.py` putting the Vault secrets in the environment before
        `Settings()` reads them) is the configuration's own loader: its reads are part of
        loading the settings, which the index decides (`config_helper`)."""
        if self.context.layer is not None:
            return None
        if self._loads_environment is None:
            module = self.context.ancestors[0] if self.context.ancestors else None
            loads = _EnvironLoads(self)
            if isinstance(module, cst.Module):
                walk_subtree(module, loads)
            self._loads_environment = loads.found
        if not self._loads_environment:
            return None
        return Condition("config_helper", (self.context.task.module,), negate=True)

    def _not_a_setting(self, key: str | None) -> bool:
        """A read that no settings field could replace: a variable of the terminal's or the
        system's (its search paths too); in a function that reads those, whether it runs in CI (also keyed by a
        loop over the CI services' names); any read in a command of a command-line program
        (`@cli.command()` printing the environment it runs in: code run by hand)."""
        if key in _TERMINAL_VARIABLES or key in _SEARCH_PATHS:
            return True
        if (key is None or key in _CI_VARIABLES) and self._reads_terminal():
            return True
        return in_cli_command(self.names, self.context.ancestors)

    def _reads_terminal(self) -> bool:
        """Whether the enclosing function names one of the terminal's variables."""
        function = innermost_function(self.context.ancestors)
        if function is None:
            return False
        known = self._terminal.get(id(function))
        if known is None:
            finder = _TerminalNames()
            walk_subtree(function.body, finder)
            known = self._terminal[id(function)] = finder.found
        return known

    def _forwarded(self, read: cst.Call | cst.Subscript) -> bool:
        """`{"PATH": os.environ.get("PATH", ""), ...}`: the variable copied under its own name
        into another environment (a child process's) is the environment passed on, not a
        setting the app reads."""
        key = _read_key(read)
        parent = self.context.ancestors[-1] if self.context.ancestors else None
        if key is None or not isinstance(parent, cst.DictElement) or parent.value is not read:
            return False
        return isinstance(parent.key, cst.SimpleString) and parent.key.evaluated_value == key

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if not self._active or not isinstance(node.operator, (cst.In, cst.NotIn)):
            return
        if self.names.qualified_name(node.comparator) not in ENVIRONS:
            return
        if self._guards_write(node) or self._returns_before_write(node):
            return
        comparison = self.context.ancestors[-1] if self.context.ancestors else None
        left = comparison.left if isinstance(comparison, cst.Comparison) else None
        key = left.evaluated_value if isinstance(left, cst.SimpleString) else None
        if self._not_a_setting(key if isinstance(key, str) else None):
            return
        condition = self._unless_config_helper()
        self.report(node.comparator, f"environment read with `in os.environ` {_ADVICE}", condition=condition)

    def _guards_write(self, node: cst.ComparisonTarget) -> bool:
        """`if key not in os.environ: os.environ[key] = value`: `setdefault` spelled out (a
        write that keeps what is set), not a read of a setting."""
        ancestors = self.context.ancestors
        if not isinstance(node.operator, cst.NotIn) or len(ancestors) < 2:
            return False
        comparison = ancestors[-1]
        # (also one condition of several: `if fips and "X" not in os.environ:`)
        outer = len(ancestors) - 2
        test: cst.CSTNode = comparison
        while outer > 0 and isinstance(ancestors[outer], cst.BooleanOperation):
            if not isinstance(ancestors[outer].operator, cst.And):  # type: ignore[attr-defined]
                return False
            test = ancestors[outer]
            outer -= 1
        guarded = _guarded_by(ancestors[outer], comparison, test)
        return guarded is not None and self._writes_only(guarded[0], guarded[1].left)

    def _returns_before_write(self, node: cst.ComparisonTarget) -> bool:
        """`if key in os.environ: return` and, further down the same function,
        `os.environ[key] = default`: `setdefault` spelled out the other way round."""
        ancestors = self.context.ancestors
        if not isinstance(node.operator, cst.In) or len(ancestors) < 2:
            return False
        guarded = _guarded_by(ancestors[-2], ancestors[-1], ancestors[-1])
        if guarded is None or not all(
            isinstance(line, cst.SimpleStatementLine)
            and all(isinstance(small, cst.Return) and small.value is None for small in line.body)
            for line in guarded[0].body.body
        ):
            return False
        function = innermost_function(ancestors)
        if function is None:
            return False
        finder = _KeyWrites(self, guarded[1].left)
        walk_subtree(function.body, finder)
        return finder.found

    def _unset_guard(self, read: cst.Call) -> bool:
        """`if not os.environ.get("SSL_CERT_FILE"): os.environ["SSL_CERT_FILE"] = ...`:
        `setdefault` spelled out with `get`, a write, not a setting read."""
        ancestors = self.context.ancestors
        if len(ancestors) < 2 or not read.args:
            return False
        negation, statement = ancestors[-1], ancestors[-2]
        if not (
            isinstance(negation, cst.UnaryOperation)
            and isinstance(negation.operator, cst.Not)
            and isinstance(statement, cst.If)
            and statement.test is negation
            and statement.orelse is None
            and isinstance(statement.body, cst.IndentedBlock)
        ):
            return False
        return self._writes_only(statement, read.args[0].value)

    def _writes_only(self, statement: cst.If, key: cst.BaseExpression) -> bool:
        """Whether the body of `statement` only sets `os.environ[key]` (and returns)."""
        if not isinstance(statement.body, cst.IndentedBlock):
            return False
        writes = 0
        for line in statement.body.body:
            if not isinstance(line, cst.SimpleStatementLine):
                return False
            for small in line.body:
                if isinstance(small, (cst.Return, cst.Pass)):
                    continue  # `os.environ[key] = value; return True`
                targets = small.targets if isinstance(small, cst.Assign) else ()
                if not targets or not all(self._environ_item(t.target, key) for t in targets):
                    return False
                writes += 1
        return writes > 0  # (`if name not in os.environ: return False` is a read)

    def _environ_item(self, target: cst.BaseExpression, key: cst.BaseExpression) -> bool:
        """`os.environ[key]` for the very `key` expression."""
        if not isinstance(target, cst.Subscript) or self.names.qualified_name(target.value) not in ENVIRONS:
            return False
        element = target.slice[0].slice if len(target.slice) == 1 else None
        return isinstance(element, cst.Index) and element.value.deep_equals(key)


class _EnvironWrites(cst.CSTVisitor):
    """Finds a write of the environment in a function body: `os.environ[k] = v`, `del
    os.environ[k]`, `os.environ.update(...)` / `.pop(...)` / `.setdefault(...)`."""

    _WRITERS = frozenset({"update", "pop", "setdefault", "clear", "popitem"})

    def __init__(self, rule: EnvReadOutsideConfig) -> None:
        self.rule = rule
        self.found = False

    def _environ(self, expression: cst.BaseExpression) -> bool:
        return self.rule.names.qualified_name(expression) in ENVIRONS

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and self._environ(target.value):
            self.found = True

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and self._environ(target.value):
            self.found = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in self._WRITERS and self._environ(func.value):
            self.found = True


class _EnvironLoads(cst.CSTVisitor):
    """Finds the environment loaded from a source in a module: `os.environ[key] = value` for a
    key read from one (the keys of a file or a secret store), `os.environ.update(...)`. (A
    module that sets one named variable, `os.environ["LOG_FILE"] = path`, loads nothing; one
    that calls `load_dotenv()` and reads its own keys is what LC602 is about.)"""

    def __init__(self, rule: EnvReadOutsideConfig) -> None:
        self.rule = rule
        self.found = False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and self.rule.names.qualified_name(target.value) in ENVIRONS:
            key = target.slice[0].slice if len(target.slice) == 1 else None
            if isinstance(key, cst.Index) and _sourced_key(key.value):
                self.found = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "update":
            self.found = self.found or self.rule.names.qualified_name(func.value) in ENVIRONS


def _sourced_key(key: cst.BaseExpression) -> bool:
    """A key read from a source (`key` of `for key, value in secrets.items()`, `f"APP_{name}"`),
    not one named variable (`"LOG_FILE"`, `LOG_FILE_KEY`, `Options.DEBUG.env_key`)."""
    if isinstance(key, cst.Name):
        return not key.value.isupper()
    return isinstance(key, (cst.FormattedString, cst.Subscript, cst.Call))


class _KeyWrites(cst.CSTVisitor):
    """Finds `os.environ[key] = ...` for one key expression in a function body."""

    def __init__(self, rule: EnvReadOutsideConfig, key: cst.BaseExpression) -> None:
        self.rule = rule
        self.key = key
        self.found = False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if self.rule._environ_item(node.target, self.key):
            self.found = True


class _TerminalNames(cst.CSTVisitor):
    """Finds a string naming one of the terminal's variables."""

    def __init__(self) -> None:
        self.found = False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if node.value.strip("'\"") in _TERMINAL_VARIABLES:
            self.found = True


def _guarded_by(
    statement: cst.CSTNode, comparison: cst.CSTNode, test: cst.CSTNode
) -> tuple[cst.If, cst.Comparison] | None:
    """`statement` and `comparison` typed, when `statement` is an `if` with no `else`
    whose whole test is `test`, which holds `comparison`, a single comparison (`key in
    os.environ`); None otherwise."""
    if (
        isinstance(comparison, cst.Comparison)
        and len(comparison.comparisons) == 1
        and isinstance(statement, cst.If)
        and statement.test is test
        and statement.orelse is None
        and isinstance(statement.body, cst.IndentedBlock)
    ):
        return statement, comparison
    return None


def _key_expression(read: cst.Call | cst.Subscript) -> cst.BaseExpression | None:
    """The expression a read names its variable with: `getenv(KEY)`, `os.environ[KEY]`."""
    if isinstance(read, cst.Call):
        return read.args[0].value if read.args else None
    element = read.slice[0].slice if len(read.slice) == 1 else None
    return element.value if isinstance(element, cst.Index) else None


def _read_key(read: cst.Call | cst.Subscript) -> str | None:
    """The variable's name a read names as a literal: `getenv("X")`, `os.environ["X"]`."""
    value = _key_expression(read)
    if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
        return value.evaluated_value
    return None
