from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`{count, next, previous, results}` with `?page=` and `?page_size=` (max 200).

    A page_size that is not a whole number from 1 to 200 is refused with 400 rather than
    silently replaced, so a client's mistake is never hidden (the schema gives the limits).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= self.max_page_size:
            raise ValidationError({"page_size": ["Give one whole number from 1 to 200."]})
        return int(raw[0])

    def get_page_number(self, request, paginator) -> str | int:
        # A repeated, empty or non-numeric ?page= is a client's mistake: refuse it like a bad
        # page_size instead of reading it as page 1 or as the last value given.
        raw = request.query_params.getlist(self.page_query_param)
        if len(raw) > 1 or (raw and not raw[0].isdigit()):
            raise ValidationError({"page": ["Give one whole page number, 1 or more."]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """`page` and `page_size` with the limits get_page_number and get_page_size enforce."""
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, from 1 to {self.max_page_size}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
