"""The command line: parse options, call the core, report results, map errors to exit codes."""
