"""The review editor's web server: Starlette on uvicorn, bound to 127.0.0.1 only.

Every request must carry the session's token, as the ``X-Alinea-Token`` header
(the page's own requests) or the ``token`` query parameter (the page itself, its
script and style, downloads): without one the answer is 401, with a wrong one
403. The Host header must name the loopback address the server listens on, so a
page on another site cannot reach it through DNS rebinding. Request bodies are
limited in size; the page, its script and its style are files shipped in the
package and nothing is loaded from anywhere else (a content security policy
says so to the browser).
"""
from __future__ import annotations

import errno
import json
import secrets
import socket
import threading
from collections.abc import Callable
from importlib.resources import files
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from alinea.align.errors import InputError

from .edits import EditError
from .session import EXPORT_FORMATS, PAGE_SIZE, ReviewSession

HOST = "127.0.0.1"
#: The largest request body accepted (bytes): an edit is a few hundred bytes, a long sentence a few KB.
MAX_BODY = 256 * 1024
TOKEN_HEADER = "x-alinea-token"
STATIC = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}


class Guard:
    """ASGI middleware: loopback Host, token on every request, bounded bodies, security headers."""

    def __init__(self, app, token: str, hosts: Callable[[], set[str]], max_body: int = MAX_BODY) -> None:
        self.app, self.token, self.hosts, self.max_body = app, token, hosts, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            return await refusal(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge()
            return message

        async def secured_send(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                message["headers"] = headers + [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                                                if k not in present]
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except _TooLarge:
            await _error(413, f"request body over {self.max_body} bytes")(scope, receive, send)

    def _refusal(self, scope, headers: dict[str, str]):
        if headers.get("host", "") not in self.hosts():
            return _error(421, "this server answers only to its own address on 127.0.0.1")
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return _error(413, f"request body over {self.max_body} bytes")
        given = headers.get(TOKEN_HEADER)
        if given is None:
            query = scope.get("query_string", b"").decode("latin-1")
            given = (parse_qs(query).get("token") or [None])[0]
        if not given:
            return _error(401, "the review token is missing: open the address printed by `alinea review`")
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return _error(403, "wrong review token: open the address printed by `alinea review`")
        return None


class _TooLarge(Exception):
    pass


def _error(status: int, message: str):
    return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)


def _static(name: str) -> str:
    return files("alinea.review").joinpath("static", name).read_text(encoding="utf-8")


def create_app(session: ReviewSession, token: str, hosts: Callable[[], set[str]] | None = None,
               max_body: int = MAX_BODY) -> Guard:
    """The ASGI app of a review session (``hosts``: the Host header values to accept)."""
    import html

    page = _static("index.html").replace("__TOKEN__", html.escape(token, quote=True))
    assets = {name: _static(name) for name in STATIC}

    async def index(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return _error(404, "no such file")
        return Response(assets[name], media_type=STATIC[name])

    def view_args(source: dict) -> dict:
        def number(key: str, default: int) -> int:
            value = source.get(key, default)
            try:
                return int(value)
            except (TypeError, ValueError):
                raise EditError(f"'{key}' must be a number") from None
        query = source.get("q", "")
        return {"offset": number("offset", 0), "limit": number("limit", PAGE_SIZE),
                "filter_name": str(source.get("filter", "all")), "query": str(query),
                "order": str(source.get("order", "document"))}

    async def view(request: Request) -> Response:
        return await _answer(lambda: session.view(**view_args(dict(request.query_params))))

    async def body(request: Request) -> dict:
        try:
            data = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise EditError("the request body is not JSON") from None
        if not isinstance(data, dict):
            raise EditError("the request body must be a JSON object")
        return data

    def after(change, data: dict) -> dict:
        answer = session.view(**view_args(data.get("view") or {}))
        answer["done"] = change.label
        answer["noop"] = change.is_noop
        return answer

    async def edit(request: Request) -> Response:
        async def run():
            data = await body(request)
            op = str(data.get("op", ""))
            args = data.get("args") or {}
            if not isinstance(args, dict):
                raise EditError("'args' must be an object")
            revision = data.get("revision")
            if op == "realign":  # seconds on a long document: off the event loop
                change = await run_in_threadpool(session.realign, revision)
                return await run_in_threadpool(after, change, data)
            # An edit and its answer take milliseconds: done at once, without a thread hop.
            if op == "undo":
                change = session.undo(revision)
            elif op == "redo":
                change = session.redo(revision)
            else:
                change = session.edit(op, args, revision)
            return after(change, data)
        return await _answer_async(run)

    async def export(request: Request) -> Response:
        fmt = request.query_params.get("format", "tmx")
        keep = request.query_params.get("keep_unaligned", "") in ("1", "true", "yes")
        try:
            content, name = await run_in_threadpool(session.export_bytes, fmt, keep)
        except InputError as exc:
            return _error(400, str(exc))
        return Response(content, media_type=EXPORT_FORMATS[fmt],
                        headers={"content-disposition": f'attachment; filename="{_ascii_name(name)}"'})

    app = Starlette(routes=[
        Route("/", index), Route("/static/{name}", asset), Route("/api/view", view),
        Route("/api/edit", edit, methods=["POST"]), Route("/api/export", export),
    ])
    return Guard(app, token, hosts or (lambda: {HOST, "localhost"}), max_body)


def _ascii_name(name: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in name)


async def _answer(make) -> Response:
    # A view takes milliseconds: made at once (a hop to a worker thread costs more than that under load).
    try:
        return JSONResponse(make())
    except InputError as exc:
        return _error(400, str(exc))


async def _answer_async(make) -> Response:
    try:
        return JSONResponse(await make())
    except InputError as exc:
        return _error(400, str(exc))


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: a free port); a taken port is an InputError."""
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only for such sockets; without it
    # a response written in two pieces waits for the client's delayed ACK (about 40 ms an edit).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {HOST} is already in use: choose another with --port, "
                             "or leave --port out for a free one") from None
        if exc.errno == errno.EACCES:
            raise InputError(f"port {port} on {HOST} needs privileges: use a port above 1023") from None
        raise InputError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
    return sock


def serve(session: ReviewSession, sock: socket.socket, token: str, on_ready: Callable[[], None] | None = None) -> None:
    """Run the server on ``sock`` until interrupted (Ctrl+C)."""
    import uvicorn

    port = sock.getsockname()[1]
    hosts = {f"{HOST}:{port}", f"localhost:{port}"}
    app = create_app(session, token, lambda: hosts)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    original = server.startup

    async def startup(sockets=None):
        await original(sockets=sockets)
        # Load the checks and build the first page while the browser starts: its first paint is then warm.
        threading.Thread(target=_warm_up, args=(session,), daemon=True).start()
        if on_ready is not None:
            on_ready()
    server.startup = startup
    server.run(sockets=[sock])


def _warm_up(session: ReviewSession) -> None:
    try:
        session.view()
    except Exception:  # noqa: BLE001 - only a head start; the page's own request reports any problem
        pass


def new_token() -> str:
    return secrets.token_urlsafe(24)


def url_of(sock: socket.socket, token: str) -> str:
    return f"http://{HOST}:{sock.getsockname()[1]}/?token={token}"
