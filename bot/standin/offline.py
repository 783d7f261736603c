"""A `telegram.request.BaseRequest` handing every Bot API call to a stand-in in the same process."""

from __future__ import annotations

import asyncio
import json

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.standin.core import BotApiStandIn


class StandInRequest(BaseRequest):
    """The real `Bot` and `Application`, talking to a `BotApiStandIn` without the network.

    Like `HTTPXRequest`, a call that takes longer than its read timeout raises `TimedOut` (a `delay` fault
    longer than `read_timeout` is how tests play a Telegram that does not answer in time).
    """

    def __init__(self, stand_in: BotApiStandIn, *, read_timeout: float | None = None) -> None:
        self.stand_in = stand_in
        self._read_timeout = 5.0 if read_timeout is None else read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        """Answer the request the way the stand-in's HTTP server would, within the read timeout."""
        token_part, endpoint = url.rsplit("/", 2)[-2:]
        params = request_data.json_parameters if request_data else {}
        # PTB passes getUpdates its long-poll time added to the read timeout, as it does for HTTPXRequest.
        timeout = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        call = self.stand_in.call(endpoint, params, token=token_part.removeprefix("bot"))
        try:
            status, payload = await asyncio.wait_for(
                call, timeout if isinstance(timeout, int | float) else None
            )
        except TimeoutError:
            raise TimedOut(f"the stand-in did not answer {endpoint} within {timeout} s") from None
        return status, json.dumps(payload).encode()
