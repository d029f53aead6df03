"""The API's pages: ?page=N, 50 a page. A `page` that is not a whole number from 1 up (empty, "abc",
"0", "-1") is the caller's mistake: 400 with a message. A well-formed page past the last: 404."""

from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination

PAGE_ERROR = "Parameter page harus bilangan bulat 1 atau lebih."


class StrictPageNumberPagination(PageNumberPagination):
    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
            raise ParseError(PAGE_ERROR)
        return raw

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
                parameter["description"] = "Page number, from 1 (50 results a page). Past the last page: 404."
        return parameters
