"""Settings from the environment (prefix ONEWINDOW_, DESIGN §6)."""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from domain.policy import CountyPolicy, DeedTaxBracket, FeeSchedule, SellerTaxPolicy
from resolvers.limits import DEFAULT_MAX_ALIASES, DEFAULT_MAX_COST, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TOKENS, QueryLimits

DEFAULT_DATABASE_URL = "sqlite://var/onewindow.sqlite3"
DEFAULT_BROADCAST_URL = "memory://"
# Only ever accepted on the embedded SQLite default; see Settings.check_production_keys.
DEVELOPMENT_JWT_SECRET = "onewindow-development-secret-never-for-production-use"
DEFAULT_SIGNING_KEY_PATH = "var/signing-key.pem"
DEFAULT_PERSISTED_DOCUMENTS = "var/persisted-documents.json"


class SettingsError(Exception):
    """The configuration cannot run: the message says which variable to set."""


def _decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        return Decimal(raw)
    except ArithmeticError as exc:
        raise SettingsError(f"{name} must be a decimal number, got {raw!r}") from exc


def _count(name: str, default: str) -> int:
    raw = os.environ.get(name) or default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise SettingsError(f"{name} must be a whole number, 0 or more, got {raw!r}")
    return value


def _choice(name: str, choices: tuple[str, ...]) -> str | None:
    raw = os.environ.get(name) or None
    if raw is not None and raw.lower() not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw.lower() if raw else None


def _flag(name: str) -> bool:
    raw = (os.environ.get(name) or "false").strip().lower()
    if raw not in {"true", "false", "1", "0", "yes", "no"}:
        raise SettingsError(f"{name} must be true or false, got {raw!r}")
    return raw in {"true", "1", "yes"}


def _origins(raw: str) -> tuple[str, ...]:
    """ONEWINDOW_CORS_ORIGINS: comma-separated origins such as https://bank.example.cn."""
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise SettingsError(f"ONEWINDOW_CORS_ORIGINS: {origin!r} is not an origin like https://host[:port]")
    return origins


def _deed_tax_brackets() -> tuple[DeedTaxBracket, ...] | None:
    """ONEWINDOW_DEED_TAX_BRACKETS: JSON list of [homesBefore, rateUpTo140, rateAbove140]."""
    raw = os.environ.get("ONEWINDOW_DEED_TAX_BRACKETS")
    if not raw:
        return None
    try:
        rows = json.loads(raw, parse_float=Decimal)
        return tuple(DeedTaxBracket(int(h), Decimal(str(a)), Decimal(str(b))) for h, a, b in rows)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise SettingsError(f"ONEWINDOW_DEED_TAX_BRACKETS is not a list of [n, rate, rate]: {exc}") from exc


