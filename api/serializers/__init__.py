"""The API serializers, one module per context."""
