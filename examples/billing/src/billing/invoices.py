"""Creating invoices."""

from __future__ import annotations

from .models import Invoice


def new_invoice(customer: str, currency: str = "EUR") -> Invoice:
    return Invoice(customer=customer, currency=currency)
