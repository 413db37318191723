"""Check one file: read it once, parse it once, run every applicable rule in one walk.

The result (`FileRecord`) depends only on the file's bytes, its task and the settings, so
it can be computed in a worker process and cached; questions about the rest of the project
travel in it as candidates for the run to decide.
"""

from __future__ import annotations

import ast
import re
import traceback
from dataclasses import replace
from functools import cache

import libcst as cst

from layercheck.domain.diagnostics import FILE_START, Diagnostic, Span
from layercheck.domain.facts import ModuleFacts, Suppression
from layercheck.domain.layers import ENTRYPOINT_LAYERS
from layercheck.domain.noqa import comment_lines
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.registry import BY_CODE, implementation_class
from layercheck.domain.settings import Settings
from layercheck.engine.collect import FactsCollector
from layercheck.engine.context import FileContext
from layercheck.engine.fidelity import parser_failure
from layercheck.engine.limits import scan
from layercheck.engine.members import MemberCollector
from layercheck.engine.module_uses import ModuleUseCollector, names_read_in
from layercheck.engine.names import NameTable, NameTableBuilder
from layercheck.engine.native_parse import parse_module
from layercheck.engine.role_layer import role_layer
from layercheck.engine.roles import RoleCollector, probe_statement
from layercheck.engine.rule import Rule
from layercheck.engine.source import Source, SourceError, decode, read_source
from layercheck.engine.walk import Dispatcher

# Layers whose files get only the rules on how a line is written (tests, migrations).
_UNCHECKED_LAYERS = frozenset({"tests", "migrations"})
# Layers whose modules the project rules judge by what they read off the modules they import
# whole (`from app import models`, then `models.User`).
_READS_OFF_MODULES = ENTRYPOINT_LAYERS | {"schema"}

_SUPPRESSION = re.compile(
    r"#\s*(?:noqa\s*:\s*(?P<noqa>[A-Za-z]+[0-9][A-Za-z0-9]*(?:[\s,]+[A-Za-z]+[0-9][A-Za-z0-9]*)*)"
    r"|layercheck\s*:\s*ignore\[(?P<ignore>[^\]]*)\])"
)


@cache
def rule_classes(codes: frozenset[str]) -> tuple[type[Rule], ...]:
    """The per-file rule classes for the enabled codes, imported once per process."""
    classes = []
    for code in sorted(codes):
        info = BY_CODE.get(code)
        if info is None or info.scope != "file" or info.implementation is None:
            continue
        classes.append(implementation_class(info))
    return tuple(classes)


def find_suppressions(text: str) -> list[Suppression]:
    """Suppression comments naming LC codes (other tools' `# noqa: E501` are left alone)."""
    if "noqa" not in text and "layercheck" not in text:
        return []
    found = []
    # Only real comments count: a docstring that quotes a directive suppresses nothing (and
    # LC002's fix must never edit a string). None: the tokenizer failed, scan every line.
    scanned = comment_lines(text)
    comments = scanned[1] if scanned is not None else None
    # Lines as the parser counts them (`str.splitlines` also splits at form feeds).
    for number, line in enumerate(re.split(r"\r\n?|\n", text), start=1):
        if "#" not in line:
            continue
        comment = comments.get(number) if comments is not None else (1, "")
        if comment is None:
            continue
        for match in _SUPPRESSION.finditer(line, comment[0] - 1):
            raw = match.group("noqa") or match.group("ignore") or ""
            codes = tuple(c for c in re.split(r"[\s,]+", raw.strip()) if c)
            if match.group("noqa"):
                codes = tuple(c for c in codes if c.upper().startswith("LC"))
                if not codes:
                    continue
            found.append(Suppression(number, match.start() + 1, match.end() + 1, codes, line))
    return found


