"""A Bot API stand-in: the Telegram methods the bot uses, their errors, and a driver side to play people.

Telegram's server is replaced, not the bot: the real `Application` talks to this over HTTP (see `http.py`) or
in-process (see `offline.py`), so everything between the handlers and the wire runs for real.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.standin.markup import MAX_TEXT, ParseError, parse_html, utf16_len
from bot.standin.objects import ApiCall, Chat, Person, SentMessage, private_chat

Listener = Callable[[str, SentMessage], None]
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"]+")
_BOT_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_METHODS = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup", "sendchataction"})


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional response parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(slots=True)
class Fault:
    """A failure injected for one chat: `blocked` (403), `flood` (429), `server` (5xx) or `delay`."""

    kind: str
    remaining: int | None = 1  # None: until cleared
    retry_after: int = 1
    status: int = 500
    delay: float = 0.0


class _Params:
    """Request parameters from a JSON body (typed values) or a form (strings, complex values JSON-encoded)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        return default if value is None else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    def obj(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


class BotApiStandIn:
    """The Bot API of one bot, in memory; start `http.serve()` to reach it over loopback."""

    def __init__(
        self,
        *,
        token: str | None = None,
        username: str = "factcheck_test_bot",
        first_name: str = "Fact-check bot",
        long_poll_cap: float | None = None,
    ) -> None:
        self.token = token
        # Telegram may answer a long poll early; capping the wait lets a stopping bot exit at once.
        self.long_poll_cap = long_poll_cap
        bot_id = token.split(":", 1)[0] if token else ""
        self.bot_user = {
            "id": int(bot_id) if bot_id.isdigit() else 777000111,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.calls: list[ApiCall] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._all: dict[tuple[int, int], SentMessage | dict[str, Any]] = {}
        self._sent: dict[int, list[SentMessage]] = {}
        self._callbacks: dict[str, dict[str, Any] | None] = {}
        self._inline: dict[str, list[dict[str, Any]] | None] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: dict[int, list[Fault]] = {}
        self._listeners: list[Listener] = []
        self._tick = asyncio.Event()
        self.delivered_update_id = 0
        self.polls = 0  # getUpdates calls so far: a bot is polling once this grows
        self.webhook: dict[str, Any] | None = None  # {"url", "secret_token"} once the bot set one
        self._methods: dict[str, Callable[[_Params], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "answerinlinequery": self._answer_inline_query,
            "sendchataction": self._send_chat_action,
            "close": self._true,
            "logout": self._true,
        }

    @property
    def bot_username(self) -> str:
        return str(self.bot_user["username"])

    # ------------------------------------------------------------------ the API side

    async def call(
        self, method: str, params: Mapping[str, Any], *, token: str | None = None
    ) -> tuple[int, dict]:
        """Answer one Bot API request: the HTTP status and the JSON body Telegram would send."""
        handler = self._methods.get(method.lower())
        try:
            if self.token is not None and token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found")
            if method.lower() in _CHAT_METHODS:
                await self._apply_faults(_Params(params))
            payload: dict[str, Any] = {"ok": True, "result": await handler(_Params(params))}
            status = 200
        except ApiError as exc:
            status, payload = exc.status, exc.to_api()
        if method.lower() != "getupdates" or status != 200:
            self.calls.append(ApiCall(method, dict(params), status))
        return status, payload

    async def _true(self, _: _Params) -> bool:
        return True

    async def _get_me(self, _: _Params) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: _Params) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.polls += 1
        self._changed()
        offset = p.integer("offset", 0) or 0
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        limit = max(1, min(p.integer("limit", 100) or 100, 100))
        timeout = max(0, p.integer("timeout", 0) or 0)
        if self.long_poll_cap is not None:
            timeout = min(timeout, self.long_poll_cap)
        await self.wait_for(lambda: bool(self._updates), timeout=timeout, quiet=True)
        batch = self._updates[:limit]
        if batch:
            self.delivered_update_id = max(self.delivered_update_id, batch[-1]["update_id"])
            self._changed()
        return batch

    async def _set_webhook(self, p: _Params) -> bool:
        url = p.text("url", "") or ""
        secret = p.text("secret_token")
        if url and not re.match(r"^https?://\S+$", url):  # Telegram wants HTTPS; loopback tests use HTTP
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": secret} if url else None
        self._changed()
        return True

    async def _delete_webhook(self, p: _Params) -> bool:
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        self._changed()
        return True

    async def _get_webhook_info(self, _: _Params) -> dict[str, Any]:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _scope_key(self, p: _Params) -> tuple[str, str]:
        scope = p.obj("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in {
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
            "chat",
            "chat_administrators",
            "chat_member",
        }:
            raise bad_request("can't parse BotCommandScope")
        if "chat_id" in scope:
            chat_id = int(scope["chat_id"])
            if chat_id not in self._chats:
                raise bad_request("chat not found")
            scope = {**scope, "chat_id": chat_id}
        lang = p.text("language_code", "") or ""
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise bad_request("LANG_CODE_INVALID")
        return json.dumps(scope, sort_keys=True), lang

    async def _set_my_commands(self, p: _Params) -> bool:
        commands = p.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, p: _Params) -> list[dict[str, str]]:
        return self._commands.get(self._scope_key(p), [])

    async def _delete_my_commands(self, p: _Params) -> bool:
        self._commands.pop(self._scope_key(p), None)
        return True

    async def _send_chat_action(self, p: _Params) -> bool:
        self._known_chat(p)
        return True

    async def _send_message(self, p: _Params) -> dict[str, Any]:
        chat = self._known_chat(p)
        text, entities = self._formatted(p.text("text", "") or "", p.text("parse_mode"))
        markup = self._inline_markup(p.obj("reply_markup"))
        reply = p.obj("reply_parameters")
        if (
            isinstance(reply, dict)
            and not reply.get("allow_sending_without_reply")
            and (int(chat["id"]), int(reply.get("message_id", 0))) not in self._all
        ):
            raise bad_request("message to be replied not found")
        message = SentMessage(
            message_id=self._new_message_id(int(chat["id"])),
            chat=chat,
            date=int(time.time()),
            text=text,
            entities=entities,
            html=p.text("text", "") or "",
            reply_markup=markup,
            from_user=self.bot_user,
        )
        self._all[(message.chat_id, message.message_id)] = message
        self._sent.setdefault(message.chat_id, []).append(message)
        self._emit("sent", message)
        return message.to_api()

    def _editable(self, p: _Params) -> SentMessage | None:
        if p.has("inline_message_id"):
            return None
        chat = self._known_chat(p)
        found = self._all.get((int(chat["id"]), p.integer("message_id", 0) or 0))
        if found is None:
            raise bad_request("message to edit not found")
        if not isinstance(found, SentMessage):
            raise bad_request("message can't be edited")
        return found

    async def _edit_message_text(self, p: _Params) -> dict[str, Any] | bool:
        message = self._editable(p)
        text, entities = self._formatted(p.text("text", "") or "", p.text("parse_mode"))
        markup = self._inline_markup(p.obj("reply_markup"))
        if message is None:
            return True
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.history.append(message.text)
        message.text, message.entities, message.html = text, entities, p.text("text", "") or ""
        message.reply_markup = markup
        message.edits += 1
        self._emit("edited", message)
        return message.to_api()

    async def _edit_message_reply_markup(self, p: _Params) -> dict[str, Any] | bool:
        message = self._editable(p)
        markup = self._inline_markup(p.obj("reply_markup"))
        if message is None:
            return True
        if markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        message.edits += 1
        self._emit("markup", message)
        return message.to_api()

    async def _answer_callback_query(self, p: _Params) -> bool:
        query_id = p.text("callback_query_id", "") or ""
        if query_id not in self._callbacks or self._callbacks[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.text("text", "") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = {"text": text, "show_alert": p.flag("show_alert"), "url": p.text("url")}
        self._changed()
        return True

    async def _answer_inline_query(self, p: _Params) -> bool:
        query_id = p.text("inline_query_id", "") or ""
        if query_id not in self._inline or self._inline[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        results = p.obj("results")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = set()
        for result in results:
            if not result.get("id") or len(str(result["id"]).encode()) > 64 or result["id"] in ids:
                raise bad_request(
                    "RESULT_ID_INVALID" if result.get("id") not in ids else "RESULT_ID_DUPLICATE"
                )
            ids.add(result["id"])
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                self._formatted(content["message_text"], content.get("parse_mode"))
            self._inline_markup(result.get("reply_markup"))
        self._inline[query_id] = results
        self._changed()
        return True

    # ------------------------------------------------------------------ validation helpers

    def _known_chat(self, p: _Params) -> dict[str, Any]:
        raw = p.text("chat_id", "") or ""
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request("chat not found") from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    @staticmethod
    def _formatted(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
        if parse_mode and parse_mode.upper() == "HTML":
            try:
                plain, entities = parse_html(text)
            except ParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        else:
            plain, entities = text, []
        if not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
        return plain, entities

    @staticmethod
    def _inline_markup(markup: Any) -> dict[str, Any] | None:
        if markup in (None, {}):
            return None
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                url = button.get("url")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
                if url is not None and not re.match(r"^(https?|tg)://\S+$", url):
                    raise bad_request("BUTTON_URL_INVALID")
                if (
                    data is None
                    and url is None
                    and not any(
                        k in button for k in ("switch_inline_query", "switch_inline_query_current_chat")
                    )
                ):
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
        return markup if rows else None

    async def _apply_faults(self, p: _Params) -> None:
        chat_id = p.integer("chat_id", 0) if p.has("chat_id") else 0
        faults = self._faults.get(chat_id or 0)
        if not faults:
            return
        fault = faults[0]
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.pop(0)
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay)
        elif fault.kind == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        elif fault.kind == "flood":
            raise ApiError(
                429, f"Too Many Requests: retry after {fault.retry_after}", {"retry_after": fault.retry_after}
            )
        elif fault.kind == "server":
            raise ApiError(fault.status, "Internal Server Error" if fault.status == 500 else "Bad Gateway")

    # ------------------------------------------------------------------ the driver side: people act

    def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue any update (an `update_id` is added); the bot receives it on its next getUpdates."""
        update = {"update_id": next(self._update_ids), **payload}
        self._updates.append(update)
        self._changed()
        return update

    def push_message(
        self,
        user: Person,
        text: str | None = None,
        *,
        chat: Chat | None = None,
        forward_from: Person | Chat | str | None = None,
        caption: str | None = None,
        photo: bool = False,
        sticker: str | None = None,
        reply_to: SentMessage | None = None,
    ) -> dict[str, Any]:
        """A person sends a message (to the bot privately, or in `chat`); returns the update."""
        message = self._user_message(
            user, text, chat=chat, forward_from=forward_from, caption=caption, photo=photo, reply_to=reply_to
        )
        if sticker is not None:
            message["sticker"] = {
                "file_id": f"sticker{message['message_id']}",
                "file_unique_id": "s",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": sticker,
            }
        return self.push_update({"message": message})

    def push_edited_message(self, user: Person, message: dict[str, Any], text: str) -> dict[str, Any]:
        """A person edits a message they sent earlier (`message` as in the update that sent it)."""
        edited = {**message, "text": text, "edit_date": int(time.time()), "entities": _entities(text)}
        if not edited["entities"]:
            edited.pop("entities")
        self._all[(int(message["chat"]["id"]), int(message["message_id"]))] = edited
        return self.push_update({"edited_message": edited})

    def push_callback(self, user: Person, message: SentMessage | None, data: str) -> dict[str, Any]:
        """A person presses a button (any `data`, forged or not) under one of the bot's messages.

        Without a message, the button is under a message sent through inline mode (only its id is known).
        """
        query_id = f"{user.id}-{next(self._callback_ids)}"
        self._callbacks[query_id] = None
        query: dict[str, Any] = {"id": query_id, "from": user.to_api(), "data": data}
        if message is None:
            query.update(inline_message_id=f"inline-{query_id}", chat_instance=str(user.id))
        else:
            query.update(message=message.to_api(), chat_instance=str(message.chat_id))
        return self.push_update({"callback_query": query})

    def push_inline_query(self, user: Person, query: str, *, offset: str = "") -> dict[str, Any]:
        """A person types `@bot query` in any chat."""
        query_id = f"i{user.id}-{next(self._callback_ids)}"
        self._inline[query_id] = None
        return self.push_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "query": query,
                    "offset": offset,
                    "chat_type": "private",
                }
            }
        )

    def _user_message(
        self,
        user: Person,
        text: str | None,
        *,
        chat: Chat | None,
        forward_from: Any,
        caption: str | None,
        photo: bool,
        reply_to: SentMessage | None,
    ) -> dict[str, Any]:
        chat_data = chat.to_api() if chat else private_chat(user)
        self._chats[int(chat_data["id"])] = chat_data
        message: dict[str, Any] = {
            "message_id": self._new_message_id(int(chat_data["id"])),
            "date": int(time.time()),
            "chat": chat_data,
            "from": user.to_api(),
        }
        if text is not None:
            message["text"] = text
            if entities := _entities(text):
                message["entities"] = entities
        if photo or caption is not None:
            message["photo"] = [
                {
                    "file_id": f"photo{message['message_id']}",
                    "file_unique_id": "p",
                    "width": 320,
                    "height": 240,
                }
            ]
        if caption is not None:
            message["caption"] = caption
            if entities := _entities(caption):
                message["caption_entities"] = entities
        if forward_from is not None:
            message["forward_origin"] = _origin(forward_from, message["date"])
        if reply_to is not None:
            message["reply_to_message"] = reply_to.to_api()
        self._all[(int(chat_data["id"]), int(message["message_id"]))] = message
        return message

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    # ------------------------------------------------------------------ the driver side: what people see

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to a chat, oldest first (edits applied in place)."""
        return list(self._sent.get(chat_id, []))

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """How the bot answered a button press (text, show_alert), or None if not (yet) answered."""
        return self._callbacks.get(query_id)

    def inline_answer(self, query_id: str) -> list[dict[str, Any]] | None:
        return self._inline.get(query_id)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, str]]:
        """The command menu the bot set for a scope and language."""
        scope = scope or {"type": "default"}
        return self._commands.get((json.dumps(scope, sort_keys=True), language_code), [])

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def next_webhook_update(self) -> dict[str, Any] | None:
        """The oldest update to POST to the webhook, if one is set (the HTTP server delivers it)."""
        return self._updates[0] if self.webhook is not None and self._updates else None

    def confirm_webhook_update(self, update_id: int) -> None:
        """The webhook answered 200: the update is delivered."""
        self._updates = [u for u in self._updates if u["update_id"] != update_id]
        self.delivered_update_id = max(self.delivered_update_id, update_id)
        self._changed()

    async def wait_for_messages(self, chat_id: int, n: int, timeout: float = 10.0) -> list[SentMessage]:
        """All the bot's messages in a chat once there are at least `n` of them."""
        await self.wait_for(
            lambda: len(self._sent.get(chat_id, [])) >= n,
            timeout=timeout,
            what=lambda: (
                f"{n} messages in chat {chat_id}, have {[m.text[:80] for m in self._sent.get(chat_id, [])]}"
            ),
        )
        return self.messages(chat_id)

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 10.0) -> dict[str, Any]:
        await self.wait_for(
            lambda: self._callbacks.get(query_id) is not None,
            timeout=timeout,
            what=lambda: f"an answer to callback {query_id}",
        )
        return self._callbacks[query_id] or {}

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        await self.wait_for(
            lambda: self._inline.get(query_id) is not None,
            timeout=timeout,
            what=lambda: f"an answer to inline query {query_id}",
        )
        return self._inline[query_id] or []

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float,
        quiet: bool = False,
        what: Callable[[], str] | None = None,
    ) -> bool:
        """Wait until `predicate()` holds; on timeout return False (`quiet`) or raise TimeoutError."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                if quiet:
                    return False
                raise TimeoutError(f"timed out waiting for {what() if what else 'the stand-in'}")
            tick = self._tick
            try:
                await asyncio.wait_for(tick.wait(), remaining)
            except TimeoutError:
                continue
        return True

    # ------------------------------------------------------------------ the driver side: faults and listeners

    def fail(
        self,
        chat_id: int,
        kind: str,
        *,
        times: int | None = 1,
        retry_after: int = 1,
        status: int = 500,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` sends to a chat fail: `blocked`, `flood` (429), `server` (5xx) or `delay`."""
        if kind not in {"blocked", "flood", "server", "delay"}:
            raise ValueError(f"unknown fault {kind!r}")
        self._faults.setdefault(chat_id, []).append(Fault(kind, times, retry_after, status, delay))

    def clear_faults(self, chat_id: int | None = None) -> None:
        if chat_id is None:
            self._faults.clear()
        else:
            self._faults.pop(chat_id, None)

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(kind, message)` when the bot sends ("sent"), edits ("edited") or re-buttons ("markup")."""
        self._listeners.append(listener)

    def _emit(self, kind: str, message: SentMessage) -> None:
        for listener in self._listeners:
            listener(kind, message)
        self._changed()

    def _changed(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's client would attach: a leading command, @mentions and URLs."""
    found: list[dict[str, Any]] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append({"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])})

    if command := _COMMAND.match(text):
        add("bot_command", 0, command.end())
    for regex, kind in ((_MENTION, "mention"), (_URL, "url")):
        for match in regex.finditer(text):
            add(kind, match.start(), match.end())
    return sorted(found, key=lambda e: e["offset"])


def _origin(source: Person | Chat | str, date: int) -> dict[str, Any]:
    if isinstance(source, Person):
        return {"type": "user", "date": date, "sender_user": source.to_api()}
    if isinstance(source, Chat):
        return {
            "type": "channel",
            "date": date,
            "chat": {**source.to_api(), "type": "channel"},
            "message_id": 1,
        }
    return {"type": "hidden_user", "date": date, "sender_user_name": source}
