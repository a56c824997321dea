"""`txmail render` and `txmail notify` end to end (issue 5), with the real binary.

Shows: every event renders (`--format eml`) to a message Python's email parser reads with zero
defects on every part, with a text and an HTML part that equal `--format text` / `--format html`;
hostile data (<script>, quotes, &, line breaks in names, 10,000-character fields, emoji) is
escaped in HTML, kept in text and never adds a header; every default template's HTML, with full
and with minimal data, balances its tags, parses in html.parser, loads nothing remote and meets
WCAG AA contrast (support/html_checks.py); bad input exits 2 naming the field and the value; a
broken override template exits 2 naming the file and line; `txmail notify` writes through the
file backend (exit 0), refuses bad data without sending (exit 2) and reports a refused
connection (exit 1).
"""

import email
import email.policy
import json
import os
import subprocess
import tempfile
import unittest

from support.html_checks import check_html
from support.ports import free_port
from support.processes import txmail_binary, txmail_env

SOURCE = os.environ.get("TXMAIL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(SOURCE, "tests", "fixtures", "notify", "samples")
EVENTS = ["welcome", "password_changed", "payment_confirmation", "subscription_updated",
          "subscription_canceled", "payment_failed", "view_status_changed"]
BRAND = {
    "SITE_NAME": "Boritrader",
    "SITE_URL": "https://boritrader.com",
    "SUPPORT_EMAIL": "support@boritrader.com",
    "COMPANY_NAME": "Boritrade LLC",
    "DEFAULT_FROM_EMAIL": "Boritrader <noreply@boritrader.com>",
}
# Required fields only: the sections for optional data take their other branch.
MINIMAL_EXTRA = {
    "password_changed": {"changed_at": "2026-12-24"},
    "subscription_updated": {"old_plan": "Basic", "new_plan": "Pro", "end_date": "2027-01-24"},
    "view_status_changed": {"ticker": "MSFT", "old_status": "HOLD", "new_status": "BUY"},
}
HOSTILE_NAME = "<script>alert('x')</script> Tom & \"Jerry\" 😀\r\nBcc: victim@example.com"
LONG = "Ω" + "long-value-" * 909 + "🚀"  # 10,001 characters, emoji at the end


def sample(event):
    with open(os.path.join(SAMPLES, f"{event}.json"), encoding="utf-8") as f:
        return json.load(f)


def minimal(event):
    return {"user": {"id": 1, "email": "ada@example.com"}, **MINIMAL_EXTRA.get(event, {})}


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


class NotifyRenderTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="txmail-notify-")
        self.cwd = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def txmail(self, *args, settings=None, stdin=None):
        """Runs the binary; stdout as bytes (a message has CRLF line endings), stderr as text."""
        env = txmail_env({**BRAND, **(settings or {})})
        result = subprocess.run([txmail_binary(), *args], env=env, cwd=self.cwd, input=stdin,
                                capture_output=True, timeout=60)
        return result.returncode, result.stdout, result.stderr.decode("utf-8", "replace")

    def render(self, event, data, fmt="eml", settings=None):
        code, out, err = self.txmail("render", event, "--data", json.dumps(data),
                                     "--format", fmt, settings=settings)
        self.assertEqual(code, 0, f"{event}: {err}")
        return out

    def message(self, event, data):
        raw = self.render(event, data)
        self.assertTrue(raw.isascii(), f"{event}: the message must be ASCII on the wire")
        msg = parse(raw)
        defects = [(part.get_content_type(), d) for part in msg.walk() for d in part.defects]
        for name, value in msg.items():
            defects += [(name, d) for d in getattr(value, "defects", ())]
        self.assertEqual(defects, [], event)
        return raw, msg

    def parts(self, msg):
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        types = [part.get_content_type() for part in msg.iter_parts()]
        self.assertEqual(types, ["text/plain", "text/html"])
        # Bodies travel with CRLF line endings; compare them as the \n text that went in.
        return tuple(msg.get_body((kind,)).get_content().replace("\r\n", "\n")
                     for kind in ("plain", "html"))

    def assertHas(self, needle, haystack):
        """assertIn that does not print 10,000-character values when it fails."""
        if needle not in haystack:
            self.fail(f"{needle[:120]!r}... not found in {haystack[:300]!r}...")

    def assertHasNot(self, needle, haystack):
        if needle in haystack:
            at = haystack.index(needle)
            self.fail(f"{needle!r} found: ...{haystack[max(0, at - 100):at + 100]!r}...")

    def test_every_event_renders_a_clean_message_with_both_parts(self):
        for event in EVENTS:
            with self.subTest(event=event):
                _, msg = self.message(event, sample(event))
                self.assertEqual(msg["From"].addresses[0].addr_spec, "noreply@boritrader.com")
                self.assertEqual([a.addr_spec for a in msg["To"].addresses], ["ada@example.com"])
                self.assertEqual(msg["To"].addresses[0].display_name, "Ada Lovelace")
                self.assertEqual(msg["Auto-Submitted"], "auto-generated")
                self.assertTrue(msg["Subject"])
                self.assertTrue(msg["Message-ID"])
                text, html = self.parts(msg)
                # What `--format text|html` prints is exactly what the message carries.
                as_text = self.render(event, sample(event), "text").decode()
                as_html = self.render(event, sample(event), "html").decode()
                self.assertEqual(text, as_text)
                self.assertEqual(html, as_html.replace("\r\n", "\n"))
                self.assertIn("Hi Ada Lovelace,", text)
                self.assertIn("Boritrade LLC", html)

    def test_default_html_is_balanced_self_contained_and_readable(self):
        for event in EVENTS:
            for label, data in (("sample", sample(event)), ("minimal", minimal(event))):
                with self.subTest(event=event, data=label):
                    html = self.render(event, data, "html").decode()
                    self.assertEqual(check_html(html), [])

    def test_hostile_data_is_escaped_in_html_kept_in_text_and_never_a_header(self):
        data = sample("password_changed")
        data["user"]["name"] = HOSTILE_NAME + LONG
        data["user_agent"] = "<b>bold</b> & 'single' \"double\"\nsecond line " + LONG
        raw, msg = self.message("password_changed", data)
        headers = raw.split(b"\r\n\r\n", 1)[0].decode()
        self.assertHasNot("\nBcc:", headers)
        self.assertIsNone(msg["Bcc"])
        self.assertEqual([a.addr_spec for a in msg["To"].addresses], ["ada@example.com"])
        self.assertHasNot("\n", msg["To"].addresses[0].display_name)
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
        text, html = self.parts(msg)
        self.assertHas("<script>alert('x')</script> Tom & \"Jerry\" 😀 Bcc: victim@example.com",
                      text)
        self.assertHas("<b>bold</b> & 'single' \"double\"\nsecond line " + LONG, text)
        self.assertHas(LONG, text)
        self.assertHasNot("<script>", html)
        self.assertHasNot("<b>bold</b>", html)
        self.assertHas("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tom &amp; &quot;Jerry&quot;"
                      " 😀", html)
        self.assertHas("&lt;b&gt;bold&lt;/b&gt; &amp; &#39;single&#39; &quot;double&quot;", html)
        self.assertHas(LONG, html)
        self.assertEqual(check_html(html), [])

    def test_hostile_data_in_the_subject_stays_one_header(self):
        data = sample("subscription_updated")
        data["new_plan"] = "Pro\r\nBcc: victim@example.com\r\n\r\n<script>" + LONG
        raw, msg = self.message("subscription_updated", data)
        self.assertIsNone(msg["Bcc"])
        self.assertHasNot("\n", msg["Subject"])
        self.assertTrue(msg["Subject"].startswith(
            "Your Boritrader plan changed to Pro Bcc: victim@example.com <script>"))
        self.assertLessEqual(len(msg["Subject"]), 200)
        text, html = self.parts(msg)
        self.assertHas(LONG, text)
        self.assertEqual(check_html(html), [])

    def test_data_from_a_file_and_from_stdin(self):
        path = os.path.join(self.cwd, "data.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(sample("view_status_changed"), f)
        code, out, err = self.txmail("render", "view_status_changed", "--data", f"@{path}",
                                     "--format", "text")
        self.assertEqual(code, 0, err)
        self.assertIn("AAPL:  BUY  →  SELL", out.decode())
        code, out, err = self.txmail("render", "welcome", "--data", "@-", "--format", "text",
                                     stdin=json.dumps(sample("welcome")).encode())
        self.assertEqual(code, 0, err)
        self.assertTrue(out.decode().startswith("Hi Ada Lovelace,"))

    def test_bad_input_exits_2_naming_the_field_and_value(self):
        cases = [
            (["render", "welcome_back", "--data", "{}"], ["welcome_back", "view_status_changed"]),
            (["render", "welcome", "--data", "{\"user\": "], ["--data", "JSON"]),
            (["render", "welcome", "--data", json.dumps({"user": {"id": 1}})], ["user.email"]),
            (["render", "payment_failed", "--data",
              json.dumps({**minimal("payment_failed"), "amount_due": "29.00",
                          "currency": "usd"})], ["amount_due", "\"29.00\""]),
            (["render", "password_changed", "--data",
              json.dumps({**minimal("password_changed"), "changed_at": "yesterday"})],
             ["changed_at", "yesterday"]),
            (["render", "welcome", "--data", "@/nonexistent/data.json"], ["/nonexistent/data.json"]),
            (["render", "welcome", "--data", json.dumps(sample("welcome")), "--format", "pdf"],
             ["pdf"]),
        ]
        for args, words in cases:
            with self.subTest(args=args[:2]):
                code, out, err = self.txmail(*args)
                self.assertEqual(code, 2, err)
                self.assertEqual(out, b"")
                for word in words:
                    self.assertIn(word, err)

    def test_template_override_and_parse_error_with_file_and_line(self):
        folder = os.path.join(self.cwd, "templates", "welcome")
        os.makedirs(folder)
        with open(os.path.join(folder, "subject.txt"), "w", encoding="utf-8") as f:
            f.write("Hello {{user.name}}, welcome aboard\n")
        settings = {"TXMAIL_TEMPLATE_DIR": os.path.join(self.cwd, "templates")}
        _, msg = self.message_with("welcome", sample("welcome"), settings)
        self.assertEqual(msg["Subject"], "Hello Ada Lovelace, welcome aboard")

        broken = os.path.join(folder, "body.html")
        with open(broken, "w", encoding="utf-8") as f:
            f.write("{{> layout/header}}\n<h1>Hi</h1>\n{{#user.name}}\n{{> layout/footer}}\n")
        code, out, err = self.txmail("render", "welcome", "--data", json.dumps(sample("welcome")),
                                     settings=settings)
        self.assertEqual(code, 2)
        self.assertIn(f"{broken}:3: ", err)
        self.assertIn("Unclosed section", err)

    def message_with(self, event, data, settings):
        raw = self.render(event, data, settings=settings)
        return raw, parse(raw)

    def test_notify_sends_through_the_file_backend(self):
        outdir = os.path.join(self.cwd, "mail")
        settings = {"EMAIL_BACKEND": "file", "EMAIL_FILE_PATH": outdir}
        code, out, err = self.txmail("notify", "payment_failed", "--data",
                                     json.dumps(sample("payment_failed")), settings=settings)
        self.assertEqual(code, 0, err)
        written = [os.path.join(outdir, n) for n in os.listdir(outdir) if n.endswith(".eml")]
        self.assertEqual(len(written), 1)
        self.assertIn(written[0], out.decode())
        with open(written[0], "rb") as f:
            msg = parse(f.read())
        self.assertEqual(msg["Subject"], "Action needed: your Boritrader payment of $29.00 failed")
        text, html = self.parts(msg)
        self.assertIn("https://invoice.stripe.com/i/acct_1Example/test_YWNjdF8xRXhhbXBsZQ", html)

        code, _, err = self.txmail("notify", "payment_failed", "--data",
                                   json.dumps({"user": {"id": 1, "email": "nope"}}),
                                   settings=settings)
        self.assertEqual(code, 2)
        self.assertIn("user.email", err)
        self.assertEqual(len([n for n in os.listdir(outdir) if n.endswith(".eml")]), 1)

    def test_notify_exits_1_when_the_server_is_unreachable(self):
        settings = {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(free_port()), "EMAIL_TIMEOUT": "5"}
        code, out, err = self.txmail("notify", "welcome", "--data", json.dumps(sample("welcome")),
                                     settings=settings)
        self.assertEqual(code, 1, err)
        self.assertIn("not sent", err)


if __name__ == "__main__":
    unittest.main()
