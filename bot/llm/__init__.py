"""The Claude adapter: structured extraction, question phrasing, condensing and inferring.

Everything here is optional: the interview core runs on its own deterministic rules and only
*proposes* through these classes. Each one validates what the model returns and answers
``None`` (or falls back to the offline extractor) on any failure, so Claude being slow, down,
or wrong never loses a reply and never shows a traceback. Requests follow the model
(``profiles``, ``plans``); a circuit breaker (``breaker``) stops calling during an outage, and
``health`` tells /health, /metrics and ``status`` whether Claude is usable, misconfigured or
paused.

Import rule: this package imports the core packages, ``bot.config`` and ``bot.observability``,
never ``bot.db`` or ``bot.slack``; ``bot.runtime`` wires the usage log from ``bot.db.usage`` into
it.
"""
