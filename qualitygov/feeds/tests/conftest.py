from __future__ import annotations

import pytest

from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.services import org_unit_create


@pytest.fixture
def towns(cast):
    """The cast's 沈家门街道 plus 东港街道 and 六横镇 (with an alias), and 区市场监管分局 owning the sources."""
    from qualitygov.feeds.models import FeedSource

    donggang = org_unit_create(actor=None, name="舟山市普陀区东港街道", kind=K.SUBDISTRICT, parent=cast.district,
                               short_name="东港街道")
    liuheng = org_unit_create(actor=None, name="舟山市普陀区六横镇", kind=K.TOWN, parent=cast.district,
                              short_name="六横镇", aliases=["六横镇人民政府"])
    FeedSource.objects.update(owner_unit=cast.dept_a)
    return {"沈家门街道": cast.town, "东港街道": donggang, "六横镇": liuheng}
