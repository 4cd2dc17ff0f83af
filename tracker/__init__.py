"""Sanctions Scenario Tracker: the functional core. Deterministic, given its as-of instant; no UI imports.

Data flows one way, and each package may import only those before it:

    problems, timeutil, text, config   shared vocabulary: errors, time rules, text rules, settings
    scenario                           scenario files: strict YAML, the model and its schema, loading, scaffold, field changes
    log                                the event log: model, reading, corrections ledger, match index, appends, drafts, import, access
    workspace                          the scenarios and the log loaded together and cross-checked
    engine                             status as of an instant, impact of a new event, the since report, scenario tests
    git                                one repository wrapper, file history, two revisions compared, the data's revision
    report                             view models, status styles, HTML fragments, iCalendar, Plotly figures, the briefing pack
    cli                                the `tracker` command

Nothing here imports Streamlit or the shell (components/, app.py); only tracker.report imports Plotly.
The layers are checked by import-linter in CI (see [tool.importlinter] in pyproject.toml).
"""
