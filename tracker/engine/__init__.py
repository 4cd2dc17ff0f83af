"""Deciding: each scenario's status as of an instant and why, the impact a new event would have,
the "since last briefing" report, and the scenario tests that run cases through the engine.

May import: tracker.workspace, tracker.log, tracker.scenario and the shared modules.
"""
