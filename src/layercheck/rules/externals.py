"""Top-level packages that are never part of the checked project.

Rules that turn every call into a candidate for the project index to decide skip calls into
these, so a router full of `Depends(...)` and `HTTPException(...)` costs nothing.
"""

from __future__ import annotations

import sys

from layercheck.domain.vocabulary import WELL_KNOWN_LIBRARIES

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}


def is_external(qualname: str) -> bool:
    """Whether a qualified name belongs to the standard library or a well-known package."""
    root = qualname.split(".", 1)[0]
    return root in _STDLIB or root in WELL_KNOWN_LIBRARIES
