"""What a finding is: plain frozen values that know nothing of files, terminals or processes.

Every reporter, the cache, the LSP server and the fixer consume these types, so the text,
JSON and editor renderings of a finding can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Applicability = Literal["safe", "unsafe"]


# Named tuples, not frozen dataclasses: a run builds hundreds of thousands of them (every
# import of every module has one) and a frozen dataclass costs several times more to make.
class Position(NamedTuple):
    """A place in a file: 1-based line, 1-based column counted in characters."""

    line: int
    column: int


class Span(NamedTuple):
    """The half-open range [start, end) of the offending code."""

    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return cls(Position(line, column), Position(end_line, end_column))

    def to_list(self) -> list[int]:
        return [self.start.line, self.start.column, self.end.line, self.end.column]

    @classmethod
    def from_list(cls, values: list[int]) -> Span:
        return cls.of(*values)


FILE_START = Span.of(1, 1, 1, 1)


@dataclass(frozen=True)
class Edit:
    """Replace the text in `span` with `content` (an empty span inserts)."""

    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    """A set of edits that together repair one finding."""

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = "safe"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a rule code at a precise place in one file."""

    code: str
    message: str
    path: str
    span: Span
    fix: Fix | None = None
    # The code text under the span, used by the baseline to match findings across line shifts.
    fingerprint: str = field(default="", compare=False)

    @property
    def line(self) -> int:
        return self.span.start.line

    @property
    def column(self) -> int:
        return self.span.start.column

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.start.line, self.span.start.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, also used by the cache."""
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "span": self.span.to_list(),
            "fingerprint": self.fingerprint,
        }
        if self.fix is not None:
            data["fix"] = {
                "message": self.fix.message,
                "applicability": self.fix.applicability,
                "edits": [[e.span.to_list(), e.content] for e in self.fix.edits],
            }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        fix = None
        if "fix" in data:
            raw = data["fix"]
            fix = Fix(
                message=raw["message"],
                applicability=raw["applicability"],
                edits=tuple(Edit(Span.from_list(s), c) for s, c in raw["edits"]),
            )
        return cls(
            code=data["code"],
            message=data["message"],
            path=data["path"],
            span=Span.from_list(data["span"]),
            fix=fix,
            fingerprint=data.get("fingerprint", ""),
        )


@dataclass(frozen=True)
class Condition:
    """A question about the whole project that decides whether a candidate finding stands.

    A rule that needs project-wide knowledge (is this imported name an ORM model? a logger?)
    reports a candidate with a condition instead of a finding; the run answers it against the
    project index after every file was read. Because the answer is not baked into the
    per-file result, editing a model re-decides the services that return it without
    re-parsing them.

    `kind` names a fact the index knows ("orm_model", "pydantic_model", "logger",
    "repository_symbol", ...); the condition holds when any of `names` (fully qualified)
    has it, or, with `negate`, when none has it.
    """

    kind: str
    names: tuple[str, ...]
    negate: bool = False

    def to_list(self) -> list[Any]:
        return [self.kind, list(self.names), self.negate]

    @classmethod
    def from_list(cls, values: list[Any]) -> Condition:
        return cls(values[0], tuple(values[1]), bool(values[2]))


@dataclass(frozen=True)
class Candidate:
    """A finding that stands only if its condition holds for the project."""

    diagnostic: Diagnostic
    condition: Condition

    def to_dict(self) -> dict[str, Any]:
        return {"diagnostic": self.diagnostic.to_dict(), "condition": self.condition.to_list()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Candidate:
        return cls(Diagnostic.from_dict(data["diagnostic"]), Condition.from_list(data["condition"]))
