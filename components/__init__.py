"""The Streamlit shell: pages, widgets and Plotly figure builders over the `tracker` core."""
