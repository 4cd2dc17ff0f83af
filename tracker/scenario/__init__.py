"""Scenario files: strict YAML, the scenario model and its JSON Schema, loading with located errors,
the scaffold of `tracker new`, and field-by-field changes between two versions of a scenario.

May import: tracker.problems, tracker.timeutil, tracker.text.
"""
