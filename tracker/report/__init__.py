"""What people are shown: view models for pages and slides, status styles, HTML fragments, the iCalendar feed,
Plotly figures and the self-contained briefing pack. Plotly is imported here and nowhere else in the core.

May import: tracker.git and everything below it; never Streamlit or the shell.
"""
