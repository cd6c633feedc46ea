"""Entry point for `python -m envgen`."""

from envgen.cli.main import main

# The same name as the console script, so that help and shell completion say `envgen`.
main(prog_name="envgen")
