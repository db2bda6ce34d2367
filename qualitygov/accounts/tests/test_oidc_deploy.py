"""`manage.py check --deploy` under production settings with the identity provider configured."""

from __future__ import annotations

import subprocess
import sys

from tests.test_security import ROOT, _production_env, _secret_key


def _deploy_check(**oidc: str) -> subprocess.CompletedProcess:
    env = _production_env(QUALITYGOV_SECRET_KEY=_secret_key(), QUALITYGOV_OIDC_CLIENT_ID="qualitygov",
                          QUALITYGOV_OIDC_CLIENT_SECRET="a-client-secret", **oidc)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_deploy_check_is_clean_with_oidc_over_https():
    result = _deploy_check(QUALITYGOV_OIDC_ISSUER="https://idp.example.gov.cn/realms/putuo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_of_an_identity_provider_over_plain_http():
    result = _deploy_check(QUALITYGOV_OIDC_ISSUER="https://idp.example.gov.cn",
                           QUALITYGOV_OIDC_TOKEN_ENDPOINT="http://idp.example.gov.cn/token")
    assert result.returncode == 1
    assert ("accounts.W001) The identity provider is configured over plain HTTP: "
            "QUALITYGOV_OIDC_TOKEN_ENDPOINT.") in result.stderr
