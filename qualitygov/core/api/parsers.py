"""The API's JSON parser: a body nested too deeply is malformed (400), never a server error."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class NestedTooDeeply(ParseError):
    """A JSON body nested beyond Python's recursion limit (answered as `malformed`)."""


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested beyond Python's recursion limit answers 400 `malformed`."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise NestedTooDeeply(_("The request body is nested too deeply.")) from None
