"""What the bot says when it removed a credential from a message: the one wording, for the
terminal and for Slack.

The bot cannot delete a person's Slack message, and the original stays in the channel's history
(and in every client that has loaded it). So the notice says which kind of credential was
removed, asks the author to delete their message and to rotate the credential, and never repeats
any part of the value: it is built from the rule kinds alone, never from the text.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

from collections.abc import Sequence

# Kinds whose spoken name is not just the kind with spaces ("slack-token" -> "Slack token").
_NAMES = {
    "api-key": "API key",
    "aws-access-key": "AWS access key ID",
    "aws-secret-key": "AWS secret access key",
    "azure-key": "Azure storage key",
    "azure-sas": "Azure shared access signature",
    "azure-client-secret": "Azure client secret",
    "basic-auth": "Basic-auth credential",
    "authorization": "Authorization header",
    "high-entropy": "token-like value",
    "jwt": "JSON web token",
    "openai-key": "OpenAI key",
    "pypi-token": "PyPI token",
    "password-hash": "password hash",
    "pre-shared-key": "pre-shared key",
    "signed-url": "signed-URL signature",
    "snmp-community": "SNMP community string",
    "sendgrid-key": "SendGrid key",
    "github-token": "GitHub token",
    "gitlab-token": "GitLab token",
    "digitalocean-token": "DigitalOcean token",
    "huggingface-token": "Hugging Face token",
    "new-relic-key": "New Relic key",
}
_UPPER = frozenset({"aws", "npm", "ssh", "snmp", "sas", "url", "api", "vpn", "sql"})


def kind_name(kind: str) -> str:
    """``"slack-token"`` -> ``"Slack token"``: readable, and free of anything from the value."""
    if kind in _NAMES:
        return _NAMES[kind]
    words = kind.split("-")
    first = words[0].upper() if words[0] in _UPPER else words[0]
    if len(words) > 1:  # a vendor name leads: "stripe-key" -> "Stripe key"
        first = first[:1].upper() + first[1:]
    return " ".join([first, *words[1:]])


def _article(name: str) -> str:
    return "an" if name[:1].lower() in "aeio" or name.startswith(("API", "SSH", "SNMP")) else "a"


def redaction_notice(kinds: Sequence[str], *, slack: bool = False) -> str | None:
    """The message after a redaction, or ``None`` when nothing was removed.

    ``slack``: the text came from a Slack message, which stays in the channel's history until
    its author deletes it. Elsewhere (the terminal) nothing outlives the process but the
    author's own copies.
    """
    names = [kind_name(k) for k in dict.fromkeys(kinds)]
    if not names:
        return None
    listed = [f"{_article(n)} {n}" for n in names]
    what = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    one = len(names) == 1
    rotate, them = ("that credential", "it") if one else ("those credentials", "them")
    if not slack:
        return (
            f"I removed {what} from your reply before saving it. Please rotate {rotate}, and "
            f"delete {them} from wherever else you pasted {them}."
        )
    return (
        f":lock: I removed {what} from your message before saving it. Slack still keeps your "
        f"original message: please delete it, and rotate {rotate}, since anyone who can read "
        f"this channel may have seen {them}."
    )
