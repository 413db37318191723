"""Which values of the project are loggers, and of which flavour (structlog, stdlib,
loguru): followed from factories, annotations, typed globals and wrapper classes (SPEC
revision 2, "names followed to their origin"). Asked by the index for the log rules'
conditions."""

from __future__ import annotations

from layercheck.domain.facts import ModuleFacts
from layercheck.domain.vocabulary import LOGGER_DERIVING_METHODS, LOGGER_FACTORIES, LOGGER_OBJECTS, LOGGER_TYPES
from layercheck.project.lookup import ProjectLookup, is_type_variable, out_of_sight, says_nothing


def _generic(index: ProjectLookup, factory: str) -> bool:
    """A project function annotated to return a type variable (`-> T`)."""
    resolved = index.resolve(factory)
    module, name = resolved.module, resolved.name
    if module is None or name is None:
        return False
    returns: list[str] = module.extra.get("returns", {}).get(name) or []
    return any(is_type_variable(index, item) for item in returns)


def logger_kind(index: ProjectLookup, qualname: str, depth: int = 0) -> str | None:
    """The flavour of the logger `qualname` (or what `factory()` returns) is: a flavour,
    "" when it is known not to be a logger, None when its origin is out of sight (a
    third-party factory, an unannotated project function)."""
    if depth > 8:
        return None
    if qualname.endswith("()"):
        factory = qualname[:-2]
        owner, _, derived = factory.rpartition(".")
        if owner and derived in LOGGER_DERIVING_METHODS:
            # `logger.bind(file=name)` on the project's logger: a logger of its flavour.
            flavour = logger_kind(index, owner, depth + 1)
            if flavour:
                return flavour
        if factory in index.logger_factories:
            return "structlog"
        resolved = index.resolve(factory)
        final = resolved.qualname
        if final in index.logger_factories:
            return "structlog"
        if final in LOGGER_FACTORIES:
            return LOGGER_FACTORIES[final] or ""
        if final in LOGGER_TYPES:
            return LOGGER_TYPES[final]
        module, name = resolved.module, resolved.name
        if module is None or name is None:
            return None if out_of_sight(final) is None else ""
        if name in module.logger_factories:
            return module.logger_factories[name]
        key = name
        if name in module.classes and not final.endswith(f".{name}"):
            # `LoggerConfigurator.configure_logger(__name__)` (the module may go by another
            # name than `final` spells: `utils.logging` below `src/` is `src.utils.logging`)
            key = f"{name}.{final.rpartition('.')[2]}"
            if key in module.logger_factories:
                return module.logger_factories[key]
        returns = module.extra.get("returns", {}).get(key)
        if returns is not None and any(is_type_variable(index, item) for item in returns):
            # `logger = lazy_proxy(_get_logger)` with `def lazy_proxy[T](getter: Callable[[],
            # T]) -> T`: generic, out of sight (the name convention decides).
            return None
        if returns is not None and says_nothing(index, returns):
            # `def configure_logger() -> Any:` returning structlog's logger: the annotation
            # says nothing, so the name convention decides, as with none.
            return None
        if returns is not None:  # `def get_logger() -> logging.Logger`
            flavours = [_type_flavour(index, item) for item in returns]
            return next((flavour for flavour in flavours if flavour), "")
        if key != name:
            return None  # a class's method without a return annotation: out of sight
        if name in module.classes:
            # A project class: a logger if it wraps one, or derives from a logger type
            # (`logger = BotLogger()` with `class BotLogger(logging.Logger)`).
            return _type_flavour(index, factory)
        return None
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    if resolved.qualname in LOGGER_OBJECTS:  # loguru's `logger`, re-exported by the project
        return LOGGER_OBJECTS[resolved.qualname]
    if module is None or name is None:
        if resolved.qualname in ("logging.root",):
            return "stdlib"
        return None if module is None else ""
    if name in module.loggers:
        return module.loggers[name]
    callee = module.instances.get(name)
    if callee is not None:  # `logger = get_logger(__name__)` with a third-party factory
        found = logger_kind(index, callee + "()", depth + 1)
        handed = module.extra.get("handed", {}).get(name)
        if found is None and handed is not None and _generic(index, callee):
            # `logger = lazy_proxy(_get_logger)`, `lazy_proxy(getter: Callable[[], T]) -> T`:
            # the getter's logger; still out of sight when the getter says nothing.
            return logger_kind(index, handed + "()", depth + 1) or None
        return found
    for typed in module.extra.get("typed_loggers", {}).get(name, ()):
        # `logger: AgnoLogger = ...` with `class AgnoLogger(logging.Logger)`.
        flavour = _type_flavour(index, typed)
        if flavour:
            return flavour
    if name in module.classes:
        # `LogUtil.error(f"...")`: a logging class of static methods, called on the class.
        return _wrapper(index, resolved.qualname)
    if name in module.extra.get("logger_named", ()):
        # `logger = _manager().logger`: read off a project object, out of sight; the
        # attribute's name says logger, so the name convention decides.
        return None
    typed = module.extra.get("typed_loggers", {})
    if name not in module.functions and name not in module.bindings and name not in typed:
        # `from src.utils import log` where the package binds no `log` (a re-export
        # forgotten): nothing known says what it is, so the name convention decides.
        return None
    return ""


