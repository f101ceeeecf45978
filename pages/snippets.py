"""Notebook snippets: per lesson, the few lines of rnnviz that compute the page's main figure."""
SNIPPETS = {}
