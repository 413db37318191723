"""Transactional e-mail jobs, run by the background worker (not by the web process)."""

import os
import smtplib
from email.message import EmailMessage

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine  # expect: LC101

from src.config import settings
from src.repositories import user_repository as user_repo  # expect: LC102
from src.schemas.user import UserOut

log = structlog.get_logger()

SMTP_HOST = os.environ["SMTP_HOST"]  # expect: LC602

# The worker builds its own engine instead of reusing the one in src/database.py.
engine = create_async_engine(settings.DATABASE_URL, pool_size=2)  # expect: LC601
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)  # expect: LC601


def _send(to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.MAIL_FROM
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(SMTP_HOST) as smtp:
        smtp.send_message(message)


async def send_welcome_email(ctx, user_id: int) -> None:
    async with SessionFactory() as session:
        user = await user_repo.get_by_id(session, user_id)
    if user is None:
        log.warning("welcome_email_skipped", user_id=user_id, reason="user_not_found")
        return
    profile = UserOut.model_validate(user)
    print(f"sending welcome email to {profile.email}")  # expect: LC704
    body = "Hi {}, thanks for signing up.".format(profile.display_name)  # ok: near-miss
    _send(profile.email, "Welcome!", body)
    log.info("welcome_email_sent", user_id=user_id)


async def send_order_receipt(ctx, email: str, order_id: int) -> None:
    log.info("Sending receipt for order " + str(order_id) + " to " + email)  # expect: LC702
    _send(email, f"Receipt for order #{order_id}", "Thank you for your order.")  # ok: near-miss
    log.info("receipt for order {} sent".format(order_id))  # expect: LC702
