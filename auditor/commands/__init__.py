"""What each command does, one module per command, behind the thin Typer layer in auditor/cli.py.

cli.py declares the options and builds typed requests (auditor.settings.ConnectionFlags, Settings,
each command's request dataclass); the modules here connect, collect, evaluate and write. Each is
imported only by the command that runs it, so `auditor --help` stays light.
"""
