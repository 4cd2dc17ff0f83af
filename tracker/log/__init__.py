"""The event log: the event model, reading CSV, the corrections-and-retractions ledger, the match index,
durable appends, drafts checked before writing, imports from other layouts, event ids, and who may write.

May import: tracker.vocabulary (the names it matches by), tracker.scenario (the MATCH a scenario asks the index for)
and the shared modules.
"""
