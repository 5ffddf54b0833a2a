"""Pilot reports: aggregate figures, charts and a self-contained HTML page, never personal data."""
