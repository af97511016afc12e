"""Tests for secret redaction and mention neutralising.

Secrets are assembled from pieces so that this file never contains a scanner-triggering literal;
they are pattern-valid but fake.
"""

from __future__ import annotations

import time

import pytest

from bot.intake.redact import (
    RANKED_RULES,
    Redaction,
    RedactionResult,
    neutralise_mentions,
    redact_secrets,
)

WJ = "\u2060"

AKIA = "AKIA" + "IOSFODNN7EXAMPLE"
ASIA = "ASIA" + "Q3EXAMPLE7KEY0ZZ"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
XOXB = "xoxb-" + "1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
XOXP = "xoxp-" + "1234567890-1234567890-1234567890123-0123456789abcdef0123456789abcdef"
XAPP = "xapp-" + "1-A0123456789-1234567890123-0123456789abcdef"
XOXE = "xoxe.xoxp-" + "1-Mi0yLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA"
WEBHOOK_PATH = "T00000000/B00000000/" + "XXXXXXXXXXXXXXXXXXXXXXXX"
ANTHROPIC = "sk-ant-" + "api03-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5Jk7Lm9Np1Qr3St5Vw7Xy9Za1Bc"
OPENAI_PROJ = "sk-" + "proj-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5Jk7Lm9Np1Qr_3St5-Vw7Xy9Za"
OPENAI_LEGACY = "sk-" + "Ab3De5Gh7Jk9Mn1Pq3St5T3BlbkFJVw7Yz9Bc1Df3Gh5Jk7Lm9Np"
GHP = "ghp_" + "Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5"
GH_PAT = "github_pat_" + "11ABCDEFG0" + "_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5Jk7Lm9Np1Qr3St5"
JWT = (
    "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
RANDOM_TOKEN = "9f8e7d6c5b4a3f2e1d0c" + "Zq8Yx7Wv"
BEARER = "aB3dE5gH7jK9mN1pQ3sT" + "v5Wx7Yz9"
HEX_SECRET = "0123456789abcdef" + "fedcba9876543210"  # 32 hex digits
PEM_BODY = "MIIEowIBAAKCAQEA7bq3" + "Xz\nQ2pZk9Yv0fT5wq\n"
STRIPE_TAIL = "4eC39HqLyjWDarjtT1zdp7dc"
STRIPE_LIVE = "sk_live_" + STRIPE_TAIL
STRIPE_RESTRICTED = "rk_live_" + STRIPE_TAIL
STRIPE_TEST = "sk_test_" + STRIPE_TAIL
STRIPE_PUBLISHABLE = "pk_live_" + STRIPE_TAIL  # public by design: not redacted
GOOGLE_KEY = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
TWILIO_KEY = "SK" + "0123456789abcdef" + "fedcba9876543210"
SENDGRID_KEY = (
    "SG." + "abcdefghijABCDEFGHIJ12" + "." + "abcdefghijABCDEFGHIJ1234567890abcdefghijKLM"
)
NPM_TOKEN = "npm_" + "abcdefghijABCDEFGHIJ1234567890abcdef"
GITLAB_PAT = "glpat-" + "Ab3De5Gh7Jk9Mn1Pq3St"
AZURE_ACCOUNT_KEY = (
    "Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5Jk7Lm9Np1Qr3St5" + "Vw7Xy9Za1Bc3De5Gh7Jk9Mn1Pq3St5Vw7Xy9=="
)
BASIC_CREDENTIALS = "dXNlcjpw" + "YXNzd29yZA=="  # base64 of "user:password"


def pem(kind: str, *, end: bool = True) -> str:
    begin = "-----BEGIN " + kind + "PRIVATE KEY-----\n"
    return begin + PEM_BODY + ("-----END " + kind + "PRIVATE KEY-----" if end else "")


# (text, secret value that must vanish, kind). The expected output is exactly the text with the
# secret replaced by its marker, which also proves the surrounding prose is untouched.
POSITIVE: list[tuple[str, str, str]] = [
    (f"the CI user has {AKIA} attached", AKIA, "aws-access-key"),
    (f"temporary creds ({ASIA}) expire hourly", ASIA, "aws-access-key"),
    (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET, "aws-secret-key"),
    (f"export AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET, "aws-secret-key"),
    (f"the secret access key is {AWS_SECRET} for prod", AWS_SECRET, "aws-secret-key"),
    (f'{{"SecretAccessKey": "{AWS_SECRET}"}}', AWS_SECRET, "aws-secret-key"),
    (f"bot token {XOXB} lives in vault", XOXB, "slack-token"),
    (f"SLACK_USER={XOXP}", XOXP, "slack-token"),
    (f"socket mode uses {XAPP}.", XAPP, "slack-token"),
    (f"refresh with {XOXE} daily", XOXE, "slack-token"),
    (
        f"alerts post to https://hooks.slack.com/services/{WEBHOOK_PATH} now",
        WEBHOOK_PATH,
        "slack-webhook",
    ),
    (f"ANTHROPIC_API_KEY={ANTHROPIC}", ANTHROPIC, "anthropic-key"),
    (f"I used {ANTHROPIC} by mistake", ANTHROPIC, "anthropic-key"),
    (f"the summariser calls OpenAI with {OPENAI_PROJ} today", OPENAI_PROJ, "openai-key"),
    (f"old key {OPENAI_LEGACY} was revoked", OPENAI_LEGACY, "openai-key"),
    (f"git clone https://{GHP}@github.com/acme/pay.git", GHP, "github-token"),
    (f"deploys use {GH_PAT} from the bot account", GH_PAT, "github-token"),
    (f"here is the key:\n{pem('RSA ')}\nthanks", pem("RSA "), "private-key"),
    (f"{pem('OPENSSH ')}\n", pem("OPENSSH "), "private-key"),
    (f"{pem('')} and more text", pem(""), "private-key"),
    (f"pasted half a key: {pem('EC ', end=False)}", pem("EC ", end=False), "private-key"),
    ("postgres://app:" + "s3cr3t-Pw@db.internal:5432/pay", "s3cr3t-Pw", "password"),
    ("REDIS_URL=redis://:" + "hunter2@cache.prod.internal:6379/0", "hunter2", "password"),
    ("connect via mysql://root:" + "p4ss:word@10.0.3.7/orders ok", "p4ss:word", "password"),
    ("password=" + "hunter2 and nothing else", "hunter2", "password"),
    ("PGPASSWORD=" + "Tr0ub4dor&3 psql -h db", "Tr0ub4dor&3", "password"),
    (
        'db_password = "' + 'correct horse battery staple"',
        "correct horse battery staple",
        "password",
    ),
    ("pwd: " + "hunter2", "hunter2", "password"),
    ("Password: " + "Summer2024!", "Summer2024!", "password"),
    ("the passwd='" + "l3tm3in' is old", "l3tm3in", "password"),
    ("client_secret=" + "Zm9vYmFyYmF6, next", "Zm9vYmFyYmF6", "secret"),
    ('SECRET_KEY = "' + 'django-insecure-abc123"', "django-insecure-abc123", "secret"),
    ("webhookSecret: " + "whsec_abc123", "whsec_abc123", "secret"),
    ("token=" + "abc123; retry", "abc123", "token"),
    ("access_token: " + "ya29.a0AfH6SM", "ya29.a0AfH6SM", "token"),
    ("callback https://pay.example.com/cb?token=" + "Abc123def&x=1", "Abc123def", "token"),
    ("api_key=" + "12345-abcde", "12345-abcde", "api-key"),
    ("X-API-Key: " + "live_8f7e6d5c", "live_8f7e6d5c", "api-key"),
    ("?apikey=" + "QWERTY123456 done", "QWERTY123456", "api-key"),
    ("Authorization: Bearer " + BEARER, BEARER, "authorization"),
    ("Authorization: Basic " + "dXNlcjpwYXNz", "dXNlcjpwYXNz", "authorization"),
    (f"session cookie was {JWT} yesterday", JWT, "jwt"),
    (f"the api token is {RANDOM_TOKEN} ok", RANDOM_TOKEN, "high-entropy"),
    (f"curl -H 'X-Auth' bearer {BEARER}", BEARER, "high-entropy"),
    (f"our deploy key, for the record, {BEARER}!", BEARER, "high-entropy"),
    (f"Credentials for the vendor portal {RANDOM_TOKEN}", RANDOM_TOKEN, "high-entropy"),
    (f"the datadog api key is {HEX_SECRET}", HEX_SECRET, "high-entropy"),
    # Chat phrasings: "<password word> is/was/: <value that looks like a secret>".
    ("the db password is " + "Tr0ub4dor&3", "Tr0ub4dor&3", "password"),
    ("the root pw is " + "hunter2!", "hunter2!", "password"),
    ("our api key is " + "9f8e7d6c5b4a", "9f8e7d6c5b4a", "api-key"),
    ("token: " + "abc123XYZ", "abc123XYZ", "token"),
    ("the password was " + "Summer2024! before the reset", "Summer2024!", "password"),
    ("the client secret is " + "Zm9vYmFy9x, keep it safe", "Zm9vYmFy9x", "secret"),
    ("the access key is " + "AbCd1234xyz.", "AbCd1234xyz", "api-key"),
    (
        "passphrase is '" + "correct horse battery staple'",
        "correct horse battery staple",
        "password",
    ),
    ("the password for prod is now " + "S3cret!x (ask me)", "S3cret!x", "password"),
    ("the pw is `" + "hunter22`", "hunter22", "password"),
    ("(the secret is " + "hUnTeRxYz)", "hUnTeRxYz", "secret"),
    ("api key: " + "live-8f7e6d5c", "live-8f7e6d5c", "api-key"),
    # Slack sends "&" as "&amp;": the entity is part of the value, not its end.
    ("the db password is " + "Tr0ub4dor&amp;3 ok", "Tr0ub4dor&amp;3", "password"),
    ("PGPASSWORD=" + "Tr0ub4dor&amp;3 psql -h db", "Tr0ub4dor&amp;3", "password"),
    ("DB_PW=" + "hunter2", "hunter2", "password"),
    # Command-line flags.
    ("mysql -uroot -p" + "S3cretPass! orders", "S3cretPass!", "password"),
    ("mysqldump -h db -p'" + "S3cret pass' orders", "S3cret pass", "password"),
    ("docker login -u ci -p " + "Passw0rd123 registry.example.com", "Passw0rd123", "password"),
    ("mytool --password=" + "hunter2 --host db", "hunter2", "password"),
    ("mongosh --username admin --password " + "S3cret!x", "S3cret!x", "password"),
    (
        "kubeadm join 10.0.0.1:6443 --token " + "abcdef.0123456789abcdef",
        "abcdef.0123456789abcdef",
        "token",
    ),
    ("consul members -token=" + "b1gs3cr3t", "b1gs3cr3t", "token"),
    ("docker run -e POSTGRES_PASSWORD=" + "S3cret!x postgres:16", "S3cret!x", "password"),
    ("sshpass -p '" + "hunter2' ssh deploy@bastion", "hunter2", "password"),
    ("redis-cli -h cache -a " + "S3cretRedis9 ping", "S3cretRedis9", "password"),
    ("curl -u admin:" + "S3cret!x https://api.example.com/v1", "S3cret!x", "password"),
    # Vendor formats.
    (f"STRIPE_SECRET_KEY={STRIPE_LIVE}", STRIPE_LIVE, "stripe-key"),
    (f"the reporting job uses {STRIPE_RESTRICTED} now", STRIPE_RESTRICTED, "stripe-key"),
    (f"staging uses {STRIPE_TEST}.", STRIPE_TEST, "stripe-key"),
    (f"maps load with {GOOGLE_KEY} in the page", GOOGLE_KEY, "google-api-key"),
    (f"twilio api key {TWILIO_KEY} for SMS", TWILIO_KEY, "twilio-key"),
    (f"mail goes out via {SENDGRID_KEY} today", SENDGRID_KEY, "sendgrid-key"),
    (f"//registry.npmjs.org/:_authToken={NPM_TOKEN}", NPM_TOKEN, "npm-token"),
    (f"the runner clones with {GITLAB_PAT} from CI", GITLAB_PAT, "gitlab-token"),
    (
        "DefaultEndpointsProtocol=https;AccountName=payments;AccountKey="
        + AZURE_ACCOUNT_KEY
        + ";EndpointSuffix=core.windows.net",
        AZURE_ACCOUNT_KEY,
        "azure-key",
    ),
    (
        f"the proxy header was Basic {BASIC_CREDENTIALS} until today",
        BASIC_CREDENTIALS,
        "basic-auth",
    ),
]

NEGATIVE: list[str] = [
    "Connect to db-primary.prod.internal on port 5432.",
    "The load balancer lives at 10.20.30.40:8443 and the fallback at 192.168.1.10.",
    "IPv6 is fe80::1ff:fe23:4567:890a on eth0.",
    "Rolled back to commit 3f9a2c1 after the incident.",
    "The fix is 3f9a2c1e4b5d6f708192a3b4c5d6e7f809112233 on main.",
    "the key fix landed in commit 3f9a2c1e4b5d6f708192a3b4c5d6e7f809112233",
    "image digest sha256:9b2f0c4a1e7d3b8f6a5c2e9d1b4f7a0c3e6d9b2f5a8c1e4d7b0a3f6c9e2d5b8a",
    "Request id 123e4567-e89b-12d3-a456-426614174000 failed; trace key 0d5c1f2e-aaaa-4bbb.",
    "Alert when http_server_requests_seconds_count rises above 500/s.",
    "kubectl -n payments get pod payments-api-7d9f8b6c5-x2k4q",
    "The secret payments-db-credentials-7f8d9 is mounted at /etc/secrets/db.",
    "Logs are in /var/log/payments/app.log and rotated nightly.",
    "Dashboards: https://grafana.internal/d/AbC123xyzQ/payments-overview?orgId=1",
    "key dashboard: https://grafana.internal/d/AbC123xyzQ/payments-overview?orgId=1",
    "Timeouts are 30s, retries back off for 5m, and the SLO window is 28d.",
    "The token bucket refills at 100 tokens per second.",
    "the password rotation runs monthly",
    "API key rotation via Vault happens every quarter.",
    "Secret management in AWS Secrets Manager: "
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
    "Set ANTHROPIC_API_KEY in the environment before starting the bot.",
    "The app reads $DB_PASSWORD at boot.",
    "DB_PASSWORD=$DB_PASSWORD docker compose up",
    "password: ${POSTGRES_PASSWORD}",
    'api_key: "{{ vault_api_key }}"',
    "token: n/a",
    "password=********",
    "Token: stored in Vault",
    "Password: rotated every quarter by the platform team",
    "max_tokens=4096 keeps the summaries short.",
    "PWD=/home/deploy/app",
    "private_key: /etc/ssl/private/server.pem",
    "Post incidents in #inc-payments and ping @oncall-payments.",
    "Key metrics: p99 latency, error rate, saturation.",
    "Primary key is (tenant_id, order_id); the keyspace is orders_v2.",
    "The key class is HttpServerRequestHandlerV2 in the api module.",
    "Tokens expire after 3600 seconds; refresh tokens after 30 days.",
    "Use the sk-learn pipeline and the ghp wiki page.",
    "The bearer auth middleware rejects expired credentials with 401.",
    "Deploy with helm upgrade payments ./chart --set replicas=3",
    "SELECT count(*) FROM orders WHERE status = 'failed';",
    "Our webhook docs are at https://hooks.slack.com/services/ (see the wiki).",
    "ssh deploy@bastion.prod.internal -p 2222",
    "Connect with postgres://app@db.internal:5432/pay (password from Vault).",
    "🔥 The payments API is down 😱 — restart with systemctl restart payments ✅",
    "שרת מסד הנתונים db-primary.prod.internal נמצא בפורט 5432",
    "قاعدة البيانات الرئيسية تعمل على المنفذ 5432",
    "Ротация паролей раз в месяц, ключи в Vault.",
    "Already clean: password=[redacted password] and [redacted high-entropy]",
    "",
    # "<password word> is …" followed by prose, a quantity or a reference.
    "the password is rotated monthly",
    "the password is stored in Vault",
    "token bucket is 100 req/s",
    "the key is to page early",
    "pw reset flow goes through the IdP",
    "The API key is rotated via Vault.",
    "Where the bucket lives is a secret to nobody.",
    "the token is short-lived and JWT-based",
    "the token is base64-encoded, the password is AES-256 encrypted and 2FA-protected",
    "The token is valid for 3600s; the password is 16+ characters.",
    "the api key is $STRIPE_API_KEY and the password is `${DB_PASSWORD}`",
    "the password is &lt;your-password&gt;",  # Slack-escaped <your-password>
    "the password is PostgreSQL's default; the token is PagerDuty's integration key",
    "the token is OAuth2, SHA256-signed and v2-compatible; the secret is k8s-managed",
    "use --token when calling the API",
    "The secret is payments-db-credentials-7f8d9, mounted at /etc/secrets/db.",
    "the secret is arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
    "The token: see the runbook. Password: in 1Password under 'prod db'",
    "The token refresh landed in commit 3f9a2c1e4b5d6f708192a3b4c5d6e7f809112233.",
    "Request 123e4567-e89b-12d3-a456-426614174000 failed: the token was revoked at 10:42",
    # Flags that take no secret, or whose value is ambiguous.
    "psql -h db -p 5432 -U app orders",
    "ssh -p 2222 deploy@bastion.prod.internal",
    "kubectl port-forward -p payments-api-7d9f8b6c5-x2k4q 8080:80",
    "docker run -p 8080:80 -u 1000:1000 nginx && mkdir -p /var/lib/mysql",
    # mysql reads "-p orders" as "prompt for the password, open database orders": not a secret.
    "mysql -h db -u app -p orders",
    'mysql -p"$MYSQL_PASSWORD" orders',
    "docker login -u ci --password-stdin registry.example.com",
    "use docker login -p when the registry has no SSO",
    "ansible-playbook --ask-pass --ask-vault-pass site.yml",
    "psql --no-password -h db orders; kubeadm token create --ttl 24h --token-ttl=0",
    "curl -u $USER:$TOKEN https://api.example.com and curl -u admin https://x.example.com",
    "redis-cli -h cache -a $REDIS_PASSWORD ping",
    # Vendor prefixes without a key, and keys that are not secret.
    "Stripe secret keys start with sk_live_ and restricted ones with rk_live_.",
    # Publishable keys are embedded in every checkout page by design; hiding them would only
    # make payment debugging harder.
    f"Stripe.js is initialised with the publishable key {STRIPE_PUBLISHABLE}",
    f"STRIPE_PUBLISHABLE_KEY={STRIPE_PUBLISHABLE}",
    "Twilio account SID AC0123456789abcdef0123456789abcdef sends the SMS.",
    "Google Maps keys start with AIza; GitLab tokens with glpat- and npm ones with npm_.",
    "AccountName=payments;AccountKey=$AZURE_STORAGE_KEY",
    "Basic authentication is disabled on the admin API.",
]


@pytest.mark.parametrize(("text", "secret", "kind"), POSITIVE)
def test_positive_secret_is_replaced_by_marker(text: str, secret: str, kind: str) -> None:
    result = redact_secrets(text)
    assert secret not in result.text
    assert result.text == text.replace(secret, f"[redacted {kind}]")
    assert result.kinds == (kind,)
    assert result.changed


@pytest.mark.parametrize(("text", "secret", "kind"), POSITIVE)
def test_spans_point_into_the_original_text(text: str, secret: str, kind: str) -> None:
    (redaction,) = redact_secrets(text).redactions
    assert redaction == Redaction(kind, text.index(secret), text.index(secret) + len(secret))


@pytest.mark.parametrize(("text", "secret", "kind"), POSITIVE)
def test_redaction_is_idempotent(text: str, secret: str, kind: str) -> None:
    once = redact_secrets(text).text
    twice = redact_secrets(once)
    assert twice.text == once
    assert not twice.changed


@pytest.mark.parametrize("text", NEGATIVE)
def test_ops_prose_is_left_byte_identical(text: str) -> None:
    result = redact_secrets(text)
    assert result.text == text
    assert result.redactions == ()
    assert not result.changed


def test_url_keeps_scheme_user_and_host() -> None:
    text = "postgres://app:" + "hunter2@db.internal:5432/pay"
    expected = "postgres://app:[redacted password]@db.internal:5432/pay"
    assert redact_secrets(text).text == expected


def test_key_is_kept_for_key_value_pairs() -> None:
    assert redact_secrets("password=" + "hunter2").text == "password=[redacted password]"


def test_multiple_secrets_in_one_paste() -> None:
    text = (
        f"env:\n  AWS_ACCESS_KEY_ID={AKIA}\n  SLACK_BOT_TOKEN={XOXB}\n"
        "  DATABASE_URL=postgres://app:" + "hunter2@db:5432/pay\n"
        "  password=" + f"hunter3\nthen {AKIA} again"
    )
    result = redact_secrets(text)
    for secret in (AKIA, XOXB, "hunter2", "hunter3"):
        assert secret not in result.text
    assert result.kinds == ("aws-access-key", "slack-token", "password")
    assert len(result.redactions) == 5
    assert [text[r.start : r.end] for r in result.redactions] == [
        AKIA,
        XOXB,
        "hunter2",
        "hunter3",
        AKIA,
    ]
    assert result.text.endswith("then [redacted aws-access-key] again")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Vendor rule and key=value rule cover the same span: the specific kind names it.
        ("token=" + XOXB, "token=[redacted slack-token]"),
        ("password=" + AKIA, "password=[redacted aws-access-key]"),
        ("Authorization: Bearer " + JWT, "Authorization: Bearer [redacted jwt]"),
        (f"api token {OPENAI_LEGACY}", "api token [redacted openai-key]"),
        # Key/value value is longer than the vendor token it contains: one merged marker.
        (f"token={XOXB}/extra", "token=[redacted token]"),
        # URL password and a key=value rule overlap partially: merged, nothing left between.
        ("https://u:token=" + "abc123@host/x", "https://u:[redacted token]"),
        # A chat phrasing names the span only when no vendor or high-entropy rule does.
        (f"the api key is {STRIPE_LIVE}", "the api key is [redacted stripe-key]"),
        (f"the api token is {RANDOM_TOKEN}", "the api token is [redacted high-entropy]"),
        (f"--token={GITLAB_PAT}", "--token=[redacted gitlab-token]"),
        (
            "Authorization: Basic " + BASIC_CREDENTIALS,
            "Authorization: Basic [redacted authorization]",
        ),
    ],
)
def test_overlapping_rules_give_one_clean_marker(text: str, expected: str) -> None:
    result = redact_secrets(text)
    assert result.text == expected
    assert len(result.redactions) == 1


