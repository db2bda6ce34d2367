"""Delivery channels for notices besides the in-app notice: e-mail (Django's configured mail
backend, sent by `core.notifications`) and the DingTalk / WeCom group robots posted from here.

Each channel's `send` raises on failure (the caller records and retries); robots post with
`urllib.request` under `ROBOT_TIMEOUT` seconds and refuse any URL that is not http(s).

DingTalk signs each post: `sign` is base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), sent
URL-encoded with `timestamp` (milliseconds) as query parameters. WeCom's key is part of its URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

#: Seconds a robot post may take before it counts as failed.
ROBOT_TIMEOUT = 5.0


class ChannelError(Exception):
    """A delivery was refused before sending or answered with an error."""


def dingtalk_sign(*, secret: str, timestamp: int) -> str:
    """DingTalk's signature of `timestamp` (ms) with `secret`: base64 of the HMAC-SHA256, not URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_url(url: str) -> urllib.parse.SplitResult:
    """The parts of `url`; ChannelError unless it is http(s) with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ChannelError(f"refused webhook URL scheme {parts.scheme!r}")
    return parts


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: the post goes to the configured URL or nowhere."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post_json(url: str, payload: dict) -> None:
    check_url(url)
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with _opener.open(request, timeout=ROBOT_TIMEOUT) as response:
        body = response.read(65536)
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise ChannelError(f"robot answered errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def dingtalk_send(*, url: str, secret: str, text: str, now_ms: int | None = None) -> None:
    """Post `text` to a DingTalk group robot, signed when `secret` is set."""
    if secret:
        timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
        query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(secret=secret, timestamp=timestamp)})
        url = f"{url}{'&' if urllib.parse.urlsplit(url).query else '?'}{query}"
    _post_json(url, {"msgtype": "text", "text": {"content": text}})


def wecom_send(*, url: str, text: str) -> None:
    """Post `text` to a WeCom group robot (the key is in `url`)."""
    _post_json(url, {"msgtype": "text", "text": {"content": text}})


def robot_send(*, kind: str, url: str, secret: str, text: str) -> None:
    """Send `text` through the robot channel `kind` ("dingtalk" or "wecom")."""
    if kind == "dingtalk":
        dingtalk_send(url=url, secret=secret, text=text)
    elif kind == "wecom":
        wecom_send(url=url, text=text)
    else:
        raise ChannelError(f"unknown channel {kind!r}")


def mask_secret(secret: str) -> str:
    """A secret as a page may show it: its first three and last four characters only ("" when unset)."""
    if not secret:
        return ""
    return f"{secret[:3]}…{secret[-4:]}" if len(secret) >= 12 else "…"


def mask_url(url: str) -> str:
    """A webhook URL as a page may show it: scheme and host, then "…" and the last four characters
    (the access token or key in the path or query is a credential)."""
    parts = urllib.parse.urlsplit(url)
    rest = url[len(f"{parts.scheme}://{parts.netloc}"):]
    return f"{parts.scheme}://{parts.netloc}" + (f"/…{rest[-4:]}" if len(rest) > 8 else rest)


#: The channels by name; in-app notices are always stored and are not a channel here.
CHANNELS = ("email", "dingtalk", "wecom")
