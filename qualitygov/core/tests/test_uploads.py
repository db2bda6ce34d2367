"""The upload gate bounds zip-based files once unpacked, before anything parses them."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from qualitygov.core.errors import ServiceError
from qualitygov.core.testing import zip_bomb
from qualitygov.core.uploads import check_upload


def _workbook() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "指标"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("extension", [".xlsx", ".docx"])
def test_a_zip_bomb_is_refused_before_it_is_read(extension):
    data = zip_bomb(extension)
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ServiceError) as caught:
            check_upload(SimpleUploadedFile(f"填报{extension}", data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (caught.value.code, caught.value.message, caught.value.fields) == (
        "too_large_unpacked", f"“填报{extension}”解压后过大，无法安全读取。", {"file": ["文件解压后过大。"]})
    assert peak < 8 * 1024 * 1024  # the upload itself, not its unpacked 200 MB


@override_settings(QUALITYGOV_MAX_UNPACKED_BYTES=50 * 1024 * 1024)
def test_the_sum_of_members_is_bounded_even_at_a_modest_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<w/>")
        for n in range(3):
            archive.writestr(f"xl/media/image{n}.bin", bytes(20 * 1024 * 1024))
    with pytest.raises(ServiceError) as caught:
        check_upload(SimpleUploadedFile("大.xlsx", buffer.getvalue()), max_bytes=100 * 1024 * 1024)
    assert caught.value.code == "too_large_unpacked"


def test_one_highly_compressed_member_is_refused_under_the_total():
    data = zip_bomb(".xlsx", unpacked_mb=2)
    with override_settings(QUALITYGOV_MAX_UNPACKED_RATIO=100):
        with pytest.raises(ServiceError) as caught:
            check_upload(SimpleUploadedFile("填报.xlsx", data))
    assert caught.value.code == "too_large_unpacked"
    with override_settings(QUALITYGOV_MAX_UNPACKED_RATIO=2000):
        assert check_upload(SimpleUploadedFile("填报.xlsx", data)).data == data


def test_a_real_workbook_passes_the_gate():
    data = _workbook()
    checked = check_upload(SimpleUploadedFile("填报.xlsx", data), allowed=(".xlsx",))
    assert (checked.name, checked.extension, checked.data) == ("填报.xlsx", ".xlsx", data)
