"""Every view that serves a stored file answers 404, not 500, when the file's bytes are missing
(a restore without the upload folder, a file removed by hand) — as for a missing record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qualitygov.core.models import Attachment
from qualitygov.indicators.tests.url_samples import SAMPLES as INDICATOR_SAMPLES
from qualitygov.progress.tests.url_samples import SAMPLES as PROGRESS_SAMPLES

FILE_VIEWS = {
    "indicators:evidence_download": INDICATOR_SAMPLES["indicators:evidence_download"],
    "progress:attachment_download": PROGRESS_SAMPLES["progress:attachment_download"],
}


@pytest.mark.parametrize("name", sorted(FILE_VIEWS))
def test_a_missing_evidence_file_answers_404(name, cast, client_for):
    sample = FILE_VIEWS[name](cast)
    owner = sample.pop("owner")
    url = reverse(name, kwargs=sample)
    client = client_for(owner)
    found = client.get(url)
    assert found.status_code == 200
    stored = b"".join(found.streaming_content)
    attachment = Attachment.objects.get()
    assert stored == attachment.file.read()
    attachment.file.close()
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(url).status_code == 404
    assert Attachment.objects.count() == 1
