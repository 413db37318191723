"""LC101 session-import-outside-repository."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.project.rules.base import ProjectRule, short


class SessionImportOutsideRepository(ProjectRule):
    """Flags a session type (`AsyncSession`, `Session`, `async_sessionmaker`, ...) imported
    outside the repository and database layers, including names the project re-exports.

    Repositories are the only place that touches a session (backend guide, step 3); the
    rest of the app passes one along through a `SessionDep` alias from the database module.
    """

    code = "LC101"

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        if not self.layer_map.is_held(module.layer) or module.layer in self.options["allowed-layers"]:
            return
        extra = set(self.options["extra-session-types"])
        for item in self.contract_imports(module):
            if item.is_module:
                continue
            if self.index.is_session_type(item.target) or item.target in extra:
                yield self.finding(
                    module,
                    item.span,  # type: ignore[arg-type]
                    f"`{short(item.target)}` imported in the {module.layer} layer; only repositories "
                    "use sessions (inject `SessionDep = Annotated[AsyncSession, Depends(get_db)]` "
                    "from the database module)",
                )
