"""The assessment scoring engine: pure Python + Decimal + jsonschema, no Django.

Public entry points: `load_json`, `validate_scheme`, `validate_units`, `assess` (the whole result
document of the exchange format v1) and `AssessmentError` (the only exception they raise on bad input;
its `message` is one Chinese line naming the place).
"""

from .errors import AssessmentError
from .io import load_json
from .result import assess
from .validate import validate_scheme, validate_units

__all__ = ["AssessmentError", "assess", "load_json", "validate_scheme", "validate_units"]
