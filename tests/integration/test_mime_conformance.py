"""MIME conformance: txmail's renderer against Python's standard email parser (issue 2, item 7).

Each test writes a message spec as JSON, has ``mime_render_tool`` (tools/render_message.cpp, which
calls ``txmail::mail::render`` / ``prepare``) render it, and parses the bytes with
``email.message_from_bytes(data, policy=email.policy.default)``. Every message must parse with
zero defects on every part and every header, be ASCII with CRLF line endings only, have no line
over 998 octets and no header line over 78 columns, and decode to exactly what went in: subject,
addresses, bodies (line breaks normalised to CRLF on the wire, so compared as "\\n") and attachment
bytes. Rejected input must fail with an error that names the field.
"""

import base64
import email
import email.header
import email.policy
import email.utils
import json
import os
import subprocess
import unittest
from datetime import datetime, timezone

TOOL = os.environ.get("TXMAIL_RENDER_TOOL") or os.path.join(
    os.environ.get("TXMAIL_BUILD_DIR", "build"), "tests", "integration", "mime_render_tool")

SENDER = "Boritrade [DEVSERVER] <noreply@boritrade.net>"
DATE = 1772532000  # Tue, 03 Mar 2026 10:00:00 +0000


def run_tool(spec, *args):
    result = subprocess.run([TOOL, *args], input=json.dumps(spec).encode(), capture_output=True,
                            timeout=60)
    if result.returncode == 2:
        raise AssertionError(f"bad spec: {result.stderr.decode()}")
    return result.returncode, result.stdout


