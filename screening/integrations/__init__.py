"""Adapters to the outside world: calendars, email, HTTP fetching."""
