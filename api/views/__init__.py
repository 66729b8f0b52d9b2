"""The API views, one module per context (api/urls.py routes them)."""
