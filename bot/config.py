"""One Settings object, read from the environment when a command starts (never at import).

Secrets are ``SecretStr`` so they never appear in a repr, a log line or a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "claude-sonnet-5-5"
# A running job renews its lease every heartbeat, so the lease only has to outlast a few
# missed renewals (a GC pause, a database failover), not the slowest job.
DEFAULT_LEASE_SECONDS = 15.0


def default_data_dir() -> Path:
    """$OPSMANUAL_DATA_DIR, else $XDG_DATA_HOME/opsmanual, else ~/.local/share/opsmanual."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "opsmanual"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default_factory=default_data_dir,
        validation_alias="OPSMANUAL_DATA_DIR",
        description="Where the default SQLite database lives.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="Any SQLAlchemy URL; default sqlite:///<data_dir>/opsmanual.db",
    )
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(
        default=None,
        validation_alias="SLACK_API_URL",
        description="Slack Web API base URL (tests point it at a local fake).",
    )
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(default=None, validation_alias="ANTHROPIC_BASE_URL")
    model: str = Field(default=DEFAULT_MODEL, validation_alias="OPSMANUAL_MODEL")
    llm_timeout: float = Field(default=60.0, validation_alias="OPSMANUAL_LLM_TIMEOUT", gt=0)
    llm_max_retries: int = Field(default=2, validation_alias="OPSMANUAL_LLM_MAX_RETRIES", ge=0)
    llm_breaker_failures: int = Field(
        default=3,
        validation_alias="OPSMANUAL_LLM_BREAKER_FAILURES",
        ge=1,
        description="Consecutive unavailable Claude calls that open the circuit breaker.",
    )
    llm_breaker_cooldown: float = Field(
        default=60.0,
        validation_alias="OPSMANUAL_LLM_BREAKER_COOLDOWN",
        ge=0,
        description="Seconds the breaker stays open before one probe call.",
    )
    log_level: str = Field(default="INFO", validation_alias="OPSMANUAL_LOG_LEVEL")
    lease_seconds: float = Field(
        default=DEFAULT_LEASE_SECONDS,
        validation_alias="OPSMANUAL_LEASE_SECONDS",
        gt=0,
        description="How long a claimed job stays its worker's without a renewal: a killed "
        "replica's job is taken over once its lease runs out.",
    )
    drain_seconds: float = Field(
        default=0.0,
        validation_alias="OPSMANUAL_DRAIN_SECONDS",
        ge=0,
        description="After SIGTERM, how long `serve` still accepts events while /health "
        "answers 503 stopping (time for a load balancer to take the replica out).",
    )
    heartbeat_seconds: float | None = Field(
        default=None,
        validation_alias="OPSMANUAL_HEARTBEAT_SECONDS",
        gt=0,
        description="How often a running job renews its lease; default a third of the lease.",
    )

    @field_validator("database_url")
    @classmethod
    def _blank_is_default(cls, value: str | None) -> str | None:
        return value or None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'opsmanual.db'}"

    @property
    def llm_enabled(self) -> bool:
        return self.anthropic_api_key is not None and bool(
            self.anthropic_api_key.get_secret_value()
        )


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment plus explicit overrides (CLI flags win)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
