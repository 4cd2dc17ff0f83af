"""What people are shown: view models for pages and slides, status styles, HTML fragments, the iCalendar feed,
Plotly figures, the self-contained briefing pack and the presenter's slides. Plotly is imported here and nowhere else
in the core. The pack and the slides are Jinja2 templates (templates/, package data), rendered by templating.py with
every value escaped.

May import: tracker.git and everything below it; never Streamlit or the shell.
"""
