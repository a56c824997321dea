"""Sets up the Django peer before gunicorn starts: its tables, one user, and its email templates.

The templates are txmail's own (templates/), rendered by `txmail render` with the sample data of
tests/fixtures/notify/samples/ and turned into Django templates by putting Django variables back
where the sample's values came out, so both sides send the same subject, text and HTML. Every
value must be found, else this stops: a template change must not silently make the bodies differ.

Usage (PYTHONPATH=bench, DJANGO_SETTINGS_MODULE=django_peer.settings, PEER_* set):
  /usr/bin/python3 -m django_peer.prepare --txmail BIN --samples DIR
      --user ID,EMAIL,NAME,STRIPE_CUSTOMER
"""

import argparse
import email
import email.policy
import os
import subprocess
import sys

import django

# The sample's values as txmail prints them -> the variables the peer's views fill in.
PLACEHOLDERS = {
    "welcome": {"Ada Lovelace": "{{ user.name }}", "ada@example.com": "{{ user.email }}"},
    "payment_failed": {
        "Ada Lovelace": "{{ user.name }}",
        "ada@example.com": "{{ user.email }}",
        "https://invoice.stripe.com/i/acct_1Example/test_YWNjdF8xRXhhbXBsZQ":
            "{{ hosted_invoice_url }}",
        "$29.00": "{{ amount_due }}",
        "December 27, 2026 at 09:00 UTC": "{{ next_attempt }}",
    },
}


def render(txmail, event, samples, fmt):
    return subprocess.run([txmail, "render", event, "--data", f"@{samples}/{event}.json",
                           "--format", fmt], check=True, capture_output=True, text=True).stdout


def write_templates(txmail, samples, directory):
    for event, placeholders in PLACEHOLDERS.items():
        subject = email.message_from_string(render(txmail, event, samples, "eml"),
                                            policy=email.policy.default)["Subject"]
        parts = {"subject.txt": subject, "body.txt": render(txmail, event, samples, "text"),
                 "body.html": render(txmail, event, samples, "html")}
        os.makedirs(os.path.join(directory, event), exist_ok=True)
        found = set()
        for name, text in parts.items():
            for value, variable in placeholders.items():
                if value in text:
                    found.add(value)
                    text = text.replace(value, variable)
            with open(os.path.join(directory, event, name), "w", encoding="utf-8") as f:
                f.write(text)
        if missing := set(placeholders) - found:
            sys.exit(f"prepare: {event}: txmail's output no longer contains {sorted(missing)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--txmail", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--user", required=True, help="ID,EMAIL,NAME,STRIPE_CUSTOMER")
    args = parser.parse_args()

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from django_peer.models import Contact

    write_templates(args.txmail, args.samples, os.environ["PEER_TEMPLATE_DIR"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file: readers do not block
    call_command("migrate", run_syncdb=True, verbosity=0)
    user_id, address, name, customer = args.user.split(",")
    Contact.objects.update_or_create(
        id=user_id, defaults={"email": address, "name": name, "stripe_customer_id": customer})


if __name__ == "__main__":
    main()
