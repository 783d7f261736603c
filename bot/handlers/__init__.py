"""Update handlers, one module per audience; `bot.app` registers them."""
