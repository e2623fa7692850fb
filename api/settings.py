"""Settings from the environment (prefix ONEWINDOW_, DESIGN §6)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from domain.policy import CountyPolicy, DeedTaxBracket, FeeSchedule, SellerTaxPolicy

DEFAULT_DATABASE_URL = "sqlite://var/onewindow.sqlite3"
DEFAULT_BROADCAST_URL = "memory://"
# Only ever accepted on the embedded SQLite default; see Settings.check_production_keys.
DEVELOPMENT_JWT_SECRET = "onewindow-development-secret-never-for-production-use"
DEFAULT_SIGNING_KEY_PATH = "var/signing-key.pem"


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
    policy: CountyPolicy = field(default_factory=CountyPolicy)

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ.get
        brackets = _deed_tax_brackets()
        policy_kwargs = dict(
            province_abbreviation=env("ONEWINDOW_PROVINCE_ABBREVIATION", "豫"),
            county_name=env("ONEWINDOW_COUNTY_NAME", "息县"),
            county_code=env("ONEWINDOW_COUNTY_CODE", "411528"),
            maintenance_rate_per_m2=_decimal("ONEWINDOW_MAINTENANCE_RATE", "80.00"),
            deed_tax_general_rate=_decimal("ONEWINDOW_DEED_TAX_GENERAL_RATE", "0.03"),
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
            policy=CountyPolicy(**policy_kwargs),
        )

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite://")

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
