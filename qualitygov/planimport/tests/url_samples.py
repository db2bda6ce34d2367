"""URL kwargs for the permission matrix: one sample object per plan import URL that takes arguments."""

from __future__ import annotations


def _import_preview(cast):
    """An import of the seed plan awaiting review (office only: no owner)."""
    from qualitygov.planimport.models import PlanImport
    from qualitygov.planimport.services import plan_import_preview
    from qualitygov.plans.demo import SEED

    found = PlanImport.objects.filter(source_name=SEED.name, status="preview").first()
    return found or plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED.read_bytes())


#: Importing replaces the district's plan: only an office admin over the whole district may.
SAMPLES = {
    "planimport:import_list": lambda cast: {"district_wide": True},
    "planimport:import_export": lambda cast: {"district_wide": True},
    "planimport:import_upload": lambda cast: {"district_wide": True},
    "planimport:import_review": lambda cast: {"pk": _import_preview(cast).pk, "district_wide": True},
    "planimport:import_confirm": lambda cast: {"pk": _import_preview(cast).pk, "get_status": 405,
                                               "district_wide": True},
    "planimport:import_cancel": lambda cast: {"pk": _import_preview(cast).pk, "get_status": 405,
                                              "district_wide": True},
}
