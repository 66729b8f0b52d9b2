"""Management oversight: what needs a YOT manager (the oversight lists) and their notes."""
