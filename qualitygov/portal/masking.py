"""The masking policy: no personal data in a published snapshot.

Two locks, both applied by `mask_payload` to every snapshot before it is stored:
1. Declared fields: a key of that name anywhere in the payload (any depth) is treated by its field's
   treatment — the built-in `DEFAULT_FIELDS` (names of complainants and individuals, phone numbers, ID
   numbers, individuals' addresses…) plus the office's `MaskingRule` rows. The office may add fields or
   make a built-in field stricter; it cannot make a built-in field weaker.
2. Patterns: every string value is scanned for mainland mobile and landline numbers, resident ID numbers
   and e-mail addresses, which are masked wherever they appear (free text such as a comment).
"""

from __future__ import annotations

import re
from typing import Any

from .choices import Treatment

#: Built-in personal fields → treatment. Keys compared case-insensitively.
DEFAULT_FIELDS: dict[str, str] = {
    # individuals' names
    "complainant": Treatment.NAME, "complainant_name": Treatment.NAME, "person_name": Treatment.NAME,
    "contact": Treatment.NAME, "contact_person": Treatment.NAME, "contact_name": Treatment.NAME,
    "legal_representative": Treatment.NAME, "applicant_name": Treatment.NAME, "respondent_name": Treatment.NAME,
    "submitted_by": Treatment.DROP, "approved_by": Treatment.DROP, "reviewer": Treatment.DROP,
    # phone numbers
    "phone": Treatment.PHONE, "mobile": Treatment.PHONE, "telephone": Treatment.PHONE,
    "contact_phone": Treatment.PHONE, "complainant_phone": Treatment.PHONE,
    # ID numbers
    "id_number": Treatment.ID_NUMBER, "id_card": Treatment.ID_NUMBER, "identity_number": Treatment.ID_NUMBER,
    "complainant_id_number": Treatment.ID_NUMBER,
    # individuals' addresses
    "home_address": Treatment.ADDRESS, "personal_address": Treatment.ADDRESS,
    "complainant_address": Treatment.ADDRESS, "residence": Treatment.ADDRESS,
    # contact details that identify a person
    "email": Treatment.REDACT,
}

#: Strength of treatments: a configured treatment weaker than the built-in one is ignored.
STRENGTH = {Treatment.DROP: 5, Treatment.REDACT: 4, Treatment.ID_NUMBER: 3, Treatment.PHONE: 3,
            Treatment.NAME: 2, Treatment.ADDRESS: 2}

ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
                   r"(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
ADDRESS_CUT_RE = re.compile(r"^(.*?(?:区|县|镇|街道|乡))")


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name's first character only."""
    value = value.strip()
    if not value:
        return value
    return value[0] + "*" * max(1, len(value) - 1)


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "***"


def mask_id_number(value: str) -> str:
    value = value.strip()
    return "*" * max(0, len(value) - 4) + value[-4:] if len(value) > 4 else "***"


def mask_address(value: str) -> str:
    match = ADDRESS_CUT_RE.match(value.strip())
    return (match.group(1) + "***") if match else "***"


def mask_text(value: str) -> str:
    """Mask ID numbers, phone numbers and e-mail addresses wherever they occur in free text."""
    value = ID_RE.sub(lambda m: "*" * 14 + m.group(0)[-4:], value)
    value = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", value)
    value = LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", value)
    value = EMAIL_RE.sub("***@***", value)
    return value


TREATERS = {
    Treatment.NAME: mask_name,
    Treatment.PHONE: mask_phone,
    Treatment.ID_NUMBER: mask_id_number,
    Treatment.ADDRESS: mask_address,
    Treatment.REDACT: lambda value: "***",
}


def policy() -> dict[str, str]:
    """Field (lower case) → treatment in force: the built-in fields, made stricter or extended by the
    office's active `MaskingRule`s."""
    from .models import MaskingRule

    fields = dict(DEFAULT_FIELDS)
    for field, treatment in MaskingRule.objects.filter(active=True).values_list("field", "treatment"):
        key = field.strip().lower()
        current = fields.get(key)
        if current is None or STRENGTH.get(treatment, 0) > STRENGTH.get(current, 0):
            fields[key] = treatment
    return fields


def _treat(value: Any, treatment: str) -> Any:
    if value is None or value == "":
        return value
    if isinstance(value, list):
        return [_treat(v, treatment) for v in value]
    if isinstance(value, dict):
        return {k: _treat(v, treatment) for k, v in value.items()}
    return TREATERS[treatment](str(value))


def mask_payload(payload: Any, fields: dict[str, str] | None = None) -> Any:
    """A copy of `payload` with every declared field treated (dropped fields removed) and every string
    scanned by the patterns. `fields` defaults to `policy()`."""
    fields = policy() if fields is None else fields
    if isinstance(payload, dict):
        out = {}
        for key, value in payload.items():
            treatment = fields.get(str(key).lower())
            if treatment == Treatment.DROP:
                continue
            out[key] = mask_payload(_treat(value, treatment) if treatment else value, fields)
        return out
    if isinstance(payload, list):
        return [mask_payload(v, fields) for v in payload]
    if isinstance(payload, str):
        return mask_text(payload)
    return payload