def _type_flavour(index: ProjectLookup, typed: str) -> str:
    """The flavour of loggers of a type: a logger type, a project wrapper class, or a
    project subclass of a logger type (`class ContextualLogger(logging.LoggerAdapter)`);
    "" for any other type."""
    final = index.resolve(typed).qualname
    flavour = LOGGER_TYPES.get(final) or _wrapper(index, final)
    if not flavour and index.derives(final, lambda origin: origin in LOGGER_TYPES):
        structlog = index.derives(final, lambda origin: origin.startswith("structlog."))
        flavour = "structlog" if structlog else "stdlib"
    return flavour


def _wrapper(index: ProjectLookup, qualname: str, depth: int = 0) -> str:
    """The flavour of a project class that wraps loggers (it defines their methods:
    `MultiLogger.info()` fanning out to structlog loggers, or a `log(self, level, message)`
    handing its message to one), or extends such a class (`ActivityLog(Logging)` calling
    `self.log(...)`): structlog or loguru when its module uses them, else stdlib; "" for any
    other class."""
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    if module is None or name is None:
        return ""
    if name not in module.extra.get("logger_classes", ()) and not any(
        key.partition(".")[0] == name for key in module.extra.get("log_method_messages", {})
    ):
        fact = module.classes.get(name)
        if fact is None or depth > 4:
            return ""
        return next((found for base in fact.bases if (found := _wrapper(index, base, depth + 1))), "")
    libraries = {item.target.split(".", 1)[0] for item in module.imports}
    if "structlog" in libraries:
        return "structlog"
    return "loguru" if "loguru" in libraries else "stdlib"


def is_log_wrapper(index: ProjectLookup, qualname: str, place: int = 0) -> bool:
    """A project function that hands its first parameter (or the one at `place`) to a logger
    as the message (`def log_info(msg, *args): logger.info(msg, *args)`)."""
    resolved = index.resolve(qualname)
    if resolved.module is not None and resolved.name is not None:
        if _wraps_at(resolved.module, resolved.name, place):
            return True
    if resolved.module is None and not place and _logging_library(resolved.qualname):
        # `from beans_logging_fastapi import log_at`: a logging library's function, out of
        # sight, named like a wrapper (the caller checked the name): the convention decides.
        return True
    # `TaskContext.log_info`: a method of a project class, keyed `Class.method` in its module.
    owner, _, method = qualname.rpartition(".")
    found = index.class_fact(owner)
    return found is not None and _wraps_at(found[0], f"{found[1].name}.{method}", place)


def _logging_library(qualname: str) -> bool:
    """A function of a third-party package named for logging (`beans_logging_fastapi`,
    `logging_utils`); not the standard library's `logging`, whose functions are the root
    logger's (`logging.log(level, msg)` takes its level first)."""
    top = qualname.split(".", 1)[0]
    if top == "logging" or "." not in qualname:
        return False
    return any(word.startswith("log") for word in top.replace("-", "_").split("_"))


def _wraps_at(module: ModuleFacts, key: str, place: int) -> bool:
    if place:
        return bool(module.extra.get("log_wrapper_places", {}).get(key) == place)
    return key in module.extra.get("log_wrappers", ())


def message_place(index: ProjectLookup, qualname: str, method: str) -> tuple[int, str] | None:
    """Where (after `self`) the `method` of the project logging class that `qualname` is an
    instance of (or `Class()` makes) takes the message it logs, by position and by name:
    (2, "message") for `def error(self, project_id, user_id, message):
    self.logger.error(prefix + message)`; None when that is not known."""
    found = _log_method(index, qualname, method, 0)
    if found is None:
        return None
    module, key = found
    return module.extra["log_method_messages"][key], module.extra.get("log_method_message_names", {}).get(key, "")


def takes_lazy_arguments(index: ProjectLookup, qualname: str, method: str) -> bool | None:
    """Whether the `method` of the project logging class `qualname` is an instance of takes
    values after its message (`def info(self, msg, *args)`); None for a logger that is no
    such class (a library's logger takes them)."""
    found = _log_method(index, qualname, method, 0)
    if found is None:
        return None
    module, key = found
    return key in module.extra.get("log_method_varargs", ())


def _log_method(index: ProjectLookup, qualname: str, method: str, depth: int) -> tuple[ModuleFacts, str] | None:
    """The module and `Class.method` key of the logging method `method` of the project class
    that `qualname` is an instance of (or `Class()` makes), when the class hands a parameter
    of it to a logger."""
    if depth > 4:
        return None
    factory = qualname[:-2] if qualname.endswith("()") else None
    resolved = index.resolve(factory or qualname)
    module, name = resolved.module, resolved.name
    if module is None or name is None:
        return None
    if factory is not None and name in module.classes:
        key = f"{name}.{method}"
        return (module, key) if key in module.extra.get("log_method_messages", {}) else None
    if factory is not None:
        # `def get_logger() -> LoggerManager`: the class the project's factory returns.
        for returned in module.extra.get("returns", {}).get(name) or ():
            found = _log_method(index, returned + "()", method, depth + 1)
            if found is not None:
                return found
        return None
    callee = module.instances.get(name)
    if factory is None and callee is not None:
        return _log_method(index, callee + "()", method, depth + 1)
    return None


def takes_message_at(index: ProjectLookup, qualname: str, method: str, place: str) -> bool | None:
    """Whether that method takes its message at `place`, a position ("2") or a keyword
    ("message"); None when where it takes it is not known (not a project logging class)."""
    known = message_place(index, qualname, method)
    if known is None:
        return None
    return str(known[0]) == place if place.isdigit() else known[1] == place
