"""The bot's HTTP client for the Bot API: python-telegram-bot's `BaseRequest` over aiohttp instead of httpx.

Under load the HTTP client is a large share of the bot's own CPU: two calls per update (getUpdates, amortised,
and the reply). httpx spends ~2 ms of CPU on a loopback sendMessage where aiohttp (already a dependency, for
the webhook server) spends ~0.2 ms, measured side by side in benchmarks/README.md. Behaviour is PTB's: the same
timeouts (a getUpdates call gets its long-poll time added by PTB), `TimedOut` for timeouts, `NetworkError` for
anything else that keeps the request from an answer.

Proxies: HTTP(S)_PROXY and NO_PROXY from the environment are honoured as httpx honoured them, read when a host
is first called rather than on every call: aiohttp's `trust_env` reads the environment and ~/.netrc in two
thread-pool hops per request, ~4% of the bot's CPU under load.
"""

from __future__ import annotations

import json

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

__all__ = ["AiohttpRequest"]

# A proxy and its credentials, or None: straight to the host.
_Proxy = tuple[URL, aiohttp.BasicAuth | None] | None


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded connection pool; read, connect and pool timeouts as `HTTPXRequest`
    takes them (aiohttp has no write timeout, so PTB's is accepted and not applied)."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None, int | None], _Proxy] = {}  # by scheme, host, port

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (once; again after `shutdown`)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )
            self._proxies.clear()  # a new session reads the environment again

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`."""
        del write_timeout  # not applied (see the class docstring)
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout: a request is bounded by connecting, then by the wait for its answer.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,  # pool wait + connecting
            sock_connect=connect,
            sock_read=read,
        )
        data: aiohttp.FormData | aiohttp.BytesPayload | None = None
        if files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, part in files.items():
                filename, content, *mimetype = part if isinstance(part, tuple) else (None, part)
                form.add_field(
                    name, content, filename=filename, content_type=mimetype[0] if mimetype else None
                )
            data = form
        elif request_data is not None and request_data.parameters:
            # A JSON body, as the Bot API takes it: a tenth of the CPU of the form PTB's httpx sends (aiohttp
            # URL-encodes a form in Python, ~50 us for a reply of a few hundred characters, against ~6 us).
            data = aiohttp.BytesPayload(
                json.dumps(request_data.parameters).encode(), content_type="application/json"
            )
        # As httpx did: HTTPS_PROXY / NO_PROXY from the environment (newsrooms behind a proxy).
        proxy, proxy_auth = self._proxy(URL(url)) or (None, None)
        try:
            async with self._session.request(
                method, url, data=data, timeout=timeout, proxy=proxy, proxy_auth=proxy_auth
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutError too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc

    def _proxy(self, url: URL) -> _Proxy:
        """The environment's proxy for `url` (HTTP(S)_PROXY, NO_PROXY), looked up once per host and port."""
        key = (url.scheme, url.host, url.port)
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(url)
            except LookupError:  # none set, or NO_PROXY names the host
                self._proxies[key] = None
        return self._proxies[key]
