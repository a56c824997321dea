"""The peer's tables: the app's users, and the rows the row-only views write instead of sending."""

from django.db import models


class Contact(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True, db_index=True)


class Notification(models.Model):
    """A notification to send later: what txmail's outbox row stands for."""
    event = models.CharField(max_length=64)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)


class StripeEvent(models.Model):
    """Each Stripe event once, by its id: a redelivery finds its row and does nothing."""
    id = models.CharField(primary_key=True, max_length=255)
    type = models.CharField(max_length=255)
    payload = models.TextField()
    received = models.DateTimeField(auto_now_add=True)
