"""Adapters to outside services; the domain talks to these small interfaces only."""
