"""`python -m itsm_cli` runs the same entry point as the `itsm` console script."""

from itsm_cli.cli.entry import main

if __name__ == "__main__":
    main()