def test_rule_needles_are_lower_case() -> None:
    # Rules are skipped when none of their needles occurs in the lower-cased text.
    for rule in RANKED_RULES:
        assert all(needle == needle.lower() for needle in rule.needles), rule.pattern.pattern


def test_result_properties() -> None:
    result = RedactionResult(
        "x",
        (Redaction("password", 0, 1), Redaction("jwt", 2, 3), Redaction("password", 4, 5)),
    )
    assert result.kinds == ("password", "jwt")
    assert result.changed
    assert not RedactionResult("x", ()).changed
    assert RedactionResult("x", ()).kinds == ()


def test_emoji_and_rtl_around_a_secret_survive() -> None:
    text = f"🔑 המפתח הוא password={'hunter2'} ✅ مفتاح"
    assert redact_secrets(text).text == "🔑 המפתח הוא password=[redacted password] ✅ مفتاح"


def test_redaction_of_mixed_50kb_paste_is_complete_and_quick() -> None:
    chunk = (
        "2024-05-01T10:00:00Z INFO payments-api-7d9f8b6c5-x2k4q GET /v1/orders 200 12ms "
        f"commit 3f9a2c1 host db-primary.prod.internal:5432\n"
        f"export AWS_ACCESS_KEY_ID={AKIA} SLACK_BOT_TOKEN={XOXB} password=" + "hunter2\n"
    )
    text = (chunk * (50_000 // len(chunk) + 1))[:50_000]
    started = time.perf_counter()
    result = redact_secrets(text)
    elapsed = time.perf_counter() - started
    assert AKIA not in result.text
    assert XOXB not in result.text
    assert "hunter2" not in result.text
    assert "db-primary.prod.internal:5432" in result.text
    assert elapsed < 2.0


def test_redaction_of_50kb_chat_paste_is_complete_and_quick() -> None:
    chunk = (
        "the db password is " + "Tr0ub4dor&amp;3 but the password is rotated monthly\n"
        "mysql -uroot -p" + "S3cretPass! orders; psql -h db -p 5432 -U app\n"
        f"STRIPE_SECRET_KEY={STRIPE_LIVE} and the publishable key {STRIPE_PUBLISHABLE}\n"
        "token bucket is 100 req/s; commit 3f9a2c1e4b5d6f708192a3b4c5d6e7f809112233\n"
    )
    text = (chunk * (50_000 // len(chunk) + 1))[:50_000]
    redact_secrets(text)  # warm the regex cache
    started = time.perf_counter()
    result = redact_secrets(text)
    elapsed = time.perf_counter() - started
    for secret in ("Tr0ub4dor", "S3cretPass!", STRIPE_LIVE):
        assert secret not in result.text
    assert STRIPE_PUBLISHABLE in result.text
    assert "psql -h db -p 5432 -U app" in result.text
    assert elapsed < 2.0


@pytest.mark.parametrize(
    "text",
    [
        "a" * 50_000,
        "key=" * 10_000,
        "password=" * 5_000,
        "token " * 8_000,
        "a_" * 25_000,
        "http://" * 7_000,
        "-----BEGIN PRIVATE KEY-----" * 1_800,
        ("Ab3" * 20 + " ") * 800,
        "x:" * 25_000 + "@",
        "<!channel" * 5_000,
        "<@U1|" * 10_000,
        "<!here|" * 7_000,
        'password="' * 5_000,
        "sk-" + "a" * 50_000 + "-",
        "the password is " * 3_000,
        "password for the " * 3_000 + "is",
        "token: " * 7_000,
        "the pw is " + "a" * 50_000,
        "the pw is " + "&amp;" * 10_000,
        "password=" + "&amp;" * 10_000,
        "mysql " * 8_000,
        "mysql" + " x" * 25_000 + " -p",
        "docker login " * 4_000,
        "redis-cli" + " -" * 25_000,
        "curl -u " + "a" * 50_000,
        "--" * 25_000,
        "--a-" * 12_000,
        "--password " * 5_000,
        "SG." * 16_000,
        "AIza" * 12_000,
        "glpat-" + "a" * 50_000 + ".b" * 1_000,
        "Basic " + "QUFB" * 12_000,
        "AccountKey=" * 4_500,
        "sk_live_" * 6_000,
    ],
)
def test_pathological_input_finishes_quickly(text: str) -> None:
    started = time.perf_counter()
    redact_secrets(text)
    neutralise_mentions(text)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!channel> deploy done", f"@{WJ}channel deploy done"),
        ("<!here> please look", f"@{WJ}here please look"),
        ("<!everyone>", f"@{WJ}everyone"),
        ("<!here|here> and <!channel|@channel>", f"@{WJ}here and @{WJ}channel"),
        ("ping <!subteam^S123ABC|@payments-oncall> now", f"ping @{WJ}payments-oncall now"),
        ("ping <!subteam^S123ABC>", f"ping @{WJ}S123ABC"),
        ("thanks <@U123ABC>!", "thanks @U123ABC!"),
        ("cc <@W0123XYZ>", "cc @W0123XYZ"),
        ("cc <@U123ABC|alice>", f"cc @{WJ}alice"),
        ("@channel the db is down", f"@{WJ}channel the db is down"),
        ("hey @here and @everyone!", f"hey @{WJ}here and @{WJ}everyone!"),
    ],
)
def test_mentions_are_neutralised(text: str, expected: str) -> None:
    assert neutralise_mentions(text) == expected
    assert neutralise_mentions(expected) == expected


@pytest.mark.parametrize(
    "text",
    [
        "mail oncall@here.com or ops@channel.io",
        "see <#C123ABC|inc-payments> and <https://example.com|docs>",
        "<!date^1392734382^{date_short}|Feb 18, 2014>",
        "@oncall-payments and @alice are owners",
        "🔥 שלום עולם مرحبا",
        "",
    ],
)
def test_non_mentions_are_untouched(text: str) -> None:
    assert neutralise_mentions(text) == text
