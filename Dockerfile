# opsmanual: the Slack bot (`opsmanual serve`) as a small, non-root image.
#
#   docker build -t opsmanual .
#   docker run --rm -p 3000:3000 --stop-timeout 30 \
#     -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET -e DATABASE_URL opsmanual
#
# Layout, and why the package is installed *editable* from /app:
# bot/db/migrate.py and bot/llm/prompts.py find migrations/ and prompts/ at
# Path(bot.__file__).parent.parent, i.e. next to the bot/ package, not inside it. A plain
# `pip install .` would put bot/ in site-packages, where that parent holds no migrations/ and
# no prompts/. So the builder installs the project editable from /app: the venv gets every
# dependency (the pinned ranges from pyproject.toml), the `opsmanual` console script, and a
# finder that maps `bot` to /app/bot. The runtime stage copies the venv and /app to the same
# absolute paths, so bot is /app/bot and migrations/ and prompts/ sit beside it in /app.
#
# No apt packages are installed in either stage: psycopg comes as a binary wheel, waitress is
# pure Python, and the HEALTHCHECK uses Python's urllib (slim has no curl).

# ---------------------------------------------------------------------------- builder
FROM python:3.11-slim AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /app
# Only what the install reads, so editing prompts/ or migrations/ keeps this layer cached.
COPY pyproject.toml README.md ./
COPY bot/ bot/
RUN pip install --no-cache-dir -e . \
    && python -m compileall -q bot \
    && opsmanual --help >/dev/null

# ---------------------------------------------------------------------------- runtime
FROM python:3.11-slim AS runtime

LABEL org.opencontainers.image.title="opsmanual" \
      org.opencontainers.image.description="Slack bot that interviews engineers and writes operations manuals"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    OPSMANUAL_DATA_DIR=/data \
    PORT=3000

# A fixed, unprivileged UID (no login shell, no home) that owns only the SQLite data dir.
RUN groupadd --system --gid 10001 opsmanual \
    && useradd --system --no-log-init --uid 10001 --gid opsmanual \
       --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin opsmanual \
    && mkdir -p /data \
    && chown opsmanual:opsmanual /data

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# Owned by root and read-only to the app user: the code cannot rewrite itself. bot/ comes from
# the builder (the exact tree the venv's finder was made for, with its compiled bytecode).
COPY --from=builder /app/bot/ bot/
COPY alembic.ini ./
COPY migrations/ migrations/
COPY prompts/ prompts/

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 3000
# The default SQLite database lives here; production sets DATABASE_URL to PostgreSQL instead.
VOLUME ["/data"]

# /health answers 503 when the database is unreachable or not migrated: urlopen raises on it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '3000'), timeout=4)"]

# Migrations run inside `opsmanual serve` before it listens (bot/slack/server.py,
# migrate_once): on PostgreSQL under an advisory lock, so N replicas starting together do not
# run the same DDL twice. A separate `opsmanual migrate &&` step would skip that lock, so the
# image just runs serve. Exec form: opsmanual is PID 1 and gets SIGTERM itself (it stops taking
# jobs and finishes or releases the current one within 25 s: use --stop-timeout 30).
# Other subcommands work too: `docker run ... opsmanual migrate`, `... opsmanual list`.
ENTRYPOINT ["opsmanual"]
CMD ["serve"]
