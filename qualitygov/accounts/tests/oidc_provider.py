"""A small OpenID Connect provider for tests, served over HTTP from a thread of the test process.

It does what a government identity provider does in the authorization code flow, and checks what
one checks: discovery document, `/authorize` (issues a one-time code for `subject` and redirects back
with the state), `/token` (client authentication, the code, the redirect URI and the PKCE verifier;
answers an RS256-signed id_token with the nonce), `/jwks`, `/userinfo` (bearer access token) and
`/logout`. Tests spoil the id_token on purpose through `id_token_overrides` and `signing_key`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "qualitygov-test"
CLIENT_SECRET = "local-provider-secret-0123456789"
KID = "local-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LocalProvider:
    """Start with `start()`, stop with `stop()`; `issuer` is its base URL on a free loopback port."""

    def __init__(self) -> None:
        self.key = new_key()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.provider = self
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    def reset(self) -> None:
        """Back to a well-behaved provider signing in `gov-0001`, known to it as `liaison_a`."""
        self.subject = "gov-0001"
        self.userinfo_claims: dict = {"preferred_username": "liaison_a", "name": "部门联络员甲"}
        self.id_token_overrides: dict = {}
        self.signing_key: rsa.RSAPrivateKey | None = None  # another key than the one published
        self.algorithm = "RS256"  # "HS256" signs with the client secret, "none" not at all
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, str] = {}
        self.seen: list[str] = []  # "METHOD /path" of every request, in order

    def start(self) -> LocalProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- documents -----------------------------------------------------------------------------

    def discovery(self) -> dict:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": grant["subject"], "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], "auth_time": now}
        claims.update(self.id_token_overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = {"HS256": CLIENT_SECRET, "none": None}.get(self.algorithm, self.signing_key or self.key)
        return jwt.encode(claims, key, algorithm=self.algorithm, headers={"kid": KID})


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, format, *args):  # quiet
        pass

    @property
    def provider(self) -> LocalProvider:
        return self.server.provider

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.provider.seen.append(f"GET {url.path}")
        if url.path == "/.well-known/openid-configuration":
            return self._json(200, self.provider.discovery())
        if url.path == "/jwks":
            return self._json(200, self.provider.jwks())
        if url.path == "/authorize":
            return self._authorize(query)
        if url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            subject = self.provider.access_tokens.get(token)
            if subject is None:
                return self._json(401, {"error": "invalid_token"})
            return self._json(200, {"sub": subject, **self.provider.userinfo_claims})
        if url.path == "/logout":
            return self._redirect(query.get("post_logout_redirect_uri", "/"))
        return self._json(404, {"error": "not_found"})

    def _authorize(self, query: dict) -> None:
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" \
                or "openid" not in query.get("scope", "").split():
            return self._json(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(24)
        self.provider.codes[code] = {
            "subject": self.provider.subject, "nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"],
            "code_challenge": query.get("code_challenge"), "method": query.get("code_challenge_method"),
        }
        self._redirect(f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}")

    def do_POST(self):
        url = urlsplit(self.path)
        self.provider.seen.append(f"POST {url.path}")
        if url.path != "/token":
            return self._json(404, {"error": "not_found"})
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return self._json(401, {"error": "invalid_client"})
        grant = self.provider.codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["method"] != "S256" or not verifier or challenge != grant["code_challenge"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
        access_token = secrets.token_urlsafe(24)
        self.provider.access_tokens[access_token] = grant["subject"]
        self._json(200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                         "id_token": self.provider.id_token(grant)})
