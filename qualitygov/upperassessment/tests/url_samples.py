"""URL kwargs for the permission matrix: the upper-level assessment (迎考) pages.

The list, the item table and the 自评表 are read by every signed-in user; loading, assigning,
reviewing and the evidence package need an office holding the whole district (`district_wide`);
an item's page and its evidence belong to its lead unit (区经信局: `liaison_a`, action change).
"""

from __future__ import annotations


def _upper(cast) -> int:
    from qualitygov.upperassessment.models import UpperAssessment
    from qualitygov.upperassessment.tests.factories import make_upper

    return (UpperAssessment.objects.first() or make_upper(cast)).pk


def _item(cast) -> int:
    from qualitygov.upperassessment.tests.factories import assigned_item

    return assigned_item(cast).pk


def _evidence(cast) -> int:
    import hashlib

    from qualitygov.core.models import Attachment
    from qualitygov.core.uploads import CheckedFile
    from qualitygov.upperassessment.models import UpperItem
    from qualitygov.upperassessment.services import upper_item_attach

    item = UpperItem.objects.get(pk=_item(cast))
    found = Attachment.objects.filter(owner_type="upperassessment.upperitem", owner_id=str(item.pk)).first()
    if found is None:
        data = b"%PDF-1.4\n%%EOF\n"
        found = upper_item_attach(actor=cast.office, item=item, checked=CheckedFile(
            name="佐证.pdf", extension=".pdf", content_type="application/pdf", data=data,
            sha256=hashlib.sha256(data).hexdigest()))
    return found.pk


SAMPLES = {
    "upperassessment:import": lambda cast: {"district_wide": True},
    "upperassessment:detail": lambda cast: {"pk": _upper(cast)},
    "upperassessment:status": lambda cast: {"pk": _upper(cast), "district_wide": True, "get_status": 405},
    "upperassessment:export_xlsx": lambda cast: {"pk": _upper(cast)},
    "upperassessment:export_docx": lambda cast: {"pk": _upper(cast)},
    "upperassessment:export_zip": lambda cast: {"pk": _upper(cast), "district_wide": True},
    "upperassessment:item": lambda cast: {"pk": _item(cast), "owner": "liaison_a"},
    "upperassessment:assign": lambda cast: {"pk": _item(cast), "district_wide": True},
    "upperassessment:review": lambda cast: {"pk": _item(cast), "district_wide": True, "get_status": 405},
    "upperassessment:evidence": lambda cast: {"pk": _evidence(cast), "owner": "liaison_a"},
}
