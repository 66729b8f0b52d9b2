"""A small but real OpenID Connect provider for tests, on 127.0.0.1 only.

A threaded HTTP server with discovery, authorisation (signs in whoever `provider.person` is,
at once, and redirects back with a one-time code and the state), token (client secret and
PKCE checked, answers an RS256 ID token carrying the nonce, signed with a key made when the
provider starts), userinfo (by access token) and JWKS. `provider.tamper` makes it misbehave
one way, as a broken or hostile provider would: "state", "nonce", "signature", "expired",
"issuer", "audience", "userinfo_sub".
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OidcProvider:
    """Start with `with OidcProvider(client_id=..., client_secret=...) as provider:`."""

    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = _new_key()
        self.kid = secrets.token_hex(8)
        self.other_key = _new_key()  # signs when tampering with the signature
        self.person: dict[str, object] = {}
        self.tamper = ""
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> OidcProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- what each endpoint answers ---------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, b"unknown client or response type"
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "challenge": query.get("code_challenge"),
            "person": dict(self.person),
        }
        state = "not-the-state" if self.tamper == "state" else query.get("state", "")
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': state})}"
        return 302, {"Location": location}, b""

    def token(self, form: dict[str, str], auth: str) -> tuple[int, dict]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # each code works once
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if grant["challenge"] != challenge.decode().rstrip("="):
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access = secrets.token_urlsafe(24)
        self.tokens[access] = grant["person"]
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": self.id_token(grant["person"], grant["nonce"]),
        }

    def id_token(self, person: dict, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": "https://elsewhere.example" if self.tamper == "issuer" else self.url,
            "aud": "another-client" if self.tamper == "audience" else self.client_id,
            "iat": now - (7200 if self.tamper == "expired" else 0),
            "exp": now - 3600 if self.tamper == "expired" else now + 600,
            "nonce": "not-the-nonce" if self.tamper == "nonce" else nonce,
            **person,
        }
        key = self.other_key if self.tamper == "signature" else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def userinfo(self, auth: str) -> tuple[int, dict]:
        person = self.tokens.get(auth.removeprefix("Bearer ").strip())
        if person is None:
            return 401, {"error": "invalid_token"}
        if self.tamper == "userinfo_sub":
            return 200, {**person, "sub": "someone-else"}
        return 200, {k: v for k, v in person.items() if k != "groups"}

    # --- HTTP -------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes | dict, headers: dict | None = None):
                payload = json.dumps(body).encode() if isinstance(body, dict) else body
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if isinstance(body, dict):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                parsed = urlparse(self.path)
                provider.requests.append(parsed.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                if parsed.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif parsed.path == "/jwks":
                    self._send(200, provider.jwks())
                elif parsed.path == "/authorize":
                    status, headers, body = provider.authorize(query)
                    self._send(status, body, headers)
                elif parsed.path == "/userinfo":
                    self._send(*provider.userinfo(self.headers.get("Authorization", "")))
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                provider.requests.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/token":
                    self._send(*provider.token(form, self.headers.get("Authorization", "")))
                else:
                    self._send(404, {"error": "not_found"})

        return Handler
