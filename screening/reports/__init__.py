"""Reports over the whole YOT (timeliness)."""
