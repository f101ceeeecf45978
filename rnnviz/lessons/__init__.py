"""One module per lesson family: every number a page shows, from the page's small settings
(bptt, gates, compare), and the arrays shrunk to what a screen shows (shrink). No Streamlit."""
