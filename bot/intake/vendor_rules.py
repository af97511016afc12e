"""Provider formats: tokens whose shape alone says "credential", wherever they appear.

Ordered most specific first; when two rules cover the same span, the earlier kind names it.
Each pattern follows the published format (and the gitleaks / detect-secrets rule for it) closely
enough that ordinary ops text never matches: a prefix such as ``glsa_`` or ``hvs.`` plus a long
random body.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import re

from bot.intake.rule_kit import END, START, Rule, value_of

_B62 = "A-Za-z0-9"


def _token(body: str, *, start: str = START, end: str = END, flags: int = 0) -> re.Pattern[str]:
    return re.compile(start + "(?P<v>" + body + ")" + end, flags)


_PRIVATE_KEY = re.compile(
    r"(?P<v>-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
    r".*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z))",
    re.S,
)
_PPK = re.compile(  # PuTTY .ppk: the lines after "Private-Lines: N"
    r"Private-Lines:[ \t]*\d+[ \t]*\r?\n(?P<v>[A-Za-z0-9+/=]+(?:\r?\n[A-Za-z0-9+/=]+)*)"
)
_AGE_KEY = _token(r"AGE-SECRET-KEY-1[0-9A-Z]{50,70}", start=r"(?<![A-Z0-9-])")
_AWS_ACCESS_KEY = _token(
    r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", start=r"(?<![A-Za-z0-9])", end=r"(?![A-Za-z0-9])"
)
# "AKIA… / <40 chars>", "key id AKIA…, secret <40 chars>": the secret right after its key id.
_AWS_PAIR = re.compile(
    r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}[\"'`]?[ \t]*(?:[/:,;|][ \t]*|[ \t]+)"
    r"(?:(?i:(?:and[ \t]+)?(?:the[ \t]+)?secret(?:[ \t_-]?(?:access[ \t_-]?)?key)?)"
    r"[ \t]*[:=]?[ \t]*)?"
    r"[\"'`]?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_AWS_SECRET_KEY = re.compile(
    r"(?i:aws_?secret_?(?:access_?)?key|secret[ _-]?access[ _-]?key)[\"'`]?"
    r"[ \t]*(?:=>|[:=]|is)?[ \t]*[\"'`]?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_SLACK_WEBHOOK = re.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{8,})"
)
_DISCORD_WEBHOOK = re.compile(
    r"discord(?:app)?\.com/api/webhooks/\d{5,30}/(?P<v>[A-Za-z0-9_-]{30,})"
)
_TEAMS_WEBHOOK = re.compile(
    r"(?:webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/"
    r"(?P<v>[A-Za-z0-9@/_-]{20,})"
)
_SLACK_TOKEN = _token(r"(?:xoxe\.xox[bp]|xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}", end="")
_ANTHROPIC_KEY = _token(r"sk-ant-[A-Za-z0-9_-]{20,}", end="")
_OPENAI_KEY = _token(
    r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20,}(?![A-Za-z0-9_-]))", end=""
)
_GITHUB_TOKEN = _token(
    r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}", start=r"(?<![A-Za-z0-9_])", end=""
)
_GITLAB_TOKEN = _token(
    r"gl(?:pat|dt|rt|ptt|ft|imt|agent|oas|soat|cbt)-[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*",
    end="",
)
# Stripe secret (sk_) and restricted (rk_) keys.  Publishable keys (pk_live_/pk_test_) are made
# to be shipped in browser JavaScript, so they are no secret and are left readable on purpose.
_STRIPE_KEY = _token(
    r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", start=r"(?<![A-Za-z0-9_])", end=""
)
_GOOGLE_API_KEY = _token(r"AIza[0-9A-Za-z_-]{35}")
_TWILIO_KEY = _token(r"SK[0-9a-f]{32}", start=r"(?<![A-Za-z0-9])", end=r"(?![A-Za-z0-9])")
_SENDGRID_KEY = _token(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")
_NPM_TOKEN = _token(r"npm_[A-Za-z0-9]{36}", start=r"(?<![A-Za-z0-9_])", end=r"(?![A-Za-z0-9])")
_PYPI_TOKEN = _token(r"pypi-AgE[A-Za-z0-9_-]{50,}")
_GRAFANA_TOKEN = _token(
    r"glsa_[A-Za-z0-9]{20,40}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2}",
    end=r"(?![A-Za-z0-9_=-])",
)
_VAULT_TOKEN = _token(r"hv[sbr]\.[A-Za-z0-9_-]{20,}")
_TERRAFORM_TOKEN = _token(
    r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}", end=r"(?![A-Za-z0-9_=-])"
)
_DIGITALOCEAN_TOKEN = _token(r"do[opr]_v1_[a-f0-9]{64}")
_SHOPIFY_TOKEN = _token(r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}")
_HUGGINGFACE_TOKEN = _token(r"hf_[A-Za-z0-9]{30,40}", start=r"(?<![A-Za-z0-9_])")
_DATABRICKS_TOKEN = _token(r"dapi[a-f0-9]{32}(?:-\d)?")
_ATLASSIAN_TOKEN = _token(r"ATATT3[A-Za-z0-9_=-]{100,}", end=r"(?![A-Za-z0-9_=-])")
_LINEAR_KEY = _token(r"lin_(?:api|oauth)_[A-Za-z0-9]{40}")
_DOPPLER_TOKEN = _token(
    r"dp\.(?:st|sa|ct|scim|audit|pt)\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44}"
)
_PULUMI_TOKEN = _token(r"pul-[a-f0-9]{40}")
_TELEGRAM_TOKEN = _token(
    r"\d{8,10}:AA[A-Za-z0-9_-]{32,33}", start=r"(?<![A-Za-z0-9:])", end=r"(?![A-Za-z0-9_-])"
)
_AZURE_AD_SECRET = _token(
    r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}", start=r"(?<![A-Za-z0-9_~.-])"
)
_DOCKER_HUB_PAT = _token(r"dckr_pat_[A-Za-z0-9_-]{20,}")
_NEW_RELIC_KEY = _token(r"NR(?:AK|JS|II|AA)-[A-Z0-9]{19,27}")
_SENTRY_TOKEN = _token(r"sntry[su]_[A-Za-z0-9+/=_-]{40,}", end=r"(?![A-Za-z0-9+/=_-])")
_TAILSCALE_KEY = _token(r"tskey-(?:auth|client|api|scim|webhook)-[A-Za-z0-9_-]{10,}")
_MAILGUN_KEY = _token(r"key-[a-f0-9]{32}")
_SQUARE_TOKEN = _token(r"EAAA[A-Za-z0-9_-]{60}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}")
_MISC_PREFIXED = _token(  # formats gitleaks knows, with unmistakable prefixes
    r"(?:sbp_[a-f0-9]{40}|pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}|fo1_[A-Za-z0-9_-]{43}"
    r"|rnd_[A-Za-z0-9]{32}|nfp_[A-Za-z0-9]{36}|bkua_[a-f0-9]{40}|CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"
    r"|figd_[A-Za-z0-9_-]{40}|HRKU-AA[A-Za-z0-9_-]{58}|ntn_[A-Za-z0-9]{46}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}"
    r"|squ_[a-f0-9]{40}|sq[ap]_[a-f0-9]{40}|dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}|rubygems_[a-f0-9]{48}"
    r"|oy2[a-z0-9]{43}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|ops_eyJ[A-Za-z0-9+/=_-]{100,}"
    r"|ATBB[A-Za-z0-9_=.-]{32}|whsec_[A-Za-z0-9+/=]{24,})"
)
_MISC_NEEDLES = (
    "sbp_", "pscale_", "fo1_", "rnd_", "nfp_", "bkua_", "ccipat_", "figd_", "hrku-", "ntn_",
    "pmak-", "squ_", "sqa_", "sqp_", "dt0c01.", "rubygems_", "oy2", "xkeysib-", "ops_eyj",
    "atbb", "whsec_",
)  # fmt: skip
_AZURE_KEY = re.compile(
    r"(?<![A-Za-z0-9])(?i:AccountKey|SharedAccessKey)[ \t]*=[ \t]*(?P<v>[A-Za-z0-9+/]{20,}={0,2})"
)
# Azure SAS: the whole signature of a connection string, or the ``sig=`` of a signed URL.
_AZURE_SAS = re.compile(
    r"(?<![A-Za-z0-9])(?i:SharedAccessSignature)[ \t]*=[ \t]*"
    r"(?P<v>(?:&(?:amp|lt|gt);|[^\s;\"'`<>|])+)"
)
_URL_SIG = re.compile(
    r"[?&](?:amp;)*(?i:sig|signature|x-amz-signature|x-goog-signature)="
    r"(?P<v>[A-Za-z0-9%+/=_-]{16,})"
)
_JWT = _token(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", end="")

VENDOR_RULES: tuple[Rule, ...] = (
    Rule(_PRIVATE_KEY, value_of("private-key"), ("-----begin ",), multiline=True),
    Rule(_PPK, value_of("private-key"), ("private-lines",), multiline=True),
    Rule(_AGE_KEY, value_of("private-key"), ("age-secret-key-",)),
    Rule(_AWS_ACCESS_KEY, value_of("aws-access-key"), ("akia", "asia", "abia", "acca")),
    Rule(_AWS_PAIR, value_of("aws-secret-key"), ("akia", "asia")),
    Rule(_AWS_SECRET_KEY, value_of("aws-secret-key"), ("key",)),
    Rule(_SLACK_WEBHOOK, value_of("slack-webhook"), ("hooks.slack.com/",)),
    Rule(_DISCORD_WEBHOOK, value_of("discord-webhook"), ("/api/webhooks/",)),
    Rule(_TEAMS_WEBHOOK, value_of("teams-webhook"), ("office",)),
    Rule(_SLACK_TOKEN, value_of("slack-token"), ("xox", "xapp-")),
    Rule(_ANTHROPIC_KEY, value_of("anthropic-key"), ("sk-ant-",)),
    Rule(_OPENAI_KEY, value_of("openai-key"), ("sk-",)),
    Rule(_GITHUB_TOKEN, value_of("github-token"), ("gh", "github_pat_")),
    Rule(_GITLAB_TOKEN, value_of("gitlab-token"), ("gl",)),
    Rule(_STRIPE_KEY, value_of("stripe-key"), ("k_live_", "k_test_")),
    Rule(_GOOGLE_API_KEY, value_of("google-api-key"), ("aiza",)),
    Rule(_TWILIO_KEY, value_of("twilio-key"), ("sk",)),
    Rule(_SENDGRID_KEY, value_of("sendgrid-key"), ("sg.",)),
    Rule(_NPM_TOKEN, value_of("npm-token"), ("npm_",)),
    Rule(_PYPI_TOKEN, value_of("pypi-token"), ("pypi-",)),
    Rule(_GRAFANA_TOKEN, value_of("grafana-token"), ("glsa_", "glc_")),
    Rule(_VAULT_TOKEN, value_of("vault-token"), ("hvs.", "hvb.", "hvr.")),
    Rule(_TERRAFORM_TOKEN, value_of("terraform-token"), (".atlasv1.",)),
    Rule(_DIGITALOCEAN_TOKEN, value_of("digitalocean-token"), ("_v1_",)),
    Rule(_SHOPIFY_TOKEN, value_of("shopify-token"), ("shp",)),
    Rule(_HUGGINGFACE_TOKEN, value_of("huggingface-token"), ("hf_",)),
    Rule(_DATABRICKS_TOKEN, value_of("databricks-token"), ("dapi",)),
    Rule(_ATLASSIAN_TOKEN, value_of("atlassian-token"), ("atatt3",)),
    Rule(_LINEAR_KEY, value_of("linear-key"), ("lin_",)),
    Rule(_DOPPLER_TOKEN, value_of("doppler-token"), ("dp.",)),
    Rule(_PULUMI_TOKEN, value_of("pulumi-token"), ("pul-",)),
    Rule(_TELEGRAM_TOKEN, value_of("telegram-token"), (":aa",)),
    Rule(_AZURE_AD_SECRET, value_of("azure-client-secret"), ("q~",)),
    Rule(_DOCKER_HUB_PAT, value_of("docker-token"), ("dckr_pat_",)),
    Rule(_NEW_RELIC_KEY, value_of("new-relic-key"), ("nrak-", "nrjs-", "nrii-", "nraa-")),
    Rule(_SENTRY_TOKEN, value_of("sentry-token"), ("sntry",)),
    Rule(_TAILSCALE_KEY, value_of("tailscale-key"), ("tskey-",)),
    Rule(_MAILGUN_KEY, value_of("mailgun-key"), ("key-",)),
    Rule(_SQUARE_TOKEN, value_of("square-token"), ("eaaa", "sq0")),
    Rule(_MISC_PREFIXED, value_of("token"), _MISC_NEEDLES),
    Rule(_AZURE_KEY, value_of("azure-key"), ("accesskey", "accountkey")),
    Rule(_AZURE_SAS, value_of("azure-sas"), ("sharedaccesssignature",)),
    Rule(_URL_SIG, value_of("signed-url"), ("sig=", "signature=")),
    Rule(_JWT, value_of("jwt"), ("eyj",)),
)
