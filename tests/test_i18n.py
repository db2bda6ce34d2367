"""Chinese first: the UI defaults to Simplified Chinese, English is one switch away, catalogues are complete."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = ROOT / "qualitygov"
CATALOGUES = sorted(APPS_DIR.glob("*/locale/*/LC_MESSAGES/*.po"))
APPS = sorted(p.parent.name for p in APPS_DIR.glob("*/apps.py"))


def _msgfmt() -> str:
    found = shutil.which("msgfmt")
    if not found:
        pytest.fail("msgfmt is missing: install gettext (apt-get install -y gettext) to check the catalogues")
    return found


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


# --- the running UI ---------------------------------------------------------------------------


def test_the_ui_defaults_to_simplified_chinese(db, client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录" in _title(html)
    assert '<button type="submit" class="btn btn-primary w-100">登录</button>' in html
    assert "Sign in" not in html


def test_switching_to_english_shows_english(db, client):
    login = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    assert response["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(login).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in _title(html)
    assert "登录" not in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    assert "登录" in _title(client.get(login).content.decode())


def test_an_english_browser_still_gets_chinese_until_the_user_switches(db, client):
    # Government machines often run English browsers; the platform stays Chinese first.
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in _title(html)


# --- the catalogues ---------------------------------------------------------------------------


def test_there_are_chinese_catalogues():
    assert any(path.parts[-3] == "zh_Hans" for path in CATALOGUES), "no qualitygov/<app>/locale/zh_Hans catalogue"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(APPS_DIR)))
def test_catalogue_is_complete_and_compiles(po: Path, tmp_path):
    mo = tmp_path / "django.mo"
    result = subprocess.run([_msgfmt(), "--check", "--statistics", "-o", str(mo), str(po)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip().splitlines()[-1]  # "N translated messages, M fuzzy translations, …."
    translated, fuzzy, untranslated = (
        int(found.group(1)) if (found := re.search(rf"(\d+) {kind}", stats)) else 0
        for kind in ("translated", "fuzzy", "untranslated")
    )
    if fuzzy or untranslated:
        entries = sorted(set(_entries(po, "--untranslated")) | set(_entries(po, "--only-fuzzy")))
        pytest.fail(f"{po.relative_to(ROOT)}: {fuzzy} fuzzy and {untranslated} untranslated entries:\n"
                    + "\n".join(f"  {m}" for m in entries), pytrace=False)
    assert translated > 0
    shipped = po.with_suffix(".mo")
    assert shipped.exists(), f"{shipped.relative_to(ROOT)} is missing: run `make messages`"
    assert shipped.read_bytes() == mo.read_bytes(), f"{shipped.relative_to(ROOT)} is stale: run `make messages`"


def _entries(po: Path, *flags: str) -> list[str]:
    """msgids of the entries `msgattrib` selects with `flags` (e.g. --untranslated)."""
    result = subprocess.run(["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(po)],
                            capture_output=True, text=True, timeout=60, check=True)
    return [m for m in re.findall(r'^msgid "(.*)"$', result.stdout, re.M) if m]


@pytest.mark.parametrize("app", APPS)
def test_every_string_the_app_marks_for_translation_has_a_chinese_translation(app: str, tmp_path):
    """Extract the app's messages as `makemessages` would and list those without a Chinese translation."""
    _msgfmt()
    copy = tmp_path / app
    shutil.copytree(APPS_DIR / app, copy, ignore=shutil.ignore_patterns("tests", "migrations", "__pycache__"))
    (copy / "locale").mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)}
    # -P: the copy's own modules (io.py…) must not shadow the standard library's.
    result = subprocess.run([sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans",
                             "--no-location", "--no-wrap", "--verbosity", "0"],
                            cwd=copy, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return  # the app marks nothing for translation
    missing = sorted(set(_entries(po, "--untranslated")) | set(_entries(po, "--only-fuzzy")))
    assert missing == [], (
        f"qualitygov/{app}: {len(missing)} marked strings lack a Chinese translation in "
        f"qualitygov/{app}/locale/zh_Hans/LC_MESSAGES/django.po:\n" + "\n".join(f"  {m}" for m in missing))
