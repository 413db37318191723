"""LC503 orm-column-style: an ORM model uses 1.x `Column()` instead of `mapped_column()`."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.rule import Rule, callee_names

COLUMN_CONSTRUCTS = frozenset({"sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.sql.schema.Column"})


class OrmColumnStyle(Rule):
    """Flags each `x = Column(...)` attribute of an ORM model class (a mapped class of the
    project, decided across modules): SQLAlchemy 1.x declarative style.

    SQLAlchemy 2.0 declares attributes as `x: Mapped[int] = mapped_column(...)`: the type
    is visible to mypy and to readers, nullability follows `Optional[...]`, and the model
    reads like the schemas built from it. `Column` stays right in Core `Table(...)`
    definitions and inside SQLModel's `Field(sa_column=Column(...))`; only a `Column(...)`
    assigned directly to a model attribute is flagged.
    """

    code = "LC503"
    calls = callee_names(COLUMN_CONSTRUCTS)
    requires = tuple(sorted(calls))

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.settings.sqlalchemy_major == 1:
            return  # the project pins SQLAlchemy 1.x: `mapped_column()` is not there to use
        ancestors = self.context.ancestors
        # Module > ClassDef > IndentedBlock > SimpleStatementLine > Assign|AnnAssign > Call
        if len(ancestors) != 5 or not isinstance(ancestors[1], cst.ClassDef):
            return
        statement = ancestors[-1]
        if not isinstance(statement, (cst.Assign, cst.AnnAssign)) or statement.value is not node:
            return
        if self.names.qualified_name(node.func) not in COLUMN_CONSTRUCTS:
            return
        owner = ancestors[1].name.value
        self.report(
            node,
            f"`Column()` in ORM model `{owner}`; declare `Mapped[...] = mapped_column(...)`",
            condition=Condition("orm_model", (f"{self.names.module}.{owner}",)),
        )
