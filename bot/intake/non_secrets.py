"""Random-looking text that is not a secret and that a manual needs byte-for-byte.

Image digests, checksums, SSH public keys and host-key fingerprints, certificates, ARNs,
cloud KMS key paths and HL7 message types ("ADT^A08") look as random as any token, and they
often sit right next to the words "key", "token", "login" or "secret". A hit of a generic rule
(high entropy, prose) that lies inside one of these spans is dropped; a vendor format never
matches inside them anyway.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import re

_PUBLIC = re.compile(
    # SSH public keys (authorized_keys / known_hosts lines)
    r"(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d{3}|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)"
    r"@openssh\.com)[ \t]+AAAA[A-Za-z0-9+/]+={0,3}"
    # digests and checksums: image@sha256:…, SRI integrity, go.sum, host-key fingerprints
    r"|(?i:sha(?:1|224|256|384|512)|md5|blake2b)[:=][0-9a-fA-F]{32,128}(?![0-9a-fA-F])"
    r"|sha(?:256|384|512)-[A-Za-z0-9+/]{40,}={0,2}"
    r"|h1:[A-Za-z0-9+/]{43}="
    r"|SHA256:[A-Za-z0-9+/]{43}=?"
    # certificates are public; so is a base64 "-----BEGIN CERTIFICATE" in a kubeconfig
    r"|-----BEGIN CERTIFICATE-----.*?(?:-----END CERTIFICATE-----|\Z)"
    r"|LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t[A-Za-z0-9+/=]*"
    # resource names of keys and secrets, not their values
    r"|arn:aws[\w-]*:[\w-]+:[\w-]*:\d*:[^\s\"'`,;<>]+"
    r"|projects/[\w.-]+/locations/[\w-]+/keyRings/[\w.-]+/cryptoKeys/[\w.-]+"
    r"(?:/cryptoKeyVersions/\d+)?"
    r"|https://[\w-]+\.vault\.azure\.net/(?:keys|secrets|certificates)/[\w-]+(?:/[0-9a-f]{32})?"
    # HL7 v2 message types and trigger events ("ADT^A08", "ORU^R01", "ACK^A01^ACK")
    r"|(?<![\w^])[A-Z]{3}\^[A-Z]\d{2}(?:\^[A-Z]{3}(?:_[A-Z]\d{2})?)?(?![\w^])",
    re.S,
)
_NEEDLES = (
    "ssh-", "ecdsa-", "sha", "md5", "blake2b", "h1:", "certificate",
    "ls0tls1crudjtibdrvjusuzjq0fure", "arn:", "cryptokeys", "vault.azure.net", "^",
)  # fmt: skip


def public_spans(text: str, lowered: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that hold public identifiers (see the module docstring)."""
    if not any(n in lowered for n in _NEEDLES):
        return []
    return [m.span() for m in _PUBLIC.finditer(text)]
