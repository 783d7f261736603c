"""The terminal emulator: the same bot, with no Telegram account (`python -m bot chat`)."""

from bot.emulator.terminal import emulate, run_emulator

__all__ = ["emulate", "run_emulator"]
