"""Shared set-up for test_microsoft365_oauth.py and test_graph_backend.py (issue 4): a temporary
directory and a token endpoint stand-in per test, the EMAIL_OAUTH2_* settings that point txmail
at it, the check that no secret or token reached txmail's output, and a long-running
`txmail dispatch` fed with `txmail enqueue`, for what one `txmail send` cannot show (one token
source serving several messages and connections over time).
"""

import json
import shutil
import tempfile
import unittest
from typing import Callable, Dict

from support.outbox import OutboxRun
from support.processes import run_txmail, wait_until
from support.token_endpoint import TokenEndpoint

MAILBOX = "noreply@boritrade.net"


class Microsoft365TestCase(unittest.TestCase):
    lifetime = 3599  # of the tokens the stand-in issues, in seconds

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="txmail-m365-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.tokens = TokenEndpoint(lifetime=self.lifetime).start()
        self.addCleanup(self.tokens.stop)

    def oauth_settings(self) -> Dict[str, str]:
        return self.tokens.txmail_settings(MAILBOX, timeout=20)

    def assert_no_secret_in(self, output: str):
        self.assertNotIn(self.tokens.client_secret, output)
        for token in self.tokens.issued():
            self.assertNotIn(token[-20:], output)

    # --- one dispatcher, many messages -----------------------------------------------------

    def start_dispatch(self, settings: Dict[str, str]):
        self.outbox = OutboxRun(self.tmp)
        self.outbox_settings = self.outbox.settings(**settings)
        self.dispatcher = self.outbox.dispatch("--workers", "1", **settings).start()
        self.addCleanup(self.dispatcher.cleanup)

    def enqueue_welcome(self, n: int, delivered: Callable[[], int], where: str):
        """Queues welcome message n and waits until ``delivered()`` counts n messages."""
        data = {"user": {"id": n, "email": f"user{n}@example.com", "name": f"User {n}"}}
        result = run_txmail(["enqueue", "welcome", "--data", json.dumps(data)],
                            self.outbox_settings, cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        wait_until(lambda: delivered() >= n, 30, f"message {n} at {where}")

    def assert_dispatcher_kept_secrets(self):
        self.assert_no_secret_in(self.dispatcher.stdout() + self.dispatcher.stderr())
