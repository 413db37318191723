"""Application settings, read from the environment (and `.env`) by pydantic-settings."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    DATABASE_URL: str
    SECRET_KEY: str
    DEBUG: bool = False
    ENVIRONMENT: str = "development"
    LOG_LEVEL: str = "INFO"
    MAIL_FROM: str = "no-reply@shop.example"
    # Test-mode key pasted in during a demo and never removed.
    STRIPE_API_KEY: str = "sk_test_replace_me_0000000000"  # expect: LC604


settings = Settings()
