"""`txmail config` shows the provider limits in force for the configured backend (issue 4, item
4): Exchange Online's SMTP AUTH defaults for smtp.office365.com, Microsoft Graph's for
EMAIL_BACKEND=graph, none for a local relay, EMAIL_RATE_LIMIT over the message rate, and a bad
EMAIL_RATE_LIMIT refused with the setting and the value named. Nothing is sent.
"""

import json
import unittest

from support.processes import run_txmail

SMTP_365 = {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "smtp.office365.com", "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "True"}


def limit_lines(stdout):
    lines = stdout.splitlines()
    start = lines.index("# limits in force, per sender:")
    return [line.removeprefix("#   ") for line in lines[start + 1:]]


class ConfigLimitsTest(unittest.TestCase):
    def config(self, settings, *args):
        result = run_txmail(["config", *args], settings)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_exchange_online_smtp_auth_defaults(self):
        self.assertEqual(limit_lines(self.config(SMTP_365)), [
            "provider: Exchange Online (SMTP AUTH), per mailbox",
            "message rate: 30/min (Exchange Online default)",
            "recipients: 10000/24h (rolling)",
            "concurrency: 3",
            "recipients per message: 1000",
        ])

    def test_graph_defaults_in_json(self):
        document = json.loads(self.config({"EMAIL_BACKEND": "graph"}, "--json"))
        self.assertEqual(document["limits"], [
            "provider: Microsoft Graph (sendMail), per mailbox",
            "message rate: 10000/10min (Microsoft Graph default)",
            "recipients: 10000/24h (rolling)",
            "concurrency: 4",
            "recipients per message: 1000",
            "request size: 4194304 bytes",
        ])

    def test_a_local_relay_has_none_unless_email_rate_limit_says(self):
        relay = {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1"}
        self.assertIn("message rate: unlimited", limit_lines(self.config(relay)))
        lines = limit_lines(self.config({**relay, "EMAIL_RATE_LIMIT": "2/s"}))
        self.assertIn("message rate: 2/s (EMAIL_RATE_LIMIT)", lines)
        lines = limit_lines(self.config({**SMTP_365, "EMAIL_RATE_LIMIT": "10/min"}))
        self.assertIn("message rate: 10/min (EMAIL_RATE_LIMIT)", lines)
        self.assertIn("concurrency: 3", lines)

    def test_bad_email_rate_limit_names_the_setting_and_value(self):
        result = run_txmail(["config"], {**SMTP_365, "EMAIL_RATE_LIMIT": "thirty a minute"})
        self.assertEqual(result.returncode, 2)
        self.assertIn('EMAIL_RATE_LIMIT: "thirty a minute" is not a rate', result.stderr)


if __name__ == "__main__":
    unittest.main()
