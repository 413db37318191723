"""`python -m layercheck` runs the command line."""

import os
import sys

# `python -m` puts the working folder first on `sys.path`: run from a checked project, its
# own `click.py` or `libcst.py` would be imported (so run) in place of the library.
if sys.path and not getattr(sys.flags, "safe_path", False) and os.path.abspath(sys.path[0] or ".") == os.getcwd():
    del sys.path[0]

from layercheck.cli import main  # noqa: E402  (after the path is made safe)

if __name__ == "__main__":
    main()
