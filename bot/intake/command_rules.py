"""Secrets typed on a command line, in SQL or in a server config directive.

``--password=X``, ``mysql -pX``, ``ldapsearch -w X``, ``rabbitmqctl add_user u X``,
``ALTER USER … WITH PASSWORD 'X'``, ``requirepass X``: each tool has its own flag or word for
the password, so each is named here. A value after a space must look like a secret (a digit, a
symbol, inner capitals), so that "use docker login -p when …" stays prose.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import re

from bot.intake.rule_kit import (
    Hit,
    Resolver,
    Rule,
    first_group,
    is_reference_or_placeholder,
    key_kind,
    looks_secret,
)

_FLAG_VALUE = (
    r"(?:\"(?P<dq>[^\"\n]{1,256})\"|'(?P<sq>[^'\n]{1,256})'"
    r"|(?P<bare>(?:&(?:amp|lt|gt);|[^\s\"'`<>;|&])+))"
)
_FLAG_GROUPS = ("dq", "sq", "bare")
_FILENAME = re.compile(r"[\w.-]+\.(?:ya?ml|json|env|txt|toml|ini|conf|cfg|pem|key|crt|kdbx)", re.I)

# --password=X, --db-password X, -token=X, -srcstorepass X; not --password-stdin, --ask-pass
_LONG_FLAG = re.compile(  # starts with a literal "-", so re can skip ahead to each dash
    r"-(?<![\w-]-)-?(?P<flag>(?i:(?:[a-z0-9]+-)*(?:password|passwd|passphrase|pass|pwd|token"
    r"|api-?key|access-key|secret-key|client-secret|auth-token|auth-?key|(?:src|dest)?storepass"
    r"|keypass)))(?:(?P<eq>=)|[ \t]+(?!-))" + _FLAG_VALUE
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
# The password option of each tool that takes one: (tool, option, needle).
_TOOL_OPTIONS = (
    (r"(?:docker|podman|nerdctl|buildah|skopeo|oras|helm(?:[ \t]+registry)?)[ \t]+login",
     "-p", "login"),
    (r"sshpass", "-p", "sshpass"),
    (r"redis-cli", "-a", "redis-cli"),
    (r"ldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn|exop)", "-w", "ldap"),
    (r"sqlcmd|bcp|osql|isql", "-P", "-p"),
    (r"mongo(?:sh|dump|restore|export|import|stat|top|files)?", "-p", "mongo"),
    (r"jenkins-cli(?:\.jar)?", r"-auth[ \t]+[^\s:]{1,64}:", "jenkins-cli"),
    (r"openssl", r"-pass(?:in|out)?[ \t]+pass:", "pass:"),
)  # fmt: skip


def _tool_option(tool: str, option: str, needle: str) -> Rule:
    attached = option.endswith(":")
    tail = "" if attached else r"[ \t]+(?!-)"
    pattern = re.compile(rf"(?<![\w-])(?:{tool})(?![\w-]){_CONTEXT}{option}{tail}" + _FLAG_VALUE)
    return Rule(pattern, _plain("password", attached=attached), (needle,))


# curl -u user:password (curl -u user alone prompts for the password)
_CURL_USER = re.compile(
    r"(?<![\w-])curl(?![\w-])" + _CONTEXT + r"(?:-u|--user)[ \t]*[\"']?[^\s:\"'$]{1,64}:"
    r"(?P<v>(?:&(?:amp|lt|gt);|[^\s\"'<>;|&])+)"
)
# htpasswd -b[c] file user PASSWORD, htpasswd -nb user PASSWORD
_HTPASSWD_B = re.compile(
    r"(?<![\w-])htpasswd[ \t]+(?P<flags>-[A-Za-z]*b[A-Za-z]*)(?:[ \t]+-[A-Za-z]+)*"
    r"(?P<file>[ \t]+\S+)?[ \t]+[^\s-]\S*[ \t]+" + _FLAG_VALUE
)
_RABBITMQ = re.compile(
    r"(?<![\w-])rabbitmqctl[ \t]+(?:add_user|change_password)[ \t]+\S+[ \t]+" + _FLAG_VALUE
)
_SQL_PASSWORD = re.compile(
    r"(?i:(?:with|login|encrypted|unencrypted)[ \t]+password|identified[ \t]+(?:with[ \t]+\w+"
    r"[ \t]+)?by(?:[ \t]+password)?|set[ \t]+password(?:[ \t]+for[ \t]+\S+)?[ \t]*="
    r"|password[ \t]*=)"
    r"[ \t]*(?:'(?P<sq>[^'\n]{1,256})'|\"(?P<dq>[^\"\n]{1,256})\")"
)
# redis.conf / sentinel: requirepass X, masterauth X
_DIRECTIVE = re.compile(
    r"(?:^|(?<=[\s`'\"]))(?:requirepass|masterauth|sentinel[ \t]+auth-pass[ \t]+\S+)[ \t]+"
    r"(?P<bare>[^\s`'\"]+)",
    re.M,
)


def _flag_value(kind: str, m: re.Match[str], *, attached: bool) -> Hit | None:
    """An attached value (``--password=X``, ``-pX``) is a secret unless it is a reference; one
    after a space must also look like one."""
    group = first_group(m, _FLAG_GROUPS)
    start, end = m.span(group)
    value = m.string[start:end]
    if is_reference_or_placeholder(value):
        return None
    if group == "bare" and not attached and (not looks_secret(value) or _FILENAME.fullmatch(value)):
        return None
    return kind, start, end


def _long_flag(m: re.Match[str]) -> Hit | None:
    words = m.group("flag").lower().split("-")
    if _BOOLEAN_FLAG_WORDS.intersection(words):
        return None
    flag = m.group("flag").lower()
    kind = "password" if flag.endswith(("pwd", "pw", "pass")) else key_kind(flag)
    return _flag_value(kind, m, attached=m.group("eq") is not None)


def _mysql_p(m: re.Match[str]) -> Hit | None:
    bare = m.group("bare")
    if bare is not None and len(bare) < 3:  # "mkdir -pv" later on a line that mentions mysql
        return None
    return _flag_value("password", m, attached=True)


def _plain(kind: str, *, attached: bool) -> Resolver:
    return lambda m: _flag_value(kind, m, attached=attached)


def _curl_user(m: re.Match[str]) -> Hit | None:
    value = m.group("v")
    if is_reference_or_placeholder(value):
        return None
    return "password", m.start("v"), m.end("v")


COMMAND_RULES: tuple[Rule, ...] = (
    Rule(_LONG_FLAG, _long_flag, ("-",)),
    Rule(_MYSQL_P, _mysql_p, ("mysql", "mariadb")),
    *(_tool_option(*option) for option in _TOOL_OPTIONS),
    Rule(_CURL_USER, _curl_user, ("curl",)),
    Rule(_HTPASSWD_B, _plain("password", attached=True), ("htpasswd",)),
    Rule(_RABBITMQ, _plain("password", attached=True), ("rabbitmqctl",)),
    Rule(_SQL_PASSWORD, _plain("password", attached=True), ("password", "identified")),
    Rule(
        _DIRECTIVE, _plain("password", attached=False), ("requirepass", "masterauth", "auth-pass")
    ),
)
