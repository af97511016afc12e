"""Secrets in structured text: ``key=value`` assignments, URLs and credential files.

These rank above the generic high-entropy rule in ``redact`` (with the vendor formats in
``vendor_rules``): a key named ``password`` or a ``.netrc`` line says more about a value than
its randomness does.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import base64
import binascii
import re

from bot.intake.rule_kit import (
    BARE,
    Hit,
    Resolver,
    Rule,
    Triggered,
    first_group,
    is_reference_or_placeholder,
    key_kind,
    looks_secret,
    value_of,
)

_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:/@<>\"'`]{0,256}"
    r":(?P<v>[^\s@/<>\"'`]{1,256})@"
)
# Oracle's user/password@host (JDBC thin URLs, sqlplus, Data Pump), only after such a tool.
_ORACLE = re.compile(
    r"(?i:jdbc:oracle:[a-z0-9]+:|(?<![\w-])(?:sqlplus|sqlcl|sql|expdp|impdp|exp|imp|sqlldr|rman"
    r"|dgmgrl|conn(?:ect)?)(?:[ \t]+-\w+)*[ \t]+)[\"']?[A-Za-z][\w$#]{0,63}/"
    r"(?P<v>[^\s/@\"'<>]{1,128})@"
)
_BASIC_AUTH = re.compile(
    r"(?<![A-Za-z0-9])(?i:basic)[ \t]+(?P<v>[A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])"
)
_DOCKER_AUTH = re.compile(r"\"auth\"[ \t]*:[ \t]*\"(?P<v>[A-Za-z0-9+/]{8,}={0,2})\"")

_QUOTED_LIMIT = "{1,4096}"  # AWS session tokens run past 1000 characters
_KEY_VALUE = re.compile(
    r"(?<![A-Za-z0-9_.-])"
    r"(?P<key>(?:[A-Za-z0-9]+[_.-])*[A-Za-z0-9]*?"
    r"(?:password|passwd|passphrase|pwd|(?<![A-Za-z])pw|(?<![A-Za-z0-9])pass|(?<![A-Za-z])pat"
    r"|secret(?:[_-]?key)?|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization"
    r"|license[_-]?key|auth[_-]?key|psk))"
    r"[\"'`]?[ \t]*(?P<sep>=>|:=|=|:(?=[ \t\"'`]))[ \t]*(?:(?:bearer|basic|token)[ \t]+)?"
    r"(?:\"(?P<dq>[^\"\n]" + _QUOTED_LIMIT + r")\"|'(?P<sq>[^'\n]" + _QUOTED_LIMIT + r")'"
    r"|(?P<bare>" + BARE + "))",
    re.I,
)
_KEY_TRIGGER = re.compile(
    r"(?:password|passwd|passphrase|pwd|pw|pass|pat|secret|token|key|authorization|psk)"
    r"[\"'`]?[ \t]*(?:=>|:=|=|:(?=[ \t\"'`]))",
    re.I,
)
_KEY_RUN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_NAME_KEY = re.compile(r"existing|(?:name|ref)$", re.I)  # existingSecret: <a Secret's name>

# --- credential files ---
_NETRC = re.compile(
    r"(?<![\w-])machine[ \t]+\S+(?:\s+(?:login|account|port|protocol)[ \t]+\S+)*"
    r"\s+password[ \t]+(?P<v>\S+)"
)
_HTPASSWD_HASH = re.compile(
    r"(?<![\w$])(?P<v>\$(?:apr1|1|5|6|md5)\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,86}"
    r"|\$2[abxy]?\$\d{2}\$[./0-9A-Za-z]{53}|\{S?SHA(?:256|512)?\}[A-Za-z0-9+/]{20,}={0,2})"
)
_PGPASS = re.compile(  # hostname:port:database:username:password
    r"^[ \t]*[\w.*-]+:(?:\d{1,5}|\*):[\w.*-]+:[\w.@*-]+:(?P<v>[^\s:]\S*)[ \t]*$", re.M
)
_NPMRC = re.compile(r":_(?:authToken|auth|password)[ \t]*=[ \t]*(?P<v>\S+)")


def _key_value(m: re.Match[str]) -> Hit | None:
    group = first_group(m, ("dq", "sq", "bare"))
    start, end = m.span(group)
    if group == "bare":
        amp = m.string.find("&", start, end)
        in_query = m.start() > 0 and m.string[m.start() - 1] in "?&"
        if amp != -1 and (in_query or m.string.endswith("&amp;", 0, m.start())):
            end = amp  # the next parameter of a URL query string
        if m.string[end - 1] == ".":  # sentence full stop, not part of the secret
            end -= 1
    value = m.string[start:end]
    if is_reference_or_placeholder(value):
        return None
    if m.group("sep") == ":" and group == "bare" and not looks_secret(value):
        return None
    if _NAME_KEY.search(m.group("key")) and re.fullmatch(r"[\w.-]+", value):
        return None
    return key_kind(m.group("key")), start, end


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


def _not_reference(kind: str) -> Resolver:
    def resolve(m: re.Match[str]) -> Hit | None:
        if is_reference_or_placeholder(m.group("v")):
            return None
        return kind, m.start("v"), m.end("v")

    return resolve


RULES: tuple[Rule, ...] = (
    Rule(_URL_PASSWORD, value_of("password"), ("://",)),
    Rule(_ORACLE, _not_reference("password"), ("/",)),
    Rule(_NETRC, _not_reference("password"), ("machine",), multiline=True),
    Rule(_HTPASSWD_HASH, value_of("password-hash"), ("$", "{s")),
    Rule(_PGPASS, _not_reference("password"), (":",)),
    Rule(_NPMRC, _not_reference("token"), (":_auth", ":_password")),
    Rule(_DOCKER_AUTH, _basic_auth, ('"auth"',)),
    # Needles: every key the pattern accepts contains one of these (lower-cased), so the costly
    # scan is skipped for the ordinary reply that names no credential at all.
    Rule(
        Triggered(_KEY_TRIGGER, _KEY_VALUE, _KEY_RUN),
        _key_value,
        ("pass", "pw", "secret", "token", "key", "authorization", "pat", "psk"),
    ),
    # After _KEY_VALUE, so that "Authorization: Basic …" keeps the kind "authorization".
    Rule(_BASIC_AUTH, _basic_auth, ("basic",)),
)
