"""The command line's command groups, assembled by `cli.py` (the entry point): each
command parses its options, calls one use case and prints what `compliance.views` renders."""
