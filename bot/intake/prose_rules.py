"""Secrets written as chat: "the db password is X", "root got reset to X", "admin / X".

Two kinds of rule live here. ``PHRASE_RULES`` read a credential word and its value in one
phrase ("api key: X", "the password was X") and reject values that read as prose, a quantity or
a reference. ``scan_prose`` reads a wider window: after a credential word in any of a dozen
languages ("password", "passphrase", "PSK", "login", "Passwort", "пароль", …) every value that
follows "is", "to", ":", "/" or a plain space, up to the end of the paragraph, is a secret when a
person would pick it as a password (``rule_kit.is_strong``). That catches "The staging password
is X. The bastion one matches staging: Y" and "login for the UI: admin / Y", whose values sit
several words after the keyword, while ``Postgres 15.4`` or ``eu-west-1`` next to the word
"password" stay as they are.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.intake.rule_kit import (
    Hit,
    Rule,
    is_reference_or_placeholder,
    is_strong,
    key_kind,
    needle_lines,
)

# --- chat phrasings: "the db password is X", "api key: X" ---


# Quoted values (straight, back- or curly quotes) or a bare run; ``'`` may sit inside a bare value.
_PHRASE_VALUE = (
    r"(?:\"(?P<dq>[^\"\n]{1,256})\"|'(?P<sq>[^'\n]{1,256})'|`(?P<bq>[^`\n]{1,256})`"
    r"|\u201c(?P<cq>[^\u201d\n]{1,256})\u201d|\u2018(?P<csq>[^\u2019\n]{1,256})\u2019"
    r"|(?P<bare>(?:&(?:amp|lt|gt);|[^\s\"`,;<>\u201c\u201d])+))"
)
_QUOTED_GROUPS = ("dq", "sq", "bq", "cq", "csq")
_PHRASE = re.compile(
    r"(?<![A-Za-z0-9])(?P<key>passwords?|passwd|passphrase|pwd?|(?:client[ _-]?)?secret"
    r"(?:[ _-]?key)?|tokens?|(?:api|access)[ _-]?key)"
    # "the password for prod is now X", "token was: X", "api key: X"
    r"(?:(?:[ \t]+(?:for|of|on)[ \t]+(?:the[ \t]+)?[\w.@-]{1,40}(?:[ \t]+[\w.@-]{1,40}){0,2})?"
    r"[ \t]+(?:is|was)(?:[ \t]+(?:now|still|currently|just))?(?:[ \t]*:[ \t]*|[ \t]+)"
    r"|[ \t]*:[ \t]+)" + _PHRASE_VALUE,
    re.I,
)
_QUANTITY = re.compile(  # 3600s, 100k, 16+, 99.9%
    r"\d{1,6}(?:[.,]\d+)?(?:ms|[smhdwkx]|[kmgt]i?b|rps|qps|%)?\+?", re.I
)
# Technical words with digits that follow "the token is …" in prose: "OAuth2", "base64", "k8s".
_TECH = (
    r"(?:oauth2|sha-?(?:1|224|256|384|512)|[hrpe]s(?:256|384|512)|aes-?(?:128|192|256)"
    r"|rsa-?(?:2048|3072|4096)|base(?:32|58|64)|utf-?(?:8|16)|[ex]25519|ed448|x509|argon2(?:id?|d)?"
    r"|pbkdf2|http/?[23]|tls1\.[0-3]|k[38]s|s3|ec2|i18n|2fa|e2e|v\d{1,2}(?:(?:alpha|beta)\d{0,2})?)"
)
_TECH_WORD = re.compile(_TECH, re.I)
# "short-lived", "JWT-based", "base64-encoded", "AES-256", "90-day", "2FA-protected", "end-to-end"
_COMPOUND = re.compile(
    r"(?:[A-Za-z]+|(?i:" + _TECH + r"))-[A-Za-z]+|[A-Z]{2,6}-\d{1,4}|\d{1,4}[A-Z]{0,3}-[A-Za-z]+"
    r"|[A-Za-z]+-(?:to|of|by|in|on|and|or|the|a)-[A-Za-z]+"
)
_FILENAME = re.compile(r"[\w.-]+\.(?:ya?ml|json|env|txt|toml|ini|conf|cfg|pem|key|crt|kdbx)", re.I)
_RESOURCE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+|[\w.-]+(?:/[\w.-]+)+")
_SHORT_LOWER_RUN = re.compile(r"(?<![a-z])[a-z]{1,2}(?![a-z])")
_MIN_PHRASE_VALUE = 6


def _random_casing(value: str) -> bool:
    """Letters only: ``hUnTeR`` is a password, ``PagerDuty``/``PostgreSQL``/``iPhone`` are names.
    Random casing leaves several 1-2 letter lowercase runs; words and acronyms do not."""
    return any(c.isupper() for c in value) and len(_SHORT_LOWER_RUN.findall(value)) >= 2


def _is_prose_value(value: str, key: str, *, quoted: bool) -> bool:
    """Does the value after "the password is" read as prose rather than as a secret?"""
    if is_reference_or_placeholder(value):
        return True
    if quoted and " " in value.strip():
        return False  # a quoted passphrase: "correct horse battery staple"
    if len(value) < _MIN_PHRASE_VALUE:
        return True
    if value.isalpha():
        return not _random_casing(value)
    if any(p.fullmatch(value) for p in (_QUANTITY, _COMPOUND, _TECH_WORD, _FILENAME)):
        return True
    # "the secret is payments-db-credentials" names a Kubernetes / Secrets Manager object
    return key.lower() == "secret" and _RESOURCE_NAME.fullmatch(value) is not None


def _trim_bare(text: str, start: int, end: int) -> int:
    """Sentence punctuation and a possessive are not part of the value."""
    if text.endswith(("'s", "\u2019s"), start, end):
        end -= 2
    if text.endswith(")", start, end) and "(" not in text[start:end]:
        end -= 1
    if text.endswith(".", start, end):
        end -= 1
    return end


def _phrase_kind(key: str) -> str:
    k = key.lower()
    return "password" if k in ("pw", "pwd") else key_kind(k)


def _phrase(m: re.Match[str]) -> Hit | None:
    group = next(g for g in (*_QUOTED_GROUPS, "bare") if m.group(g) is not None)
    start, end = m.span(group)
    if group == "bare":
        end = _trim_bare(m.string, start, end)
    if _is_prose_value(m.string[start:end], m.group("key"), quoted=group != "bare"):
        return None
    return _phrase_kind(m.group("key")), start, end


PHRASE_RULES: tuple[Rule, ...] = (Rule(_PHRASE, _phrase, ("pass", "pw", "secret", "token", "key")),)


# --- the wider window after a credential word ---

_CREDENTIAL_WORD = re.compile(
    r"(?<![A-Za-z])(?:passwords?|passwd|passphrases?|passcodes?|pwd?|psk|pre-?shared[ -]keys?"
    r"|wpa2?[ -]?(?:key|psk)|wi-?fi[ -]key|community(?:[ -]string)?|creds|credentials?|logins?"
    r"|log[ -]?in(?:to)?|sign[ -]?in|logon|user(?:name)?"
    r"|passw[oö]rt|kennwort|mot de passe|mdp|contrase[ñn]a|clave|senha|palavra-passe|пароль"
    r"|парол[яеьи]|パスワード|wachtwoord|l[öo]senord|adgangskode|passord|has[łl]o|heslo|parola"
    r"|salasana|jelsz[óo]|[şs]ifre|密码|密碼|비밀번호|סיסמה|كلمة المرور)(?![A-Za-z])",
    re.I,
)
_NEEDLES = (
    "pass", "pw", "psk", "shared", "wpa", "wi-fi", "wifi", "communit", "cred", "login",
    "log in", "log-in", "logon", "sign in", "signin", "sign-in", "user", "wort", "mot de", "mdp",
    "contrase", "clave", "senha", "пароль", "парол", "パスワード", "wacht", "senord", "adgang",
    "hasło", "haslo", "heslo", "parola", "salasana", "jelsz", "ifre",
    "密码", "密碼", "비밀번호", "סיסמה", "كلمة",
)  # fmt: skip
_PAIR_NEEDLES = (" / ", "set to", "changed to", "rotated to", "updated to")
_LINE_SCOPED_CHARS = 4_000
_WINDOW = 200  # characters after the credential word, within the same paragraph
_CANDIDATE = re.compile(r"(?:(?<=[\s:=/>(\[\"'`])|(?<=は))[^\s\"'`]{6,}")
_TRIM_START = "([{<\"'`"
_TRIM_END = ")]}>\"'`,;.:?"
_USER = re.compile(r"[A-Za-z][\w.@-]{0,40}")
_KEY = re.compile(r"-{0,2}[a-z][a-z_.-]*")
_PAIR = re.compile(  # "For the IPMI consoles use ADMIN / X", "root got reset to X"
    r"(?:(?<![\w/.-])[A-Za-z][\w.@-]{1,40}[ \t]+/|(?i:(?<![A-Za-z])(?:re)?set|changed|rotated"
    r"|updated)[ \t]+to)[ \t]+(?P<v>[^\s\"'`]{6,})"
)


def _credential_kind(word: str) -> str:
    w = word.lower()
    if "psk" in w or "shared" in w:
        return "pre-shared-key"
    if "communit" in w:
        return "snmp-community"
    return "password"


def _value_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim punctuation, then drop a ``user:`` / ``user/`` / ``key=`` head from the token."""
    while start < end and text[start] in _TRIM_START:
        start += 1
    while end > start and text[end - 1] in _TRIM_END:
        end -= 1
    token = text[start:end]
    for sep, head in ((":", _USER), ("/", _USER), ("=", _KEY)):
        left, found, right = token.partition(sep)
        if found and head.fullmatch(left):
            return (start + len(left) + 1, end) if is_strong(right) else None
    return (start, end) if is_strong(token) else None