def _engine_diagnostic(task: FileTask, code: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    span = Span.of(line, column, line, column) if line > 0 else FILE_START
    return Diagnostic(code=code, message=message, path=task.display_path, span=span)


def _unparsed(task: FileTask, diagnostic: Diagnostic) -> FileRecord:
    facts = ModuleFacts(
        path=task.display_path,
        module=task.module,
        layer=task.layer,
        is_package=task.is_package,
        parsed=False,
        aliases=list(task.aliases),
    )
    return FileRecord(facts=facts, diagnostics=[diagnostic])


def parse(task: FileTask, source: Source, logical_lines: list[int] | None = None) -> cst.Module | Diagnostic:
    """The libcst tree of a file, or the LC001 finding that says why there is none; where
    its logical lines start goes to `logical_lines` when given (`limits.scan`)."""
    refused = scan(source.text, logical_lines)  # what could crash or exhaust the native parser
    if refused is not None:
        return _engine_diagnostic(task, "LC001", refused.message, refused.line, refused.column)
    try:
        return parse_module(source.text)
    except cst.ParserSyntaxError as error:
        return _syntax_error(task, source, error)
    except RecursionError:
        return _engine_diagnostic(task, "LC001", "too deeply nested to parse (recursion limit)")
    except Exception as error:  # the native parser can raise other errors on odd input
        message, line, column = parser_failure(source.text, error)
        return _engine_diagnostic(task, "LC001", message, line, column)


def _syntax_error(task: FileTask, source: Source, error: cst.ParserSyntaxError) -> Diagnostic:
    """LC001 for a file libcst cannot parse, placed and worded as Python itself would.

    libcst's native parser often points past the real mistake; on this (rare) path Python's
    own compiler, asked only for a syntax tree (nothing runs), gives the better place and
    message. If the running Python accepts the file, libcst's own words are used.
    """
    try:
        compile(source.text, task.display_path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python_error:
        if python_error.lineno:
            return _engine_diagnostic(
                task, "LC001", f"syntax error: {python_error.msg}", python_error.lineno, python_error.offset or 1
            )
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(error.message).strip().splitlines()[0] if error.message else "invalid syntax"
    return _engine_diagnostic(task, "LC001", f"syntax error: {message}", error.raw_line, error.raw_column + 1)


class _RuleFailures:
    """Collects rules that raised; each becomes one LC000 finding and stops for this file."""

    def __init__(self, task: FileTask, verbose: bool) -> None:
        self.task = task
        self.verbose = verbose
        self.diagnostics: list[Diagnostic] = []

    def record(self, owner: object, error: BaseException) -> None:
        code = getattr(owner, "code", type(owner).__name__)
        cause = f"{type(error).__name__}: {error}".strip().splitlines()[0]
        message = f"internal error in {code}: {cause}"
        if self.verbose:
            message += "\n" + "".join(traceback.format_exception(error))
        self.diagnostics.append(_engine_diagnostic(self.task, "LC000", message))


def check_source(
    task: FileTask,
    source: Source,
    settings: Settings,
    verbose: bool = False,
    relayered: tuple[cst.Module, list[int]] | None = None,
) -> FileRecord:
    """Check decoded source text (the editor's unsaved buffer goes straight here).

    A module whose code shows what it unmistakably is (routes, background jobs, settings,
    the engine: `engine/role_layer.py`) is walked again in that layer, unless the user's
    configuration placed it; `relayered` hands that second walk the tree already parsed."""
    if relayered is not None:
        module, logical_lines = relayered
    else:
        logical_lines = []
        parsed = parse(task, source, logical_lines)
        if isinstance(parsed, Diagnostic):
            return _unparsed(task, parsed)
        module = parsed
    facts = ModuleFacts(
        path=task.display_path,
        module=task.module,
        layer=task.layer,
        is_package=task.is_package,
        aliases=list(task.aliases),
        suppressions=find_suppressions(source.text),
    )
    factories = {name: "structlog" for name in settings.logger_factories}
    table = NameTable(task.module, task.is_package, factories)
    dispatcher = Dispatcher([])
    builder = NameTableBuilder(table, dispatcher.stack)
    collector = FactsCollector(facts, table, builder)
    context = FileContext(
        task, source.text, module, table, settings, dispatcher.stack, logical_lines, dispatcher.cursor
    )
    rules: list[Rule] = []
    unchecked = task.layer in _UNCHECKED_LAYERS
    for rule_class in rule_classes(settings.enabled_codes()):
        if unchecked and not rule_class.checks_tests:
            continue
        if rule_class.layers is not None and task.layer not in rule_class.layers:
            continue
        if rule_class.requires and not any(word in source.text for word in rule_class.requires):
            continue  # the names it looks for are nowhere in the file
        rules.append(rule_class(context))
    failures = _RuleFailures(task, verbose)
    roles = RoleCollector(table, task.aliases, settings.third_party, dispatcher.stack)
    members = MemberCollector(table)
    # (what the entry points and the schemas read off a module they import whole: `models.User`)
    module_uses = ModuleUseCollector(table, dispatcher.stack) if task.layer in _READS_OFF_MODULES else None
    participants: list[object] = [builder, collector, roles, members, *rules]
    if module_uses is not None:
        participants.append(module_uses)
    dispatcher.register(participants, failures.record, table.callee_key)
    table.note_definitions(module)
    try:
        dispatcher.walk(module)
    except RecursionError:
        return _unparsed(task, _engine_diagnostic(task, "LC001", "too deeply nested to check (recursion limit)"))
    collector.finish()
    roles.finish(module)
    if not task.layer_configured and relayered is None:
        decided = role_layer(
            task.module, task.is_package, task.layer, roles.evidence, task.folder_layer, task.layer_glob
        )
        if decided is not None and decided[0] != task.layer:
            # What the code unmistakably is beats its name: check it again in that layer.
            layer, evidence = decided
            moved = replace(task, layer=layer, held=settings.layer_map().is_held(layer), layer_glob=None)
            record = check_source(moved, source, settings, verbose, relayered=(module, logical_lines))
            record.facts.extra["layer_evidence"] = evidence
            if task.layer is not None:
                record.facts.extra["name_layer"] = task.layer  # what its name says (LC804)
            return record
    if roles.evidence.session_calls:
        facts.extra["session_calls"] = roles.evidence.session_calls
    if roles.evidence.async_sessions:
        facts.extra["async_sessions"] = True
    if roles.evidence.sync_factories:
        facts.extra["sync_factories"] = True
    if roles.evidence.data_access or roles.evidence.statement_builders:
        facts.extra["data_access"] = sorted(roles.evidence.data_access | roles.evidence.statement_builders)
    units = roles.evidence.units_of_work - roles.evidence.provider_classes
    if units and not roles.evidence.engine_builders:
        # What services may take from the database module to end their transactions (LC103):
        # units of work, not the classes that build the engine or hand out sessions.
        facts.extra["units_of_work"] = sorted(units)
    if roles.evidence.dataloaders and roles.evidence.session_calls:
        facts.extra["dataloaders"] = roles.evidence.dataloaders
    if roles.evidence.handle_calls:
        facts.extra["handle_calls"] = {name: sorted(held) for name, held in roles.evidence.handle_calls.items()}
    if roles.evidence.data_access and roles.evidence.session_takers:
        takers = roles.evidence.session_takers - roles.evidence.data_access - roles.evidence.transaction_helpers
        facts.extra["session_takers"] = sorted(takers)
    if roles.evidence.data_access or roles.evidence.handle_calls:
        found = roles.evidence.data_access
        calls_out = {name: sorted(held) for name, held in roles.evidence.calls_out.items() if name not in found}
        if calls_out:
            facts.extra["calls_out"] = calls_out
    if roles.evidence.querying_methods:
        facts.extra["querying_methods"] = roles.evidence.querying_methods
    if roles.evidence.logger_classes:
        facts.extra["logger_classes"] = sorted(roles.evidence.logger_classes)
    if members.members:
        facts.extra["members"] = members.members
    if members.made:
        facts.extra["made"] = members.made
    if members.state_slots:
        facts.extra["state_slots"] = members.state_slots
    if members.class_values:
        facts.extra["class_values"] = members.class_values
    if members.member_args:
        facts.extra["member_args"] = members.member_args
    if module_uses is not None and module_uses.uses:
        facts.extra["module_uses"] = {name: sorted(read) for name, read in module_uses.uses.items()}
    if module_uses is not None and module_uses.queried:
        facts.extra["queried_entities"] = sorted(module_uses.queried)
    if module_uses is not None and module_uses.called:
        facts.extra["called_imports"] = sorted(module_uses.called)
    if module_uses is not None and module_uses.called_to_use:
        facts.extra["imports_called_to_use"] = sorted(module_uses.called_to_use)
    if module_uses is not None and module_uses.handed:
        facts.extra["handed_imports"] = sorted(module_uses.handed)
    if module_uses is not None and module_uses.returned:
        facts.extra["returned_imports"] = sorted(module_uses.returned)
    if module_uses is not None and module_uses.annotating:
        facts.extra["annotating_imports"] = sorted(module_uses.annotating)
    seen = roles.evidence
    if seen.script and not (seen.app_factory or seen.routes or seen.app_routes or seen.router_includes):
        # (a `main.py` serving the app it builds, `uvicorn.run(app)` under `__main__`, is the
        # app's entry point, no script run by hand: LC101 holds it)
        facts.extra["script"] = True
    if roles.evidence.env_classes:
        facts.extra["env_classes"] = sorted(roles.evidence.env_classes)
    if roles.evidence.engine_builders:
        facts.extra["builds_engine"] = True  # its config imports are the engine's (LC103)
    if roles.evidence.session_providers:
        facts.extra["provides_sessions"] = True  # the request's session dependency lives here
    if roles.evidence.request_sessions:
        facts.extra["request_sessions"] = True  # a middleware opening each request's session
    if roles.evidence.session_yields:
        facts.extra["yields_sessions"] = True  # (`yield session`: no other generator)
        facts.extra["session_yielders"] = sorted(roles.evidence.session_yielders)
    if task.layer_configured:
        facts.extra["configured"] = True  # the user's word: the index re-reads no role
    if task.layer == "main" and roles.endpoints:
        # The imports the app's own endpoints use (LC104 judges those in the `main` module).
        used = names_read_in(roles.endpoints, probe_statement)
        facts.extra["endpoint_names"] = sorted(name for name in facts.bindings if name in used)
    if roles.evidence.app_factory or roles.evidence.routes or roles.evidence.jobs or roles.evidence.temporal_jobs:
        # Where the server starts running the project's code (LC704's reach): the app,
        # the routes it mounts, the jobs its workers run.
        facts.extra["serves"] = True
        wired = module_uses.wired_aliases() if module_uses is not None else set()
        if wired:
            # (`repository: Repository` of a route, only handed to the use case it builds)
            facts.extra["wired_aliases"] = sorted(wired)
        if module_uses is not None and module_uses.annotating:
            # (a class built in a provider of the routes and typing only providers is
            # wiring, unless a provider does more with it than hand it on)
            facts.extra["route_annotating"] = sorted(module_uses.route_annotating)
            built = (module_uses.called & module_uses.annotating) - module_uses.route_annotating
            typed_to_use = module_uses.typed_to_use(built) if built else set()
            if typed_to_use:
                facts.extra["typed_to_use"] = sorted(typed_to_use)
    elif module_uses is not None and module_uses.annotating:
        # (asked of the dependency wiring only: a module serving routes is held anyway)
        typed_to_use = module_uses.typed_to_use()
        if typed_to_use:
            facts.extra["typed_to_use"] = sorted(typed_to_use)
    if module_uses is not None and not facts.extra.get("serves"):
        depends_only = module_uses.depends_only()
        if depends_only:
            facts.extra["depends_only"] = sorted(depends_only)
    if roles.evidence.builder_libraries:
        facts.extra["builder_libraries"] = sorted(roles.evidence.builder_libraries)
    if roles.evidence.provider_classes:
        facts.extra["provider_classes"] = sorted(roles.evidence.provider_classes)
    if roles.evidence.builder_calls:
        facts.extra["builder_calls"] = sorted(set(roles.evidence.builder_calls))
    if roles.evidence.closes_sessions:
        facts.extra["closes_sessions"] = True
    # Imports need positions: project rules report on them (LC101 also in modules in no layer).
    located = task.layer not in _UNCHECKED_LAYERS
    import_nodes = [(node, anchors) for _, node, anchors in collector.import_nodes] if located else []
    diagnostics, candidates, spans = context.finish(import_nodes)
    for index, node, _ in collector.import_nodes:
        span = spans.get(node)
        if span is not None:
            old = facts.imports[index]
            facts.imports[index] = type(old)(old.target, span, old.is_module, old.type_checking, old.in_function)
    diagnostics.extend(failures.diagnostics)
    return FileRecord(facts=facts, diagnostics=diagnostics, candidates=candidates, encoding=source.encoding)


def _internal_error(task: FileTask, error: BaseException, verbose: bool) -> Diagnostic:
    cause = f"{type(error).__name__}: {error}".strip().splitlines()[0]
    message = f"internal error: {cause}"
    if verbose:
        message += "\n" + "".join(traceback.format_exception(error))
    return _engine_diagnostic(task, "LC000", message)


def _contained(task: FileTask, source: Source, settings: Settings, verbose: bool) -> FileRecord:
    """`check_source`, with any failure turned into a finding instead of an exception."""
    try:
        return check_source(task, source, settings, verbose)
    except RecursionError:
        message = "too deeply nested to check (recursion limit)"
        return _unparsed(task, _engine_diagnostic(task, "LC001", message))
    except Exception as error:  # contained: the run goes on, exit code 2 tells CI
        return _unparsed(task, _internal_error(task, error, verbose))


def check_file(task: FileTask, settings: Settings, verbose: bool = False) -> FileRecord:
    """Read, decode, parse and check one file; never raises for a bad file."""
    try:
        source = read_source(task.path, str(settings.project_root))
    except SourceError as error:
        return unreadable(task, error)
    return _contained(task, source, settings, verbose)


def unreadable(task: FileTask, error: SourceError) -> FileRecord:
    """The record of a file that could not be read or decoded: one LC001 saying why."""
    return _unparsed(task, _engine_diagnostic(task, "LC001", error.message, error.line, error.column))


def check_bytes(task: FileTask, data: bytes, settings: Settings, verbose: bool = False) -> FileRecord:
    """Check in-memory bytes (standard input, an editor buffer) as if they were `task.path`."""
    try:
        source = decode(data)
    except SourceError as error:
        return _unparsed(task, _engine_diagnostic(task, "LC001", error.message, error.line, error.column))
    return _contained(task, source, settings, verbose)
