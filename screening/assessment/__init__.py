"""Findings, the merged assessment draft, urgent alerts, and the Word export."""
