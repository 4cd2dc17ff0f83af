"""Notifications: `tracker notify` tells a team what changed since its previous run, once per change.

``state.py`` records each scenario's state and the outbox in one file beside the log; ``changes.py`` compares two
states (pure); ``channels.py`` reads the settings and delivers to a webhook and by e-mail; ``outbox.py`` queues the
messages before any is sent and records each delivery as soon as it succeeds, so nothing is lost or computed twice.

May import: tracker.report and everything below it (the scenario links and countdowns it words messages with);
never Streamlit, the shell or Plotly.
"""
