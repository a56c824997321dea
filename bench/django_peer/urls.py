"""/original/...: the original design, mail sent inside the request; /row/...: a row written only."""

from django.urls import path

from django_peer import views

urlpatterns = [
    path("original/events/user-registered", views.user_registered_send),
    path("original/webhooks/stripe", views.stripe_webhook_send),
    path("row/events/user-registered", views.user_registered_row),
    path("row/webhooks/stripe", views.stripe_webhook_row),
]
