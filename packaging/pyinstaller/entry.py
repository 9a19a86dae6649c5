"""The bundle's entry point: the same command line as the installed ``annotator``."""

from annotator.cli import main

if __name__ == "__main__":
    main()
