"""What one module tells the rest of the project: plain values, cached per file.

The engine extracts these during its single walk of a file; the project index joins the
facts of every module to answer cross-module questions (is this class an ORM model? where
does this re-exported name really come from?). Nothing here imports libcst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from layercheck.domain.diagnostics import Span


class ImportFact(NamedTuple):
    """One imported name or module, resolved to an absolute dotted name (a named tuple:
    a project's index holds tens of thousands, decoded from the cache on every run)."""

    target: str
    span: Span | None
    # `import a.b` (a module) rather than `from a import b` (a name of a module).
    is_module: bool = False
    # Inside `if TYPE_CHECKING:`.
    type_checking: bool = False
    # Inside a function body (a deferred import).
    in_function: bool = False

    def to_list(self) -> list[Any]:
        span = self.span.to_list() if self.span else None
        return [self.target, span, self.is_module, self.type_checking, self.in_function]

    @classmethod
    def from_list(cls, values: list[Any]) -> ImportFact:
        span = Span.from_list(values[1]) if values[1] else None
        return cls(values[0], span, values[2], values[3], values[4])


@dataclass(frozen=True)
class ClassFact:
    """A class defined at module level."""

    name: str
    bases: tuple[str, ...]
    # Keyword arguments of the class statement whose value is `True` (SQLModel's `table=True`).
    true_keywords: tuple[str, ...] = ()
    has_tablename: bool = False
    is_abstract: bool = False
    # `class Config:` or `model_config = ...` in the body.
    attributes: tuple[str, ...] = ()

    def to_list(self) -> list[Any]:
        return [
            self.name,
            list(self.bases),
            list(self.true_keywords),
            self.has_tablename,
            self.is_abstract,
            list(self.attributes),
        ]

    @classmethod
    def from_list(cls, values: list[Any]) -> ClassFact:
        return cls(
            values[0], tuple(values[1]), tuple(values[2]), values[3], values[4], tuple(values[5])
        )


@dataclass
class Suppression:
    """A `# noqa: LC101` or `# layercheck: ignore[LC101]` comment."""

    line: int
    column: int
    end_column: int
    codes: tuple[str, ...]
    # The whole line, without its newline: the fix of an unused suppression rewrites it.
    text: str = ""

    def to_list(self) -> list[Any]:
        return [self.line, self.column, self.end_column, list(self.codes), self.text]

    @classmethod
    def from_list(cls, values: list[Any]) -> Suppression:
        text = values[4] if len(values) > 4 else ""
        return cls(values[0], values[1], values[2], tuple(values[3]), text)


@dataclass
class ModuleFacts:
    """Everything the project index needs to know about one module."""

    path: str
    module: str
    layer: str | None
    is_package: bool = False
    parsed: bool = True
    aliases: list[str] = field(default_factory=list)
    imports: list[ImportFact] = field(default_factory=list)
    # Module-level names bound by imports or plain aliases: name -> qualified target.
    bindings: dict[str, str] = field(default_factory=dict)
    classes: dict[str, ClassFact] = field(default_factory=dict)
    functions: list[str] = field(default_factory=list)
    # Module-level names holding loggers: name -> flavour ("structlog" or "stdlib").
    loggers: dict[str, str] = field(default_factory=dict)
    # Functions that return a logger (project wrappers around structlog): name -> flavour.
    logger_factories: dict[str, str] = field(default_factory=dict)
    # Module-level names bound to a call result: name -> qualified callee
    # (`user_repo = UserRepository()`, `Base = declarative_base()`).
    instances: dict[str, str] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    # Free-form facts for project-level rules (exception handlers, settings fields...).
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["imports"] = [item.to_list() for item in self.imports]
        data["classes"] = [item.to_list() for item in self.classes.values()]
        data["suppressions"] = [item.to_list() for item in self.suppressions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModuleFacts:
        data = dict(data)
        data["imports"] = [ImportFact.from_list(item) for item in data["imports"]]
        classes = [ClassFact.from_list(item) for item in data["classes"]]
        data["classes"] = {item.name: item for item in classes}
        data["suppressions"] = [Suppression.from_list(item) for item in data["suppressions"]]
        return cls(**data)
