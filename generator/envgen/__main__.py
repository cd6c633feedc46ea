"""Entry point for `python -m envgen`."""

from envgen.cli.main import main

main()
