"""`txmail send` end to end: the real binary, a scratch working directory (so var/ and .env are
the test's own), and Python's email parser reading what the backends wrote.

Shows: the default file backend writes one complete .eml (text and HTML parts, attachment bytes,
Bcc kept out of the headers) and prints its path; the console backend prints the message and
Django's 79-dash separator; Django's dotted backend names work; exit codes 0 / 1 / 2; a bad
address names the option and the value; the environment beats .env, .env beats the defaults;
a bad boolean names the setting and the value.
"""

import email
import email.policy
import os
import re
import tempfile
import unittest

from support.ports import free_port
from support.processes import run_txmail

SEPARATOR = "-" * 79


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def all_defects(message):
    return [(part.get_content_type(), defect) for part in message.walk()
            for defect in part.defects]


class SendTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="txmail-cli-send-")
        self.cwd = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def txmail(self, *args, settings=None):
        return run_txmail(args, settings or {}, cwd=self.cwd)

    def write(self, name, content, mode="w"):
        path = os.path.join(self.cwd, name)
        with open(path, mode) as f:
            f.write(content)
        return path

    def eml_files(self, directory="var/mail"):
        path = os.path.join(self.cwd, directory)
        return sorted(os.listdir(path)) if os.path.isdir(path) else []

    def assert_usage_error(self, result, *words):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertTrue(result.stderr.startswith("txmail: "), result.stderr)
        for word in words:
            self.assertIn(word, result.stderr)
        self.assertEqual(self.eml_files(), [], "nothing may be sent on a usage error")

    # --- the file backend (the default) -------------------------------------------------------

    def test_default_file_backend_writes_a_complete_eml_and_prints_its_path(self):
        text = "Hello Jane,\n\nyour report is attached.\n.leading dot\nFrom the team\n"
        self.write("body.txt", text)
        pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8
        self.write("report.pdf", pdf, mode="wb")
        result = self.txmail(
            "send", "--to", 'Jane Doe <jane@example.com>, "Roe, Bob" <bob@example.com>',
            "--to", "zoe@example.com", "--cc", "carol@example.com", "--bcc", "audit@example.com",
            "--reply-to", "support@example.com", "--subject", "Grüße aus Zürich 📈",
            "--text-file", "body.txt", "--html", "<p>Hé <strong>Jane</strong></p>",
            "--attach", "report.pdf", "--header", "X-Campaign: welcome")
        self.assertEqual(result.returncode, 0, result.stderr)
        match = re.fullmatch(r"accepted: (.+)\n", result.stdout)
        self.assertTrue(match, result.stdout)
        path = match.group(1)
        self.assertEqual(os.path.dirname(path), os.path.join(os.path.realpath(self.cwd), "var/mail"))
        self.assertRegex(os.path.basename(path), r"^\d{8}-\d{6}-[0-9a-f]{8}-1\.eml$")
        self.assertEqual(self.eml_files(), [os.path.basename(path)], "no temporary file is left")

        with open(path, "rb") as f:
            message = parse(f.read())
        self.assertEqual(all_defects(message), [])
        self.assertEqual(message["Subject"], "Grüße aus Zürich 📈")
        self.assertEqual(str(message["From"]), "Boritrader <noreply@localhost>")
        self.assertEqual([a.addr_spec for a in message["To"].addresses],
                         ["jane@example.com", "bob@example.com", "zoe@example.com"])
        self.assertEqual(message["To"].addresses[1].display_name, "Roe, Bob")
        self.assertEqual(str(message["Cc"]), "carol@example.com")
        self.assertEqual(str(message["Reply-To"]), "support@example.com")
        self.assertIsNone(message["Bcc"])
        self.assertNotIn(b"audit@example.com", open(path, "rb").read())
        self.assertEqual(message["X-Campaign"], "welcome")
        self.assertTrue(message["Message-ID"])
        self.assertTrue(message["Date"])

        self.assertEqual(message.get_content_type(), "multipart/mixed")
        alternative, attachment = message.get_payload()
        self.assertEqual(alternative.get_content_type(), "multipart/alternative")
        plain, html = alternative.get_payload()
        self.assertEqual(plain.get_content_type(), "text/plain")
        self.assertEqual(plain.get_content().replace("\r\n", "\n"), text)
        self.assertEqual(html.get_content_type(), "text/html")
        self.assertEqual(html.get_content().replace("\r\n", "\n").rstrip("\n"),
                         "<p>Hé <strong>Jane</strong></p>")
        self.assertEqual(attachment.get_content_type(), "application/pdf")
        self.assertEqual(attachment.get_filename(), "report.pdf")
        self.assertEqual(attachment.get_content(), pdf)

    def test_each_send_writes_its_own_file(self):
        for i in range(3):
            result = self.txmail("send", "--to", "a@example.com", "--subject", f"n{i}",
                                 "--text", "x")
            self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.eml_files()), 3)

    # --- other backends -----------------------------------------------------------------------

    def test_console_backend_prints_the_message_then_djangos_separator(self):
        for backend in ("console", "django.core.mail.backends.console.EmailBackend"):
            with self.subTest(backend=backend):
                result = self.txmail("send", "--to", "jane@example.com", "--subject", "Hi there",
                                     "--text", "plain body", "--html", "<p>html body</p>",
                                     settings={"EMAIL_BACKEND": backend})
                self.assertEqual(result.returncode, 0, result.stderr)
                printed, separator, rest = result.stdout.partition("\n" + SEPARATOR + "\n")
                self.assertEqual(separator, "\n" + SEPARATOR + "\n", result.stdout)
                self.assertEqual(rest, "accepted: written to the console\n")
                message = parse(printed.encode())
                self.assertEqual(all_defects(message), [])
                self.assertEqual(message["Subject"], "Hi there")
                plain, html = message.get_payload()
                self.assertEqual(plain.get_content().strip(), "plain body")
                self.assertEqual(html.get_content().strip(), "<p>html body</p>")
                self.assertFalse(os.path.exists(os.path.join(self.cwd, "var")))

    def test_dummy_backend_accepts_and_writes_nothing(self):
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"EMAIL_BACKEND": "dummy"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "accepted: dropped by the dummy backend\n")
        self.assertFalse(os.path.exists(os.path.join(self.cwd, "var")))

    def test_unknown_backend_is_a_usage_error_listing_the_valid_ones(self):
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"EMAIL_BACKEND": "pigeon"})
        self.assert_usage_error(result, "EMAIL_BACKEND", '"pigeon"',
                                "smtp, graph, file, console, memory or dummy")

    def test_a_message_not_accepted_exits_1_with_the_reason(self):
        # Nothing listens on this port: the smtp backend cannot deliver (transient failure).
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1",
                                       "EMAIL_PORT": str(free_port()), "EMAIL_TIMEOUT": "5"})
        if "not available in this build" in result.stderr:
            self.skipTest("the smtp backend is not built yet")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        # stderr also carries the `security` log line of the attempt
        self.assertIn("txmail: not sent: ", result.stderr)

    # --- bad input ----------------------------------------------------------------------------

    def test_bad_address_names_the_option_and_the_value(self):
        cases = [("--to", "not an address", "not an address"),
                 ("--cc", "carol@example.com, broken@", "broken@"),
                 ("--from", "Jane <jane@>", "jane@"),
                 ("--reply-to", "@example.com", "@example.com")]
        for option, value, named in cases:
            with self.subTest(option=option):
                args = ["send", "--text", "x", option, value]
                if option != "--to":
                    args += ["--to", "ok@example.com"]
                self.assert_usage_error(self.txmail(*args), option, named)

    def test_bad_default_from_names_the_setting(self):
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"DEFAULT_FROM_EMAIL": "nobody"})
        self.assert_usage_error(result, "DEFAULT_FROM_EMAIL", "nobody")

    def test_usage_errors_exit_2(self):
        self.write("dir.txt", "")
        cases = [
            (["send", "--text", "x"], ["no recipient"]),
            (["send", "--to", "a@example.com", "--header", "NoColonHere"],
             ["--header", "NoColonHere"]),
            (["send", "--to", "a@example.com", "--text", "x", "--text-file", "dir.txt"],
             ["--text"]),
            (["send", "--to", "a@example.com", "--text-file", "missing.txt"],
             ["--text-file", "missing.txt"]),
            (["send", "--to", "a@example.com", "--attach", "nope.pdf"], ["--attach", "nope.pdf"]),
            (["send", "--to", "a@example.com", "--header", "Bad Name: x"], []),
            (["send", "--to", "a@example.com", "--subject", "a\nBcc: victim@example.com"], []),
            (["send", "--frobnicate"], ["--frobnicate"]),
            ([], ["subcommand"]),
        ]
        for args, words in cases:
            with self.subTest(args=args):
                self.assert_usage_error(self.txmail(*args), *words)

    # --- settings: environment, then .env, then defaults --------------------------------------

    def test_environment_beats_dotenv_and_dotenv_beats_defaults(self):
        self.write(".env", "EMAIL_BACKEND=dummy\nEMAIL_FILE_PATH=outgoing\n")
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"EMAIL_BACKEND": "file"})
        self.assertEqual(result.returncode, 0, result.stderr)
        # file from the environment, its directory from .env (not the default var/mail)
        self.assertEqual(len(self.eml_files("outgoing")), 1)
        self.assertFalse(os.path.exists(os.path.join(self.cwd, "var")))

        result = self.txmail("send", "--to", "a@example.com", "--text", "x")
        self.assertEqual(result.stdout, "accepted: dropped by the dummy backend\n")

    def test_txmail_env_file_selects_another_dotenv(self):
        self.write("staging.env", "EMAIL_BACKEND=dummy\n")
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"TXMAIL_ENV_FILE": "staging.env"})
        self.assertEqual(result.stdout, "accepted: dropped by the dummy backend\n")

        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"TXMAIL_ENV_FILE": "absent.env"})
        self.assert_usage_error(result, "TXMAIL_ENV_FILE", "absent.env")

    def test_bad_boolean_names_the_setting_and_the_value(self):
        result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                             settings={"EMAIL_USE_TLS": "maybe"})
        self.assert_usage_error(result, "EMAIL_USE_TLS", '"maybe"', "environment")

        self.write(".env", "EMAIL_USE_SSL=sometimes\n")
        result = self.txmail("send", "--to", "a@example.com", "--text", "x")
        self.assert_usage_error(result, "EMAIL_USE_SSL", '"sometimes"', ".env")

    def test_django_boolean_spellings_are_accepted(self):
        for spelling in ("True", "false", "1", "0", "yes", "no", "on", "off"):
            with self.subTest(spelling=spelling):
                result = self.txmail("send", "--to", "a@example.com", "--text", "x",
                                     settings={"EMAIL_USE_TLS": spelling,
                                               "EMAIL_BACKEND": "dummy"})
                self.assertEqual(result.returncode, 0, result.stderr)

    def test_malformed_dotenv_names_the_file_and_line(self):
        self.write(".env", "EMAIL_BACKEND=dummy\n# fine\nEMAIL_HOST_PASSWORD hunter2\n")
        result = self.txmail("send", "--to", "a@example.com", "--text", "x")
        self.assert_usage_error(result, ".env line 3")
        self.assertNotIn("hunter2", result.stderr)


class VersionTest(unittest.TestCase):
    def project_version(self):
        with open(os.path.join(os.environ["TXMAIL_SOURCE_DIR"], "CMakeLists.txt")) as f:
            return re.search(r"project\(txmail VERSION ([0-9.]+)", f.read()).group(1)

    def test_version_subcommand_and_flag(self):
        version = self.project_version()
        result = run_txmail(["version"])
        self.assertEqual((result.returncode, result.stdout), (0, f"txmail {version}\n"))
        result = run_txmail(["--version"])
        self.assertEqual(result.returncode, 0)
        self.assertIn(version, result.stdout)

    def test_help_documents_exit_codes_and_the_env_file(self):
        result = run_txmail(["--help"])
        self.assertEqual(result.returncode, 0)
        self.assertIn("Exit codes", result.stdout)
        self.assertIn("TXMAIL_ENV_FILE", result.stdout)


if __name__ == "__main__":
    unittest.main()
