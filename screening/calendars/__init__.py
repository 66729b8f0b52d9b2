"""Practitioners' and rooms' calendars: feeds, imports of their own calendars, invite emails."""
