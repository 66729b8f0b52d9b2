"""Venues, rooms, opening hours and closure days."""
