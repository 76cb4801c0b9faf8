"""The billing service's tables."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

CURRENCY_LENGTH = 3


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(CURRENCY_LENGTH))
    total_cents: Mapped[int] = mapped_column(Integer, server_default="0")
