"""Scheduling: availability expansion and the one-visit search (pure Python), and loaders."""
