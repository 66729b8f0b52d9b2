"""Django's PostgreSQL backend, told the one limit that server-side binding brings.

With server-side binding (settings: DATABASE_SERVER_SIDE_BINDING) every query parameter
travels on its own, and the protocol carries at most 65,535 of them in one statement.
Django 5.2 does not know this on PostgreSQL, so a long IN list (`in_bulk` of many ids, the
batches of a cascading delete, a bulk_create that cannot use UNNEST) would be refused by
the server. Declaring the limit makes Django split such statements, as it does on SQLite.
Everything else is Django's own backend.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, features, operations
from django.utils.functional import cached_property

PROTOCOL_MAX_PARAMS = 2**16 - 1


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int | None:
        return PROTOCOL_MAX_PARAMS if self.uses_server_side_binding else None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs) -> int:
        limit = self.connection.features.max_query_params
        if limit is None or not fields:
            return super().bulk_batch_size(fields, objs)
        return max(limit // len(fields), 1)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
