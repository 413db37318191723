"""`python -m layercheck` runs the command line."""

from layercheck.cli import main

if __name__ == "__main__":
    main()
