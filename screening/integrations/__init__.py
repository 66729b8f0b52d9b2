"""Adapters to the outside world (SMS, email, calendars, HTTP fetching); the domain talks
to these small interfaces only."""
