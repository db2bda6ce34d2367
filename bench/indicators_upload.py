"""Benchmark: validating and previewing an uploaded template of 10,020 rows (the dry run, nothing written).

167 monthly percentage indicators × 5 responsible units (of 30) × the 12 months of 2026, approved values
for 2022–2025 (the yardstick for the size-of-change check). The office downloads its template for
2026, every value cell is filled (a few wrong on purpose: text, a percentage above 100, a big change
without a comment), and the upload is posted to the preview page through the Django test client:
read-only openpyxl, bulk lookups, and the preview page itself. Prints median / min / max of the runs,
the query count (must not grow with the rows) and peak Python memory.

    .venv/bin/python bench/indicators_upload.py [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qg_bench_indicators .venv/bin/python bench/indicators_upload.py
"""

from __future__ import annotations

import argparse
import io
import re
import resource

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from indicators_common import build_indicators, database_label, fresh_database, measure
from openpyxl import load_workbook

from qualitygov.indicators.io import DATA_SHEET


def filled(template: bytes) -> tuple[bytes, int]:
    wb = load_workbook(io.BytesIO(template))
    ws = wb[DATA_SHEET]
    rows = 0
    for row in range(2, ws.max_row + 1):
        value: object = 95.5 + (row % 7) / 10
        if row % 1000 == 0:
            value = "约95"  # not a number
        elif row % 1000 == 1:
            value = 101  # a percentage above 100
        elif row % 1000 == 2:
            value = 10  # more than 3 times smaller than the previous value, no comment
        ws.cell(row=row, column=4, value=value)
        rows += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cast, units = fresh_database()
    build_indicators(cast=cast, units=units, n=167, periods=60, units_per_indicator=5, approved_upto=48)
    client = Client()
    client.force_login(cast.office)
    template = client.get(reverse("indicators:excel_template"), {"period": "2026"}).content
    content, rows = filled(template)
    print(f"upload preview, {database_label()}, {rows} rows, {len(content) / 1048576:.2f} MB, {args.runs} runs")
    counts = {}

    def call():
        response = client.post(reverse("indicators:excel_upload"),
                                {"file": SimpleUploadedFile("填报.xlsx", content)})
        assert response.status_code == 200, response.content[:300]
        counts.update(re.findall(r'data-count="(\w+)">(\d+)<', response.content.decode()))

    m = measure(call, args.runs)
    print(f"  preview median {m['median'] / 1000:.2f} s (min {m['min'] / 1000:.2f}, max {m['max'] / 1000:.2f}), "
          f"{m['queries']} queries, peak {m['peak_mib']:.0f} MiB; rows {counts}")
    print(f"  peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