def lines_of(text):
    """Text with every line break (CRLF, CR, LF) written as LF: what a CRLF body decodes to."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def spec(**fields):
    base = {"from": SENDER, "to": ["jane@example.com"], "subject": "Hello", "text": "Hi\n",
            "date": DATE}
    base.update(fields)
    return base


class MimeConformance(unittest.TestCase):
    def render(self, message_spec):
        rc, out = run_tool(message_spec)
        self.assertEqual(rc, 0, out.decode(errors="replace"))
        self.check_wire_form(out)
        msg = email.message_from_bytes(out, policy=email.policy.default)
        self.check_no_defects(msg)
        return out, msg

    def check_wire_form(self, data):
        self.assertTrue(data.isascii(), "the rendered message must be ASCII")
        self.assertTrue(data.endswith(b"\r\n"))
        lines = data.split(b"\r\n")[:-1]
        in_headers = True
        for number, line in enumerate(lines):
            self.assertNotIn(b"\r", line, f"bare CR in line {number}")
            self.assertNotIn(b"\n", line, f"bare LF in line {number}")
            self.assertLessEqual(len(line), 998, f"line {number} is {len(line)} octets")
            if in_headers and len(line) > 78:
                # Folding happens between words; only a line holding one word too long to fit
                # anywhere (a long URL in a structured header) may pass 78 columns.
                value = line.split(b":", 1)[1] if line[:1] not in b" \t" else line
                self.assertNotIn(b" ", value.strip(), f"unfolded header line {number}: {line!r}")
            if line == b"":
                in_headers = False
            elif line.startswith(b"--=_") and not line.endswith(b"--"):
                in_headers = True  # a boundary: the part's headers follow

    def check_no_defects(self, msg):
        for part in msg.walk():
            self.assertEqual(part.defects, [], f"defects in {part.get_content_type()}")
            for name, value in part.items():
                self.assertEqual(list(value.defects), [], f"defects in header {name}: {value!r}")

    def text_parts(self, msg):
        return [p for p in msg.walk() if p.get_content_maintype() == "text"]

    def assert_body(self, part, expected):
        self.assertEqual(lines_of(part.get_content()), lines_of(expected))

    # --- structure ---------------------------------------------------------------------------

    def test_text_only_is_one_text_plain_part_in_7bit(self):
        raw, msg = self.render(spec(text="Hello Jane,\n\nWelcome to Boritrader.\n"))
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertEqual(msg.get_content_charset(), "utf-8")
        self.assertEqual(msg["Content-Transfer-Encoding"], "7bit")
        self.assertEqual(msg["MIME-Version"], "1.0")
        self.assert_body(msg, "Hello Jane,\n\nWelcome to Boritrader.\n")

    def test_text_and_html_are_alternative_with_text_first(self):
        _, msg = self.render(spec(text="Plain\n", html="<p>Rich</p>\n"))
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        parts = list(msg.iter_parts())
        self.assertEqual([p.get_content_type() for p in parts], ["text/plain", "text/html"])
        self.assert_body(parts[0], "Plain\n")
        self.assert_body(parts[1], "<p>Rich</p>\n")

    def test_attachments_wrap_the_alternative_in_mixed(self):
        data = bytes(range(256)) * 40
        _, msg = self.render(spec(text="See attached.\n", html="<p>See attached.</p>",
                                  attachments=[{"filename": "rates.bin",
                                                "content_type": "application/octet-stream",
                                                "data_base64": base64.b64encode(data).decode()}]))
        self.assertEqual(msg.get_content_type(), "multipart/mixed")
        body, attachment = list(msg.iter_parts())
        self.assertEqual(body.get_content_type(), "multipart/alternative")
        self.assertEqual(attachment.get_content_disposition(), "attachment")
        self.assertEqual(attachment.get_filename(), "rates.bin")
        self.assertEqual(attachment.get_content(), data)

    def test_text_only_with_attachment_has_no_alternative(self):
        _, msg = self.render(spec(attachments=[{"filename": "a.txt", "content_type": "text/csv",
                                                "data_base64": base64.b64encode(b"a,b\n").decode()}]))
        self.assertEqual([p.get_content_type() for p in msg.walk()],
                         ["multipart/mixed", "text/plain", "text/csv"])
        self.assertEqual(msg.get_payload(1).get_payload(decode=True), b"a,b\n")

    # --- headers -----------------------------------------------------------------------------

    def test_utf8_and_emoji_subjects_decode_exactly(self):
        for subject in [
            "Grüße aus Zürich",
            "📨 Your receipt 🧾 — €29.00",
            "日本語の件名はとても長いのでいくつかのエンコードされた単語に分割されなければなりません。" * 2,
            "Mixed ASCII words and one ünïcödé word in a subject long enough to need folding",
            "🙂" * 60,
        ]:
            with self.subTest(subject=subject):
                raw, msg = self.render(spec(subject=subject))
                self.assertEqual(msg["Subject"], subject)
                header = raw.split(b"\r\n\r\n")[0]
                self.assertIn(b"=?utf-8?", header)

    def test_ascii_subjects_with_tricky_whitespace_and_look_alike_encoded_words(self):
        for subject in [
            "A plain subject",
            "Two  spaces and\ta tab",
            "Looks like =?utf-8?q?an_encoded_word?= but is not",
            " leading and trailing space ",
            "x" * 150,
            "word " * 60,
            "",
        ]:
            with self.subTest(subject=subject):
                _, msg = self.render(spec(subject=subject))
                self.assertEqual(msg["Subject"], subject)

    def test_display_names_utf8_emoji_commas_and_quotes(self):
        recipients = [
            ('"Doe, Jane \\"JD\\"" <jane@example.com>', "Doe, Jane \"JD\"", "jane@example.com"),
            ("Jörg Müller <joerg@example.de>", "Jörg Müller", "joerg@example.de"),
            ("📈 Ticker Bot <bot@example.com>", "📈 Ticker Bot", "bot@example.com"),
            ("John Q. Public <john@example.com>", "John Q. Public", "john@example.com"),
            ('"back\\\\slash" <b@example.com>', "back\\slash", "b@example.com"),
            ("plain@example.com", "", "plain@example.com"),
            ("<angle@example.com>", "", "angle@example.com"),
            ("A very long display name that by itself is longer than one header line can hold "
             "<long@example.com>",
             "A very long display name that by itself is longer than one header line can hold",
             "long@example.com"),
        ]
        _, msg = self.render(spec(to=[r[0] for r in recipients], cc=["Ça va <cc@example.fr>"],
                                  reply_to=['"Support, Boritrade" <support@boritrade.net>']))
        got = [(a.display_name, a.addr_spec) for a in msg["To"].addresses]
        self.assertEqual(got, [(r[1], r[2]) for r in recipients])
        self.assertEqual(msg["From"].addresses[0].display_name, "Boritrade [DEVSERVER]")
        self.assertEqual(msg["From"].addresses[0].addr_spec, "noreply@boritrade.net")
        self.assertEqual(msg["Cc"].addresses[0].display_name, "Ça va")
        self.assertEqual(msg["Reply-To"].addresses[0].display_name, "Support, Boritrade")

    def test_display_name_longer_than_one_encoded_word(self):
        # A name needing several encoded-words: RFC 2047 section 6.2 says the whitespace between
        # them is not part of the text. CPython 3.11's address parser keeps it (gh-128110, fixed
        # in later versions), so the text is checked with Python's RFC 2047 decoder for this one.
        name = "Ünïcödé Ñame " * 8 + "📈"
        raw, msg = self.render(spec(to=[f'"{name}" <u@example.com>', "v@example.com"]))
        self.assertEqual(msg["To"].addresses[0].addr_spec, "u@example.com")
        legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
        value = "".join(legacy["To"].split("\r\n"))
        phrase = value[:value.index("<u@example.com>")].strip()
        self.assertGreater(phrase.count("=?utf-8?"), 1, "the test needs several encoded-words")
        self.assertEqual(str(email.header.make_header(email.header.decode_header(phrase))), name)

    def test_two_hundred_recipients_and_bcc_never_in_headers(self):
        to = [f"Recipient {i} <user{i}@example.com>" for i in range(200)]
        bcc = [f"Hidden {i} <hidden{i}@example.org>" for i in range(200)]
        rc, out = run_tool(spec(to=to, bcc=bcc + ["USER1@EXAMPLE.com"],
                                cc=["user0@Example.COM"]), "--prepare")
        self.assertEqual(rc, 0, out)
        prepared = json.loads(out)
        raw = base64.b64decode(prepared["bytes_base64"])
        self.check_wire_form(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.check_no_defects(msg)
        self.assertEqual([a.addr_spec for a in msg["To"].addresses],
                         [f"user{i}@example.com" for i in range(200)])
        self.assertIsNone(msg["Bcc"])
        self.assertNotIn(b"hidden", raw.lower())
        # No Bcc header field however spelled; not "bcc" anywhere in the bytes, which the random
        # hex of a Message-ID or a boundary contains about once in a hundred runs.
        header_block = raw.split(b"\r\n\r\n", 1)[0]
        self.assertNotIn(b"\r\nbcc:", b"\r\n" + header_block.lower())
        # Envelope: to + cc + bcc, duplicates dropped (domain compared case-insensitively; the
        # local part as written, so USER1 stays).
        expected = ([f"user{i}@example.com" for i in range(200)]
                    + [f"hidden{i}@example.org" for i in range(200)] + ["USER1@EXAMPLE.com"])
        self.assertEqual(prepared["envelope"]["recipients"], expected)
        self.assertEqual(prepared["envelope"]["sender"], "noreply@boritrade.net")

    def test_unicode_domains_become_punycode_in_envelope_and_headers(self):
        rc, out = run_tool(spec(**{"from": "Bücher <shop@bücher.de>",
                                   "to": ["Ærøskøbing <info@ærø.dk>"],
                                   "bcc": ["x@MÜNCHEN.de"]}), "--prepare")
        self.assertEqual(rc, 0, out)
        prepared = json.loads(out)
        self.assertEqual(prepared["envelope"]["sender"], "shop@xn--bcher-kva.de")
        self.assertEqual(prepared["envelope"]["recipients"],
                         ["info@xn--r-3fa9c.dk", "x@xn--mnchen-3ya.de"])
        self.assertTrue(prepared["message_id"].endswith("@xn--bcher-kva.de"))
        raw = base64.b64decode(prepared["bytes_base64"])
        self.check_wire_form(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.check_no_defects(msg)
        self.assertEqual(msg["From"].addresses[0].domain, "xn--bcher-kva.de")
        self.assertEqual(msg["To"].addresses[0].display_name, "Ærøskøbing")

    def test_date_message_id_and_mime_version(self):
        _, msg = self.render(spec())
        self.assertEqual(msg["Date"].datetime, datetime.fromtimestamp(DATE, timezone.utc))
        self.assertEqual(msg["MIME-Version"], "1.0")
        ids = set()
        for _ in range(5):
            _, msg = self.render(spec())
            message_id = msg["Message-ID"]
            self.assertRegex(message_id, r"^<[0-9a-f]{32}@boritrade\.net>$")
            ids.add(message_id)
        self.assertEqual(len(ids), 5, "Message-IDs must be unique")
        _, pinned = self.render(spec(message_id="pinned.1@boritrade.net"))
        self.assertEqual(pinned["Message-ID"], "<pinned.1@boritrade.net>")

    def test_extra_headers_are_kept_and_folded(self):
        unsubscribe = "<https://boritrade.net/unsubscribe?token=" + "a1b2c3" * 20 + ">"
        _, msg = self.render(spec(headers=[
            ["X-Campaign", "welcome"],
            ["List-Unsubscribe", unsubscribe],
            ["X-Note", "Grüße " * 20],
            ["X-Long", "word " * 50],
        ]))
        self.assertEqual(msg["X-Campaign"], "welcome")
        self.assertEqual(msg["X-Note"], "Grüße " * 20)  # encoded-words keep even the last space
        self.assertEqual(msg["X-Long"], ("word " * 50).strip())
        # A structured value is never turned into encoded-words; its one long word gets a line of
        # its own (check_wire_form allows that line past 78 columns, no other).
        self.assertEqual(msg["List-Unsubscribe"], unsubscribe)

    # --- bodies ------------------------------------------------------------------------------

    def test_hard_bodies_decode_exactly(self):
        bodies = {
            "a 5,000-character line": "x" * 5000 + "\nshort line\n",
            "lines starting with dot and From": ".\n..leading dots\nFrom me\n>From quoted\n.\n",
            "whitespace-only and trailing-space lines": "a  \n   \n\t\n \t \nend \t\n",
            "LF only": "one\ntwo\nthree\n",
            "CR only": "one\rtwo\rthree\r",
            "CRLF": "one\r\ntwo\r\n\r\nthree\r\n",
            "mixed line breaks": "a\r\nb\nc\rd",
            "no final newline": "no newline at the end",
            "equals and soft-break look-alikes": "a=b\n=3D\n=\nx=\n" + "=" * 200 + "\n",
            "mostly non-ASCII": "Съешь же ещё этих мягких французских булок, да выпей чаю.\n" * 30,
            "mostly ASCII with a few": "Price: 29 € per month — cancel any time.\n" * 30,
            "control characters": "tab\there\x01\x02\x7f\x00 end\n",
            "long non-ASCII line": "ü" * 3000 + "\n",
            "empty": "",
        }
        for name, text in bodies.items():
            with self.subTest(body=name):
                html = "<p>" + text.replace("\n", "<br>\n") + "</p>"
                raw, msg = self.render(spec(text=text, html=html))
                plain, rich = list(msg.iter_parts())
                self.assert_body(plain, text)
                self.assert_body(rich, html)

    def test_single_part_bodies_decode_exactly_up_to_the_final_line_break(self):
        # A message ends with CRLF, so a lone 7bit body without one gains it; quoted-printable
        # ends with a soft break instead and keeps the text exact.
        for text, expected in [("x" * 5000, "x" * 5000), ("Grüße", "Grüße"),
                               ("ends plainly", "ends plainly\n"), ("a\rb\r", "a\nb\n")]:
            with self.subTest(text=text[:20]):
                _, msg = self.render(spec(text=text))
                self.assert_body(msg, expected)

    def test_transfer_encoding_follows_the_content(self):
        cases = {
            "Short ASCII lines.\n": "7bit",
            "y" * 1200 + "\n": "quoted-printable",
            "Mostly ASCII with one € sign.\n" * 10: "quoted-printable",
            "这是一个主要由中文字符组成的正文。\n" * 20: "base64",
        }
        for text, encoding in cases.items():
            with self.subTest(encoding=encoding):
                _, msg = self.render(spec(text=text))
                self.assertEqual(msg["Content-Transfer-Encoding"], encoding)

    def test_html_with_non_ascii(self):
        html = ("<!doctype html><html><body><h1>Grüße, Jörg!</h1><p>Ваш платёж на 29,00 € "
                "прошёл.</p><p>「ありがとう」 🎉</p></body></html>\n")
        _, msg = self.render(spec(text="Grüße\n", html=html))
        self.assert_body(msg.get_payload(1), html)

    def test_attachment_filenames_unicode_long_and_quoted(self):
        names = [
            "Résumé €.pdf",
            "📎 " + "Ünïcödé-Dateiname-der-sehr-lang-ist-" * 4 + ".txt",
            'quote " and back\\slash.txt',
            "an-ascii-filename-that-is-far-too-long-to-fit-on-one-header-line-at-all.txt",
            "日本語のファイル名.csv",
        ]
        attachments = [{"filename": n, "content_type": "application/pdf",
                        "data_base64": base64.b64encode(n.encode() + b"\x00\xff").decode()}
                       for n in names]
        _, msg = self.render(spec(attachments=attachments))
        got = [(p.get_filename(), p.get_content()) for p in msg.iter_attachments()]
        self.assertEqual(got, [(n, n.encode() + b"\x00\xff") for n in names])

    # --- rejected input ----------------------------------------------------------------------

    def assert_rejected(self, message_spec, field, mentions=None):
        rc, out = run_tool(message_spec)
        self.assertEqual(rc, 1, f"expected a rejection naming {field}, got: {out[:300]!r}")
        error = json.loads(out)["error"]
        self.assertEqual(error["field"], field, error)
        if mentions:
            self.assertIn(mentions, error["message"])
        return error

    def test_header_injection_is_rejected_naming_the_field(self):
        self.assert_rejected(spec(subject="Hi\r\nBcc: victim@example.com"), "subject")
        self.assert_rejected(spec(subject="Hi\nX-Evil: 1"), "subject")
        self.assert_rejected(spec(subject="nul\u0000byte"), "subject")
        self.assert_rejected(spec(to=["Eve\r\nBcc: x@example.com <eve@example.com>"]), "to")
        self.assert_rejected(
            spec(to=[{"display_name": "Eve\r\nBcc: x@example.com", "local": "eve",
                      "domain": "example.com"}]), "to")
        self.assert_rejected(
            spec(cc=[{"local": "eve\nX", "domain": "example.com"}]), "cc")
        self.assert_rejected(
            spec(reply_to=[{"local": "eve", "domain": "example.com\r\nBcc: x"}]), "reply_to")
        self.assert_rejected(spec(**{"from": "a@b.com\r\nBcc: x@y.com"}), "from")
        self.assert_rejected(spec(headers=[["X-Tag", "a\r\nBcc: x@example.com"]]),
                             "headers.X-Tag")
        self.assert_rejected(spec(headers=[["X-Tag\r\nBcc", "x"]]), "headers")
        self.assert_rejected(spec(attachments=[{"filename": "a\r\nb.txt", "data_base64": ""}]),
                             "attachments[0].filename")
        self.assert_rejected(spec(message_id="a@b>\r\nBcc: x"), "message_id")

    def test_extra_headers_cannot_override_structure(self):
        for name in ["Content-Type", "content-transfer-encoding", "MIME-Version", "Bcc", "From",
                     "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To",
                     "Content-Disposition"]:
            with self.subTest(name=name):
                self.assert_rejected(spec(headers=[[name, "x"]]), f"headers.{name}", name)
        self.assert_rejected(spec(headers=[["Bad Name", "x"]]), "headers")
        self.assert_rejected(spec(headers=[["Bad:Name", "x"]]), "headers")

    def test_invalid_syntax_names_the_field_and_the_value(self):
        for text in ["not-an-address", "jane@", "@example.com", "Doe, Jane <jane@example.com>",
                     "jane@exa mple.com", "jane..doe@example.com", "Jane <jane@example.com",
                     "jane@-example.com", "jörg@example.de", "jane@[192.0.2.1]"]:
            with self.subTest(address=text):
                self.assert_rejected(spec(to=[text]), "to", json.dumps(text, ensure_ascii=False))
        self.assert_rejected(
            spec(attachments=[{"filename": "a", "content_type": "pdf", "data_base64": ""}]),
            "attachments[0].content_type", '"pdf"')

    def test_no_recipient_is_rejected_by_prepare(self):
        rc, out = run_tool(spec(to=[]), "--prepare")
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["error"]["field"], "to")


if __name__ == "__main__":
    unittest.main()