def _seconds(name: str, default: str) -> float:
    raw = os.environ.get(name) or default
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise SettingsError(f"{name} must be a number of seconds, 0 or more, got {raw!r}")
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _switch(name: str) -> bool | None:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in ("true", "1", "yes", "on"):
        return True
    if raw in ("false", "0", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    broadcast_url: str = DEFAULT_BROADCAST_URL
    jwt_secret: str | None = None
    jwt_public_key_path: str | None = None
    jwt_issuer: str = "onewindow"
    signing_key_path: str | None = None
    log_poll_seconds: float = 1.0
    sweep_seconds: float = 3600.0
    subscriber_queue: int = 1000
    max_concurrent_requests: int = 4  # per worker; 0: no limit (api/admission.py)
    # Query limits (resolvers/limits.py) and request limits (api/admission.py); 0: no limit.
    max_depth: int = DEFAULT_MAX_DEPTH
    max_aliases: int = DEFAULT_MAX_ALIASES
    max_tokens: int = DEFAULT_MAX_TOKENS
    max_cost: int = DEFAULT_MAX_COST
    max_body_bytes: int = 1_048_576
    max_anonymous_body_bytes: int = 8192
    # A subject's refusals by a limit: this many at once, then this many a minute; beyond, its
    # requests wait (api/admission.py RefusalBudget). 0: no budget.
    refusal_burst: int = 10
    refusals_per_minute: int = 60
    request_deadline_seconds: float = 10.0
    statement_timeout_seconds: float | None = None  # default: 80 % of the deadline
    ws_init_timeout_seconds: float = 5.0
    ws_max_message_bytes: int = 65_536
    environment: str = "development"
    introspection: bool | None = None  # default: on in development on SQLite only
    graphiql: bool | None = None
    log_format: str | None = None  # json | text; None: text on the embedded default, else json (api/logs.py)
    access_log: bool = True  # one log line per request
    metrics_token: str | None = None  # bearer token for /metrics; None: no /metrics (api/metrics.py)
    cors_origins: tuple[str, ...] = ()
    persisted_documents: str = DEFAULT_PERSISTED_DOCUMENTS
    persisted_only: bool = False
    policy: CountyPolicy = field(default_factory=CountyPolicy)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        brackets = _deed_tax_brackets()
        policy_kwargs = dict(
            province_abbreviation=env("ONEWINDOW_PROVINCE_ABBREVIATION", "豫"),
            county_name=env("ONEWINDOW_COUNTY_NAME", "息县"),
            county_code=env("ONEWINDOW_COUNTY_CODE", "411528"),
            maintenance_rate_per_m2=_decimal("ONEWINDOW_MAINTENANCE_RATE", "80.00"),
            deed_tax_general_rate=_decimal("ONEWINDOW_DEED_TAX_GENERAL_RATE", "0.03"),
            statutory_limit_working_days=_count("ONEWINDOW_STATUTORY_LIMIT_WORKING_DAYS", "5"),
            delivery_with_certificate_days=_count("ONEWINDOW_DELIVERY_WITH_CERTIFICATE_DAYS", "30"),
            shared_record_required=_flag("ONEWINDOW_SHARED_RECORD_REQUIRED"),
            fees=FeeSchedule(
                residential=_decimal("ONEWINDOW_FEE_RESIDENTIAL", "80.00"),
                non_residential=_decimal("ONEWINDOW_FEE_NON_RESIDENTIAL", "550.00"),
                extra_certificate=_decimal("ONEWINDOW_FEE_EXTRA_CERTIFICATE", "10.00"),
            ),
            seller_taxes=SellerTaxPolicy(
                vat_rate=_decimal("ONEWINDOW_SELLER_VAT_RATE", "0.05"),
                vat_exempt_after_years=_count("ONEWINDOW_SELLER_VAT_EXEMPT_YEARS", "2"),
                income_tax_rate=_decimal("ONEWINDOW_SELLER_INCOME_TAX_RATE", "0.01"),
                income_tax_exempt_after_years=_count("ONEWINDOW_SELLER_INCOME_TAX_EXEMPT_YEARS", "5"),
            ),
        )
        if brackets:
            policy_kwargs["deed_tax_brackets"] = brackets
        return cls(
            database_url=env("ONEWINDOW_DATABASE_URL", DEFAULT_DATABASE_URL),
            broadcast_url=env("ONEWINDOW_BROADCAST_URL", DEFAULT_BROADCAST_URL),
            jwt_secret=env("ONEWINDOW_JWT_SECRET") or None,
            jwt_public_key_path=env("ONEWINDOW_JWT_PUBLIC_KEY") or None,
            jwt_issuer=env("ONEWINDOW_JWT_ISSUER", "onewindow"),
            signing_key_path=env("ONEWINDOW_SIGNING_KEY") or None,
            log_poll_seconds=float(env("ONEWINDOW_LOG_POLL_SECONDS", "1.0")),
            sweep_seconds=float(env("ONEWINDOW_SWEEP_SECONDS", "3600")),
            subscriber_queue=int(env("ONEWINDOW_SUBSCRIBER_QUEUE", "1000")),
            max_concurrent_requests=_count("ONEWINDOW_MAX_CONCURRENT_REQUESTS", "4"),
            max_depth=_count("ONEWINDOW_MAX_DEPTH", str(DEFAULT_MAX_DEPTH)),
            max_aliases=_count("ONEWINDOW_MAX_ALIASES", str(DEFAULT_MAX_ALIASES)),
            max_tokens=_count("ONEWINDOW_MAX_TOKENS", str(DEFAULT_MAX_TOKENS)),
            max_cost=_count("ONEWINDOW_MAX_COST", str(DEFAULT_MAX_COST)),
            max_body_bytes=_count("ONEWINDOW_MAX_BODY_BYTES", "1048576"),
            max_anonymous_body_bytes=_count("ONEWINDOW_MAX_ANONYMOUS_BODY_BYTES", "8192"),
            refusal_burst=_count("ONEWINDOW_REFUSAL_BURST", "10"),
            refusals_per_minute=_count("ONEWINDOW_REFUSALS_PER_MINUTE", "60"),
            request_deadline_seconds=_seconds("ONEWINDOW_REQUEST_DEADLINE_SECONDS", "10"),
            statement_timeout_seconds=_seconds("ONEWINDOW_STATEMENT_TIMEOUT_SECONDS", "") or None,
            ws_init_timeout_seconds=_seconds("ONEWINDOW_WS_INIT_TIMEOUT_SECONDS", "5"),
            ws_max_message_bytes=_count("ONEWINDOW_WS_MAX_MESSAGE_BYTES", "65536"),
            environment=env("ONEWINDOW_ENV", "development"),
            introspection=_switch("ONEWINDOW_INTROSPECTION"),
            graphiql=_switch("ONEWINDOW_GRAPHIQL"),
            log_format=_choice("ONEWINDOW_LOG_FORMAT", ("json", "text")),
            access_log=env("ONEWINDOW_ACCESS_LOG", "true").lower() not in ("false", "0", "no"),
            metrics_token=env("ONEWINDOW_METRICS_TOKEN") or None,
            cors_origins=_origins(env("ONEWINDOW_CORS_ORIGINS", "")),
            persisted_documents=env("ONEWINDOW_PERSISTED_DOCUMENTS") or DEFAULT_PERSISTED_DOCUMENTS,
            persisted_only=_flag("ONEWINDOW_PERSISTED_ONLY"),
            policy=CountyPolicy(**policy_kwargs),
        )

    @property
    def persisted_documents_path(self) -> Path:
        return Path(self.persisted_documents)

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite://")

    @property
    def is_production(self) -> bool:
        """A shared database, or said so: introspection, suggestions and GraphiQL are off."""
        return not self.is_embedded or self.environment.lower() == "production"

    @property
    def introspection_on(self) -> bool:
        return self.introspection if self.introspection is not None else not self.is_production

    @property
    def graphiql_on(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.is_production

    @property
    def statement_timeout(self) -> float:
        """Below the request deadline, so the database stops first and the answer is TIMEOUT."""
        if self.statement_timeout_seconds:
            return self.statement_timeout_seconds
        return 0.8 * self.request_deadline_seconds

    def query_limits(self) -> QueryLimits:
        return QueryLimits(
            max_depth=self.max_depth,
            max_aliases=self.max_aliases,
            max_tokens=self.max_tokens,
            max_cost=self.max_cost,
            introspection=self.introspection_on,
            suggestions=not self.is_production,
        )

    def check_exposed_binding(self, host: str) -> None:
        """Anyone who reads the source can mint tokens with the development secret: it may
        serve a loopback address only."""
        if self.effective_jwt_secret() == DEVELOPMENT_JWT_SECRET and not _is_loopback(host):
            raise SettingsError(
                f"serving {host} with the development token secret would let anyone mint tokens: set "
                "ONEWINDOW_JWT_SECRET or ONEWINDOW_JWT_PUBLIC_KEY, or bind to 127.0.0.1"
            )

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("text" if self.is_embedded else "json")

    def effective_jwt_secret(self) -> str | None:
        if self.jwt_secret:
            return self.jwt_secret
        if self.jwt_public_key_path is None and self.is_embedded:
            return DEVELOPMENT_JWT_SECRET
        return None

    def effective_signing_key_path(self) -> Path | None:
        if self.signing_key_path:
            return Path(self.signing_key_path)
        return Path(DEFAULT_SIGNING_KEY_PATH) if self.is_embedded else None

    def check_production_keys(self) -> None:
        """Refuse to run a shared database with development keys (DESIGN §1)."""
        if self.is_embedded:
            return
        if not self.jwt_secret and not self.jwt_public_key_path:
            raise SettingsError(
                "ONEWINDOW_DATABASE_URL is not SQLite, so a token key is required: set "
                "ONEWINDOW_JWT_SECRET (HS256) or ONEWINDOW_JWT_PUBLIC_KEY (PEM of an EdDSA/RS256 key)."
            )
        if not self.signing_key_path:
            raise SettingsError(
                "ONEWINDOW_DATABASE_URL is not SQLite, so ONEWINDOW_SIGNING_KEY must name the "
                "Ed25519 private key (PEM) that signs certificates."
            )
