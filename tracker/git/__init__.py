"""Git: one repository wrapper (git itself, a timeout on every call), a scenario file's history,
two revisions compared by the engine, and the revision the data on screen came from.

May import: tracker.engine and everything below it.
"""