def _scan(
    pattern: re.Pattern[str], text: str, lowered: str, needles: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    """Matches that start on a line holding a needle (a 50 KB paste is mostly other lines)."""
    if not any(n in lowered for n in needles):
        return
    if len(text) < _LINE_SCOPED_CHARS or len(lowered) != len(text):
        yield from pattern.finditer(text)
        return
    for start, end in needle_lines(text, lowered, needles):
        yield from pattern.finditer(text, start, end)


def scan_prose(text: str, lowered: str) -> list[Hit]:
    """Every strong value after a credential word (see the module docstring), plus values of
    ``user / value`` and "reset to value" that are strong and have a symbol."""
    hits: list[Hit] = []
    for word in _scan(_CREDENTIAL_WORD, text, lowered, _NEEDLES):
        stop = min(len(text), word.end() + _WINDOW)
        paragraph = text.find("\n\n", word.end(), stop)
        stop = stop if paragraph == -1 else paragraph
        kind = _credential_kind(word.group())
        for token in _CANDIDATE.finditer(text, word.end(), stop):
            span = _value_span(text, token.start(), token.end())
            if span is not None:
                hits.append((kind, *span))
    for pair in _scan(_PAIR, text, lowered, _PAIR_NEEDLES):
        span = _value_span(text, pair.start("v"), pair.end("v"))
        value = text[span[0] : span[1]] if span else ""
        if span and any(not c.isalnum() and c not in "-_./:@" for c in value):
            hits.append(("password", *span))
    return hits
