"""The peer's four views, two per trigger.

- *_send: the original design. The registration view and the Stripe webhook view render the email
  (text + HTML, Django templates) and send it with EmailMultiAlternatives inside the request, on a
  new SMTP connection each time (connect, EHLO, MAIL, RCPT, DATA, QUIT) as Django's send() does;
  with PEER_EMAIL_USE_TLS and a login (settings.py: django-send-tls), STARTTLS, EHLO and AUTH
  come before MAIL on every connection, as they did against smtp.office365.com.
- *_row: Django doing what txmail does in the request: look the user up, write one row (a
  notification, or the Stripe event by its id), answer. Nothing is sent.

The Stripe views verify the signature with stripe.Webhook.construct_event (Debian's python3-stripe)
before anything else, as Stripe's documentation shows; a bad signature is a 400.
"""

import json
from datetime import datetime, timezone

import stripe
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError
from django.http import HttpResponseBadRequest, HttpResponseNotFound, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from django_peer.models import Contact, Notification, StripeEvent


def send_templated(event, context, to):
    """The original app's mail helper: render subject, text and HTML of `event`, send it now."""
    subject = render_to_string(f"{event}/subject.txt", context).strip()
    message = EmailMultiAlternatives(subject, render_to_string(f"{event}/body.txt", context),
                                     settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(render_to_string(f"{event}/body.html", context), "text/html")
    message.send()


def registered_user(request):
    """The user named by {"user_id": ...}, or the response to give instead."""
    try:
        user_id = str(json.loads(request.body)["user_id"])
    except (ValueError, KeyError, TypeError):
        return None, HttpResponseBadRequest("user_id is required")
    contact = Contact.objects.filter(pk=user_id).first()
    if contact is None:
        return None, HttpResponseNotFound(f"no user with id {user_id}")
    return contact, None


def verified_event(request):
    """The Stripe event, or the 400 to give when the body or its signature is not valid."""
    try:
        return stripe.Webhook.construct_event(request.body,
                                              request.META.get("HTTP_STRIPE_SIGNATURE", ""),
                                              settings.STRIPE_WEBHOOK_SECRET), None
    except (ValueError, stripe.error.SignatureVerificationError) as e:
        return None, HttpResponseBadRequest(f"invalid webhook: {e}")


CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


def payment_failed_context(invoice, contact):
    """What the payment_failed templates show, formatted as txmail formats it."""
    currency = invoice["currency"]
    amount = (f"{CURRENCY_SYMBOLS[currency]}{invoice['amount_due'] / 100:.2f}"
              if currency in CURRENCY_SYMBOLS
              else f"{invoice['amount_due'] / 100:.2f} {currency.upper()}")
    next_attempt = invoice.get("next_payment_attempt")
    return {
        "user": contact,
        "amount_due": amount,
        "hosted_invoice_url": invoice.get("hosted_invoice_url") or "",
        "next_attempt": (datetime.fromtimestamp(next_attempt, timezone.utc).strftime("%B %-d, %Y at %H:%M UTC")
                         if next_attempt else ""),
    }


@csrf_exempt
@require_POST
def user_registered_send(request):
    contact, refusal = registered_user(request)
    if refusal:
        return refusal
    send_templated("welcome", {"user": contact}, contact.email)
    return JsonResponse({"status": "sent"})


@csrf_exempt
@require_POST
def user_registered_row(request):
    contact, refusal = registered_user(request)
    if refusal:
        return refusal
    notification = Notification.objects.create(event="welcome", contact=contact)
    return JsonResponse({"id": notification.id, "status": "queued"}, status=202)


@csrf_exempt
@require_POST
def stripe_webhook_send(request):
    event, refusal = verified_event(request)
    if refusal:
        return refusal
    if event["type"] == "invoice.payment_failed":
        invoice = event["data"]["object"]
        contact = Contact.objects.filter(stripe_customer_id=invoice["customer"]).first()
        if contact is not None:
            send_templated("payment_failed", payment_failed_context(invoice, contact),
                           contact.email)
    return JsonResponse({"received": True})


@csrf_exempt
@require_POST
def stripe_webhook_row(request):
    event, refusal = verified_event(request)
    if refusal:
        return refusal
    try:
        StripeEvent.objects.create(id=event["id"], type=event["type"],
                                   payload=request.body.decode())
    except IntegrityError:
        return JsonResponse({"received": True, "duplicate": True})
    return JsonResponse({"received": True})
