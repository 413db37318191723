"""libcst's parser without the second, Python-side validation of every node it builds.

Each libcst node validates itself when constructed (`CSTNode.__post_init__` calls
`_validate`), which is there for trees built by hand: the native parser's own output is
valid by construction, yet the checks cost about 15 % of `libcst.parse_module` (libcst
notes the same in a `PERF` comment there). Around a parse only, validation is switched
off; the tree is the very same object graph. Nodes built by anything else meanwhile (a
fix in another thread of the language server) go unchecked for that moment only, and a
fix's result is parsed again before it is written anyway.

The native parser builds every node (two and a half million for a large project) through
its class's dataclass `__init__`, which stores each field with `object.__setattr__` (the
classes are frozen) and then calls `__post_init__`. `_install_quick_inits` gives each node
class an `__init__` that does the same work through the fields' slot descriptors and skips
the `__post_init__` call while a parse runs: a tenth of the parse. Outside a parse it is
that same dataclass `__init__` in effect (same parameters and defaults, same validation);
a class whose `__init__` is not the one dataclasses generated keeps its own. Making them
costs about 20 ms, repaid within a few dozen files: a process gets them at its
`_QUICK_AFTER`th parse, or before forking a pool (`prepare_for_many_parses`); never a
pre-commit run on two files.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst._nodes.base import CSTNode

_VALIDATING = CSTNode.__post_init__
_lock = threading.Lock()
_parsing = 0  # parses running in this process (threads of the language server)
_parses = 0  # parses this process has started
_QUICK_AFTER = 16


def _unchecked(self: CSTNode) -> None:
    return None


def parse_module(text: str) -> cst.Module:
    """`libcst.parse_module(text)`, without re-validating the parser's nodes."""
    global _parsing, _parses
    with _lock:
        _parses += 1
        if _parses == _QUICK_AFTER:
            _install_quick_inits()
        _parsing += 1
        CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        with _lock:
            _parsing -= 1
            if not _parsing:
                CSTNode.__post_init__ = _VALIDATING  # type: ignore[method-assign]


def prepare_for_many_parses() -> None:
    """Install the quick node `__init__`s now, in a process about to parse many files (a run
    that forks its pool imports the engine and calls this first; its workers inherit them)."""
    global _parses
    with _lock:
        if _parses < _QUICK_AFTER:
            _parses = _QUICK_AFTER
            _install_quick_inits()


def _quick_source(cls: type, number: int) -> tuple[str, dict[str, Any]] | None:
    """The source of `_make{number}`, which returns an `__init__` for a frozen, slotted node
    dataclass that stores the fields through their slot descriptors and validates only
    outside a parse, and the values it takes; None for a class it cannot stand in for
    (fields not all in `__init__`, a field without a slot, parameters that are not the
    fields). Its defaults are the very objects of the dataclass `__init__` (for a default
    factory, the marker that stands for it)."""
    generated = cls.__dict__["__init__"]
    code = generated.__code__
    names = code.co_varnames[1 : code.co_argcount]
    given = generated.__defaults__ or ()
    defaults = dict(zip(names[len(names) - len(given) :], given, strict=True))
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if tuple(field.name for field in fields) != names or any(not field.init for field in fields):
        return None
    values: dict[str, Any] = {}
    parameters: list[str] = []
    body: list[str] = []
    for place, field in enumerate(fields):
        slot = next((base.__dict__[field.name] for base in cls.__mro__ if field.name in base.__dict__), None)
        if not inspect.ismemberdescriptor(slot):
            return None
        values[f"_set{place}"] = slot.__set__  # type: ignore[union-attr]
        if field.name in defaults:
            values[f"_default{place}"] = defaults[field.name]
            parameters.append(f"{field.name}=_default{place}")
            if field.default_factory is not dataclasses.MISSING:
                values[f"_factory{place}"] = field.default_factory
                body.append(
                    f"        if {field.name} is _default{place}:\n"
                    f"            {field.name} = _factory{place}()"
                )
        else:
            parameters.append(field.name)
        body.append(f"        _set{place}(self, {field.name})")
    # A function making it, so that the setters and defaults are its closure, while
    # `_parsing` is read from this module's globals at each call.
    source = (
        f"def _make{number}({', '.join(values)}):\n"
        f"    def __init__(self, {', '.join(parameters)}):\n"
        + "\n".join(body)
        + "\n        if not _parsing:\n            self.__post_init__()\n"
        "    return __init__\n"
    )
    return source, values


def _generated_by_dataclasses(cls: type) -> bool:
    """Whether the class's own `__init__` is the one `@dataclass` wrote for its fields."""
    init = cls.__dict__.get("__init__")
    return (
        init is not None
        and dataclasses.is_dataclass(cls)
        and cls.__dataclass_params__.init  # type: ignore[attr-defined]
        and getattr(init, "__code__", None) is not None
        and init.__code__.co_filename == "<string>"
        and init.__qualname__.endswith(f"{cls.__name__}.__init__")
    )


def _install_quick_inits() -> None:
    """Give every node class libcst exports a quick `__init__` (see the module's doc), all
    compiled at once."""
    classes = [
        value
        for value in vars(cst).values()
        if isinstance(value, type) and CSTNode in value.__mro__ and _generated_by_dataclasses(value)
    ]
    made: list[tuple[type, int, dict[str, Any]]] = []
    sources: list[str] = []
    for number, cls in enumerate(classes):
        quick = _quick_source(cls, number)
        if quick is not None:
            sources.append(quick[0])
            made.append((cls, number, quick[1]))
    namespace: dict[str, Any] = {}
    code = compile("\n".join(sources), "<layercheck quick node inits>", "exec")
    exec(code, globals(), namespace)  # noqa: S102
    for cls, number, values in made:
        init = namespace[f"_make{number}"](**values)
        generated = cls.__dict__["__init__"]
        # What introspection reads (`typing.get_type_hints`, `inspect.signature`) is the
        # generated one's.
        for attribute in ("__module__", "__qualname__", "__doc__", "__annotations__"):
            setattr(init, attribute, getattr(generated, attribute))
        if _same_parameters(init, generated):
            cls.__init__ = init  # type: ignore[misc]


def _same_parameters(quick: Callable[..., None], generated: Callable[..., None]) -> bool:
    """The same parameters, in the same order and kind, with the very same defaults."""
    ours, theirs = quick.__code__, generated.__code__  # type: ignore[attr-defined]
    if ours.co_varnames[: ours.co_argcount] != theirs.co_varnames[: theirs.co_argcount]:
        return False
    if ours.co_kwonlyargcount or theirs.co_kwonlyargcount or ours.co_flags & 0x0C or theirs.co_flags & 0x0C:
        return False  # (keyword-only parameters, `*args` or `**kwargs`)
    mine, original = quick.__defaults__ or (), generated.__defaults__ or ()  # type: ignore[attr-defined]
    return len(mine) == len(original) and all(m is o for m, o in zip(mine, original, strict=True))
