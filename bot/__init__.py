"""The Telegram face of the fact-check bot: wiring, handlers, replies and their translations, the emulator."""

import os

# Opt in to python-telegram-bot's next behaviour (durations as timedelta), which also silences its warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")
