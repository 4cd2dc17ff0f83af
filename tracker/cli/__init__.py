"""The `tracker` command: one module per group of commands, a parser, and one error boundary.

May import every other part of the core; nothing in the core imports it.
"""

from tracker.cli.run import main, main_exit

__all__ = ["main", "main_exit"]
