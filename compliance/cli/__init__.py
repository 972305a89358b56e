"""The command line's commands, one module for each area, each listing its own in
COMMANDS: `cli.py` (the entry point) imports a module only when one of its commands runs.
Each command parses its options, calls one use case and prints what `compliance.views`
renders."""
