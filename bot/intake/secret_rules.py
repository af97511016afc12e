"""The rule tables behind ``redact.redact_secrets``: one regex and one resolver per kind of secret.

``RULES`` are vendor formats and ``key=value`` assignments; they rank above the generic
high-entropy rule in ``redact``.  ``PHRASE_RULES`` are chat phrasings ("the db password is …") and
command-line flags (``mysql -p…``, ``--password …``); they rank below it, so when they cover the
same span as a vendor or high-entropy hit, that more telling kind names the marker.

A resolver gets a match and returns ``(kind, start, end)`` of the value to replace, or ``None``
when the value turns out to be prose, a placeholder or a reference such as ``$DB_PASSWORD``.

Text from Slack arrives HTML-escaped (``&`` is ``&amp;``), so values may contain ``&amp;``,
``&lt;`` and ``&gt;``: a value stopped at the ``;`` of ``&amp;`` would leak its tail.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import NamedTuple

Hit = tuple[str, int, int]  # kind, start, end of the value to replace
Resolver = Callable[[re.Match[str]], Hit | None]


class Rule(NamedTuple):
    pattern: re.Pattern[str]
    resolve: Resolver
    # Lower-case strings of which every match contains one: when the lower-cased text holds none
    # of them the regex is not run at all, which keeps a 50 KB paste cheap (empty: always run).
    needles: tuple[str, ...] = ()


_START = r"(?<![A-Za-z0-9_-])"  # a token must not be the tail of a longer identifier


def _value(kind: str) -> Resolver:
    """Most rules replace exactly their ``v`` group with a fixed kind."""
    return lambda m: (kind, m.start("v"), m.end("v"))


# --- vendor formats: ordered most specific first; on a tie the earlier kind names the span ---

_PRIVATE_KEY = re.compile(
    r"(?P<v>-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
    r".*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z))",
    re.S,
)
_AWS_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9])(?P<v>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])")
_AWS_SECRET_KEY = re.compile(
    r"(?i:aws_?secret_?(?:access_?)?key|secret[ _-]?access[ _-]?key)[\"'`]?"
    r"[ \t]*(?:=>|[:=]|is)?[ \t]*[\"'`]?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_SLACK_WEBHOOK = re.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{8,})"
)
_SLACK_TOKEN = re.compile(_START + r"(?P<v>(?:xoxe\.xox[bp]|xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,})")
_ANTHROPIC_KEY = re.compile(_START + r"(?P<v>sk-ant-[A-Za-z0-9_-]{20,})")
_OPENAI_KEY = re.compile(
    _START + r"(?P<v>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}"
    r"|[A-Za-z0-9]{20,}(?![A-Za-z0-9_-])))"
)
_GITHUB_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_])(?P<v>gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"
)
_GITLAB_TOKEN = re.compile(
    _START + r"(?P<v>gl(?:pat|dt|rt|ptt|ft|imt|agent|oas|soat|cbt)-[A-Za-z0-9_-]{20,}"
    r"(?:\.[A-Za-z0-9_-]+)*)"
)
# Stripe secret (sk_) and restricted (rk_) keys.  Publishable keys (pk_live_/pk_test_) are made
# to be shipped in browser JavaScript, so they are no secret and are left readable on purpose.
_STRIPE_KEY = re.compile(r"(?<![A-Za-z0-9_])(?P<v>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})")
_GOOGLE_API_KEY = re.compile(_START + r"(?P<v>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])")
_TWILIO_KEY = re.compile(r"(?<![A-Za-z0-9])(?P<v>SK[0-9a-f]{32})(?![A-Za-z0-9])")
_SENDGRID_KEY = re.compile(
    _START + r"(?P<v>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])"
)
_NPM_TOKEN = re.compile(r"(?<![A-Za-z0-9_])(?P<v>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])")
_AZURE_KEY = re.compile(
    r"(?<![A-Za-z0-9])(?i:AccountKey|SharedAccessKey)[ \t]*=[ \t]*(?P<v>[A-Za-z0-9+/]{20,}={0,2})"
)
_JWT = re.compile(_START + r"(?P<v>eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)")
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:/@<>\"'`]{0,256}"
    r":(?P<v>[^\s@/<>\"'`]{1,256})@"
)
_BASIC_AUTH = re.compile(
    r"(?<![A-Za-z0-9])(?i:basic)[ \t]+(?P<v>[A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])"
)

# A bare value runs to whitespace, a quote, ``,;<>`` -- but an HTML entity is part of it.
_BARE = r"(?:&(?:amp|lt|gt);|[^\s\"'`,;<>])+"
_KEY_VALUE = re.compile(
    r"(?<![A-Za-z0-9_.-])"
    r"(?P<key>(?:[A-Za-z0-9]+[_.-])*[A-Za-z0-9]*?"
    r"(?:password|passwd|passphrase|pwd|(?<![A-Za-z])pw|secret(?:[_-]?key)?|token"
    r"|api[_-]?key|access[_-]?key|private[_-]?key|authorization))"
    r"[\"'`]?[ \t]*(?P<sep>=>|:=|=|:(?=[ \t\"'`]))[ \t]*(?:(?:bearer|basic|token)[ \t]+)?"
    r"(?:\"(?P<dq>[^\"\n]{1,256})\"|'(?P<sq>[^'\n]{1,256})'|(?P<bare>" + _BARE + "))",
    re.I,
)

_PLACEHOLDERS = frozenset(
    {"none", "null", "nil", "n/a", "na", "empty", "redacted", "true", "false", "unset", "tbd"}
)
_REFERENCE_PREFIXES = ("$", "{{", "%(", "/", "~/", "./", "<", "&lt;", "env:", "file:", "arn:")
PUBLIC_PREFIXES = ("pk_live_", "pk_test_")  # Stripe publishable keys, see _STRIPE_KEY


def _is_reference_or_placeholder(value: str) -> bool:
    """Values that point at a secret (``$DB_PASSWORD``, a path, a URL) are safe and useful prose."""
    v = value.strip()
    return (
        not v
        or v.lower() in _PLACEHOLDERS
        or len(set(v)) == 1  # "********", "xxxxxxxx"
        or v.startswith(_REFERENCE_PREFIXES + PUBLIC_PREFIXES)
        or "://" in v
    )


def _looks_secret(value: str) -> bool:
    """``key: value`` is also how prose is written ("Token: stored in Vault"), so demand a digit,
    a symbol or inner capitals before treating a bare colon-separated word as a secret."""
    return any(not c.isalpha() for c in value) or (
        any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    )


def _key_kind(key: str) -> str:
    k = key.lower()
    if "authorization" in k:
        return "authorization"
    if "pass" in k or "pwd" in k or re.search(r"(?<![a-z])pw$", k):
        return "password"
    if "token" in k:
        return "token"
    if "secret" in k or "private" in k:
        return "secret"
    return "api-key"


def _key_value(m: re.Match[str]) -> Hit | None:
    group = next(g for g in ("dq", "sq", "bare") if m.group(g) is not None)
    start, end = m.span(group)
    if group == "bare":
        amp = m.string.find("&", start, end)
        in_query = m.start() > 0 and m.string[m.start() - 1] in "?&"
        if amp != -1 and (in_query or m.string.endswith("&amp;", 0, m.start())):
            end = amp  # the next parameter of a URL query string
        if m.string[end - 1] == ".":  # sentence full stop, not part of the secret
            end -= 1
    value = m.string[start:end]
    if _is_reference_or_placeholder(value):
        return None
    if m.group("sep") == ":" and group == "bare" and not _looks_secret(value):
        return None
    return _key_kind(m.group("key")), start, end


def _basic_auth(m: re.Match[str]) -> Hit | None:
    """``Basic <base64>`` only when it decodes to ``user:password`` ("Basic authentication" and
    other prose does not)."""
    try:
        decoded = base64.b64decode(m.group("v"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in decoded[1:] or not decoded.isprintable():
        return None
    return "basic-auth", m.start("v"), m.end("v")


RULES: tuple[Rule, ...] = (
    Rule(_PRIVATE_KEY, _value("private-key"), ("-----begin ",)),
    Rule(_AWS_ACCESS_KEY, _value("aws-access-key"), ("akia", "asia")),
    Rule(_AWS_SECRET_KEY, _value("aws-secret-key"), ("key",)),
    Rule(_SLACK_WEBHOOK, _value("slack-webhook"), ("hooks.slack.com/",)),
    Rule(_SLACK_TOKEN, _value("slack-token"), ("xox", "xapp-")),
    Rule(_ANTHROPIC_KEY, _value("anthropic-key"), ("sk-ant-",)),
    Rule(_OPENAI_KEY, _value("openai-key"), ("sk-",)),
    Rule(_GITHUB_TOKEN, _value("github-token"), ("gh", "github_pat_")),
    Rule(_GITLAB_TOKEN, _value("gitlab-token"), ("gl",)),
    Rule(_STRIPE_KEY, _value("stripe-key"), ("k_live_", "k_test_")),
    Rule(_GOOGLE_API_KEY, _value("google-api-key"), ("aiza",)),
    Rule(_TWILIO_KEY, _value("twilio-key"), ("sk",)),
    Rule(_SENDGRID_KEY, _value("sendgrid-key"), ("sg.",)),
    Rule(_NPM_TOKEN, _value("npm-token"), ("npm_",)),
    Rule(_AZURE_KEY, _value("azure-key"), ("accesskey", "accountkey")),
    Rule(_JWT, _value("jwt"), ("eyj",)),
    Rule(_URL_PASSWORD, _value("password"), ("://",)),
    # Needles: every key the pattern accepts contains one of these (lower-cased), so the costly
    # scan is skipped for the ordinary reply that names no credential at all.
    Rule(_KEY_VALUE, _key_value, ("pass", "pw", "secret", "token", "key", "authorization")),
    # After _KEY_VALUE, so that "Authorization: Basic …" keeps the kind "authorization".
    Rule(_BASIC_AUTH, _basic_auth, ("basic",)),
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
    r"(?:(?:[ \t]+(?:for|of|on)[ \t]+(?:the[ \t]+)?[\w.@-]{1,40})?"
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
    if _is_reference_or_placeholder(value):
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
    return "password" if k in ("pw", "pwd") else _key_kind(k)


def _phrase(m: re.Match[str]) -> Hit | None:
    group = next(g for g in (*_QUOTED_GROUPS, "bare") if m.group(g) is not None)
    start, end = m.span(group)
    if group == "bare":
        end = _trim_bare(m.string, start, end)
    if _is_prose_value(m.string[start:end], m.group("key"), quoted=group != "bare"):
        return None
    return _phrase_kind(m.group("key")), start, end


# --- command-line flags ---

_FLAG_VALUE = (
    r"(?:\"(?P<dq>[^\"\n]{1,256})\"|'(?P<sq>[^'\n]{1,256})'"
    r"|(?P<bare>(?:&(?:amp|lt|gt);|[^\s\"'`<>;|&])+))"
)
_FLAG_GROUPS = ("dq", "sq", "bare")
# --password=X, --db-password X, -token=X; not --password-stdin, --no-password, --ask-pass
_LONG_FLAG = re.compile(  # starts with a literal "-", so re can skip ahead to each dash
    r"-(?<![\w-]-)-?(?P<flag>(?i:(?:[a-z0-9]+-)*(?:password|passwd|passphrase|pass|pwd|token"
    r"|api-?key|access-key|secret-key|client-secret|auth-token)))(?:(?P<eq>=)|[ \t]+(?!-))"
    + _FLAG_VALUE
)
_BOOLEAN_FLAG_WORDS = frozenset(
    {"ask", "prompt", "no", "use", "skip", "require", "with", "without", "reset", "change", "show"}
)
_CONTEXT = r"[^\n|;&]{0,200}?[ \t]"  # the rest of the same command, up to a pipe or ``;``/``&&``
# mysql -pS3cret: attached only; "mysql -p S3cret" prompts and opens the database "S3cret"
_MYSQL_P = re.compile(
    r"(?<![\w-])(?:mysql(?:dump|admin|import|check|show|pump|sh)?|mariadb(?:-dump|-admin)?)"
    r"(?![\w-])" + _CONTEXT + r"-p(?=[^\s-])" + _FLAG_VALUE
)
# docker login -p X, sshpass -p X, redis-cli -a X
_PASSWORD_OPTION = re.compile(
    r"(?<![\w-])(?:(?:docker|podman|nerdctl|buildah|skopeo|oras|helm(?:[ \t]+registry)?)"
    r"[ \t]+login(?![\w-])"
    + _CONTEXT
    + r"-p|sshpass[ \t]+-p|redis-cli(?![\w-])"
    + _CONTEXT
    + r"-a)[ \t]+(?!-)"
    + _FLAG_VALUE
)
# curl -u user:password (curl -u user alone prompts for the password)
_CURL_USER = re.compile(
    r"(?<![\w-])curl(?![\w-])" + _CONTEXT + r"(?:-u|--user)[ \t]*[\"']?[^\s:\"'$]{1,64}:"
    r"(?P<v>(?:&(?:amp|lt|gt);|[^\s\"'<>;|&])+)"
)


def _flag_value(kind: str, m: re.Match[str], *, attached: bool) -> Hit | None:
    """An attached value (``--password=X``, ``-pX``) is a secret unless it is a reference; one
    after a space must also look like one, so "use docker login -p when …" stays prose."""
    group = next(g for g in _FLAG_GROUPS if m.group(g) is not None)
    start, end = m.span(group)
    value = m.string[start:end]
    if _is_reference_or_placeholder(value):
        return None
    if (
        group == "bare"
        and not attached
        and (not _looks_secret(value) or _FILENAME.fullmatch(value))
    ):
        return None
    return kind, start, end


def _long_flag(m: re.Match[str]) -> Hit | None:
    words = m.group("flag").lower().split("-")
    if _BOOLEAN_FLAG_WORDS.intersection(words):
        return None
    return _flag_value(_phrase_kind(m.group("flag")), m, attached=m.group("eq") is not None)


def _mysql_p(m: re.Match[str]) -> Hit | None:
    bare = m.group("bare")
    if bare is not None and len(bare) < 3:  # "mkdir -pv" later on a line that mentions mysql
        return None
    return _flag_value("password", m, attached=True)


def _password_option(m: re.Match[str]) -> Hit | None:
    return _flag_value("password", m, attached=False)


def _curl_user(m: re.Match[str]) -> Hit | None:
    value = m.group("v")
    if _is_reference_or_placeholder(value):
        return None
    return "password", m.start("v"), m.end("v")


PHRASE_RULES: tuple[Rule, ...] = (
    Rule(_PHRASE, _phrase, ("pass", "pw", "secret", "token", "key")),
    Rule(_LONG_FLAG, _long_flag, ("-",)),
    Rule(_MYSQL_P, _mysql_p, ("mysql", "mariadb")),
    Rule(_PASSWORD_OPTION, _password_option, ("login", "sshpass", "redis-cli")),
    Rule(_CURL_USER, _curl_user, ("curl",)),
)
