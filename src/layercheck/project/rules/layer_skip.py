"""LC102 entrypoint-imports-repository."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.domain.layers import ENTRYPOINT_LAYERS
from layercheck.project.rules.base import ProjectRule, short


class EntrypointImportsRepository(ProjectRule):
    """Flags a router or background task importing the repository layer.

    Entry points go through services (backend guide, step 3: router -> service ->
    repository); reaching a repository directly skips the business rules in between.
    """

    code = "LC102"
    layers = ENTRYPOINT_LAYERS

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        for item in self.contract_imports(module):
            own = self.own_module(module, item)
            if own is not None and own.layer == module.layer:
                # `api/dependencies/__init__.py` gathering the `UserRepo` alias of its own
                # `repositories.py`: reported there, where the repository is imported.
                continue
            if self.index.imported_layer(item.target, item.is_module) == "repository":
                yield self.finding(
                    module,
                    item.span,  # type: ignore[arg-type]
                    f"`{short(item.target)}` imported from the repository layer in the "
                    f"{module.layer} layer; call a service instead",
                )
