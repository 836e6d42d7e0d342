"""A small but real OpenID Connect provider for the tests, on a loopback port in a thread.

It speaks HTTP like Entree, Entra ID or Google do: a discovery document, a JWKS with a fresh
RSA key, an authorization endpoint (which signs the visitor in as `identity` at once: there is
no one to type a password), a token endpoint that checks the client secret, the code, the
redirect URI and the PKCE verifier, and hands out an RS256-signed ID token, and a userinfo
endpoint behind the access token. Without the `openid` scope it behaves as a plain OAuth2
provider (Smartschool): no ID token, only userinfo.

Knobs for the failure tests: `id_token_overrides` (say a wrong nonce or an `exp` in the past;
None leaves a claim out of the ID token),
`sign_with_other_key`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "hechtwijzer-test"
CLIENT_SECRET = "test-secret-" + "x" * 20


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the tests' output stays readable
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class TestProvider:
    """`with TestProvider() as provider:` starts it; `provider.identity = {...}` chooses who
    logs in next (claims of the ID token and of userinfo)."""

    __test__ = False  # not a pytest test class

    def __init__(self, *, client_id=CLIENT_ID, client_secret=CLIENT_SECRET):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.identity: dict = {"sub": "subject-1"}
        self.id_token_overrides: dict = {}
        self.sign_with_other_key = False
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []  # paths asked for, to check the flow's steps
        self._server = None
        self._thread = None

    # --- life cycle --------------------------------------------------------------------------

    def __enter__(self) -> TestProvider:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._server = make_server(
            "127.0.0.1", 0, self._app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    # --- the endpoints -----------------------------------------------------------------------

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.requests.append(path)
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
        }
        handler = routes.get(path)
        if handler is None:
            return _json(start_response, {"error": "not_found"}, "404 Not Found")
        return handler(environ, start_response)

    def _discovery(self, environ, start_response):
        return _json(
            start_response,
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            },
        )

    def _jwks(self, environ, start_response):
        return _json(start_response, KeySet([self.key]).as_dict(private=False))

    def _authorize(self, environ, start_response):
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return _json(start_response, {"error": "invalid_request"}, "400 Bad Request")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": query.get("redirect_uri"),
            "nonce": query.get("nonce"),
            "scope": query.get("scope", ""),
            "challenge": query.get("code_challenge"),
            "identity": dict(self.identity),
        }
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        start_response("302 Found", [("Location", target), ("Content-Length", "0")])
        return [b""]

    def _client_ok(self, environ, form) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            raw = base64.b64decode(header[6:]).decode()
            client_id, _sep, secret = raw.partition(":")
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        return (
            unquote(client_id or "") == self.client_id
            and unquote(secret or "") == self.client_secret
        )

    def _token(self, environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        if not self._client_ok(environ, form):
            return _json(start_response, {"error": "invalid_client"}, "401 Unauthorized")
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return _json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if not grant["challenge"] or challenge != grant["challenge"]:
            return _json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant["identity"]
        answer = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600}
        if "openid" in grant["scope"].split():
            answer["id_token"] = self._id_token(grant)
        return _json(start_response, answer)

    def _id_token(self, grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["identity"],
        } | self.id_token_overrides
        claims = {name: value for name, value in claims.items() if value is not None}
        key = (
            RSAKey.generate_key(2048, parameters={"kid": "test-key"})
            if (self.sign_with_other_key)
            else self.key
        )
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)

    def _userinfo(self, environ, start_response):
        header = environ.get("HTTP_AUTHORIZATION", "")
        identity = self.tokens.get(header.removeprefix("Bearer "))
        if identity is None:
            return _json(start_response, {"error": "invalid_token"}, "401 Unauthorized")
        return _json(start_response, identity)


def _json(start_response, data, status="200 OK"):
    body = json.dumps(data).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def follow_to_callback(authorize_url: str) -> str:
    """What a browser does at the provider: open the authorization URL and read where the
    provider sends it back (the callback URL with code and state), without following it."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(authorize_url)
    except urllib.error.HTTPError as answer:
        if answer.code == 302:
            return answer.headers["Location"]
        raise
    raise AssertionError("the provider did not redirect")


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
