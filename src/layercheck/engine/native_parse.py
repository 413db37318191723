"""libcst's parser without the second, Python-side validation of every node it builds.

Each libcst node validates itself when constructed (`CSTNode.__post_init__` calls
`_validate`), which is there for trees built by hand: the native parser's own output is
valid by construction, yet the checks cost about 15 % of `libcst.parse_module` (libcst
notes the same in a `PERF` comment there). Around a parse only, validation is switched
off; the tree is the very same object graph. Nodes built by anything else meanwhile (a
fix in another thread of the language server) go unchecked for that moment only, and a
fix's result is parsed again before it is written anyway.
"""

from __future__ import annotations

import threading

import libcst as cst
from libcst._nodes.base import CSTNode

_VALIDATING = CSTNode.__post_init__
_lock = threading.Lock()
_parsing = 0  # parses running in this process (threads of the language server)


def _unchecked(self: CSTNode) -> None:
    return None


def parse_module(text: str) -> cst.Module:
    """`libcst.parse_module(text)`, without re-validating the parser's nodes."""
    global _parsing
    with _lock:
        _parsing += 1
        CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        with _lock:
            _parsing -= 1
            if not _parsing:
                CSTNode.__post_init__ = _VALIDATING  # type: ignore[method-assign]
