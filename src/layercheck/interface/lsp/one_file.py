"""The language server's first answer for a file: a one-file run, in a child process.

Before the project's index is read (in the background, `server.py`), an opened document is
checked as `layercheck --stdin-filename FILE -` would check it: the buffer, plus the project
modules its names lead to (`application/reach.py`), through the cache. It runs as a child
process, where forking workers is safe (the server runs threads) and whose memory goes
when it ends.

    python -m layercheck.interface.lsp.one_file FILE ROOT [CONFIG] < buffer

prints the findings as a JSON list of `Diagnostic.to_dict()`.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

from layercheck.application.check import CheckOptions, check
from layercheck.infrastructure.config import ConfigError, config_table, settings_from_table


def main(argv: list[str]) -> int:
    path, root = Path(argv[0]), Path(argv[1])
    config = Path(argv[2]) if len(argv) > 2 and argv[2] else None
    data = sys.stdin.buffer.read()
    try:
        settings = settings_from_table(config_table(config) if config else {}, root, config)
    except ConfigError:
        settings = settings_from_table({}, root, None)  # the server reports the error
    gc.disable()  # as the command line: records hold no cycles
    result = check([path], settings, CheckOptions(override=(path, data)))
    sys.stdout.write(json.dumps([d.to_dict() for d in result.diagnostics]))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
