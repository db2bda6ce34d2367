"""A background export in the browser: queued from the plan page, the job page's progress bar moves to
100% by htmx polling alone (no reload, no inline script) once the worker has run it, and the file is offered."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.core.models import JobRun
from qualitygov.plans.tests.factories import workspace_plan


def test_the_progress_bar_follows_the_worker_without_a_reload(cast, new_page, sign_in):
    plan = workspace_plan(cast)
    page = new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    sign_in(page, "office")
    page.goto(reverse("plans:plan_detail", args=[plan.pk]))
    page.get_by_test_id("export-xlsx-job").click()
    job = JobRun.objects.get()
    page.wait_for_url(f"**{reverse('core:job_detail', args=[job.pk])}")
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "queued")
    expect(page.get_by_test_id("job-progress")).to_have_attribute("data-percent", "0")
    page.evaluate("window.__notReloaded = true")

    call_command("worker", "--burst", stdout=io.StringIO())

    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("job-progress")).to_have_attribute("data-percent", "100")
    expect(page.get_by_test_id("job-download")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True  # htmx swapped the block in place
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == f"{plan.title}任务分解表.xlsx"
    assert violations == []
