"""`txmail config` end to end: every setting with its effective value and its source
(environment, .env, default, unset), as a table and as JSON; secrets are `****`, a password inside
TXMAIL_DATABASE_URL is masked, and no secret value appears anywhere in the output.
"""

import json
import os
import tempfile
import unittest

from support.processes import run_txmail

SECRETS = {
    "EMAIL_HOST_PASSWORD": "Pa55-from-dotenv",
    "STRIPE_WEBHOOK_SECRET": "whsec_fromdotenv1,whsec_fromdotenv2",
    "EMAIL_OAUTH2_CLIENT_SECRET": "oauth~secret~value",
}
ENV_SECRET = ("TXMAIL_API_TOKEN", "api-token-from-env")
DB_PASSWORD = "DbPa55w0rd"

DOTENV = f"""# written by the test
EMAIL_HOST=dotenv.example.com
EMAIL_PORT=2525
EMAIL_HOST_PASSWORD='{SECRETS["EMAIL_HOST_PASSWORD"]}'
export STRIPE_WEBHOOK_SECRET="{SECRETS["STRIPE_WEBHOOK_SECRET"]}"
EMAIL_OAUTH2_CLIENT_SECRET={SECRETS["EMAIL_OAUTH2_CLIENT_SECRET"]}
TXMAIL_DATABASE_URL=postgresql://mail:{DB_PASSWORD}@db.internal:5432/txmail
"""

# Every setting DESIGN.md names.
DESIGN_SETTINGS = """EMAIL_BACKEND EMAIL_HOST EMAIL_PORT EMAIL_USE_TLS EMAIL_USE_SSL EMAIL_HOST_USER
EMAIL_HOST_PASSWORD EMAIL_TIMEOUT EMAIL_SSL_CERTFILE EMAIL_SSL_KEYFILE EMAIL_FILE_PATH
DEFAULT_FROM_EMAIL EMAIL_SSL_CAFILE EMAIL_OAUTH2_TENANT_ID EMAIL_OAUTH2_CLIENT_ID
EMAIL_OAUTH2_CLIENT_SECRET EMAIL_OAUTH2_TOKEN_URL EMAIL_GRAPH_URL EMAIL_RATE_LIMIT
TXMAIL_DATABASE_URL TXMAIL_LISTEN TXMAIL_API_TOKEN TXMAIL_ADMIN_TOKEN STRIPE_WEBHOOK_SECRET
TXMAIL_TEMPLATE_DIR SITE_NAME SITE_URL SUPPORT_EMAIL COMPANY_NAME TXMAIL_LOG_FORMAT""".split()


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="txmail-cli-config-")
        self.cwd = self._tmp.name
        with open(os.path.join(self.cwd, ".env"), "w") as f:
            f.write(DOTENV)
        self.settings = {"EMAIL_PORT": "587", ENV_SECRET[0]: ENV_SECRET[1]}

    def tearDown(self):
        self._tmp.cleanup()

    def txmail(self, *args, settings=None):
        return run_txmail(args, self.settings if settings is None else settings, cwd=self.cwd)

    def assert_no_secret_in(self, result):
        everything = result.stdout + result.stderr
        for value in [*SECRETS.values(), ENV_SECRET[1], DB_PASSWORD]:
            self.assertNotIn(value, everything)
        for part in SECRETS["STRIPE_WEBHOOK_SECRET"].split(","):
            self.assertNotIn(part, everything)

    def table(self):
        result = self.txmail("config")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_no_secret_in(result)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("# environment, then "), lines[0])
        self.assertIn(os.path.join(os.path.realpath(self.cwd), ".env"), lines[0])
        rows = {}
        for line in lines[1:]:
            if line.startswith("#"):  # comments: the limits in force, ...
                continue
            name, source, *value = line.split(None, 2)
            rows[name] = (source, value[0] if value else "")
        return rows

    def test_table_shows_value_and_source_of_every_setting(self):
        rows = self.table()
        self.assertEqual(set(DESIGN_SETTINGS) - set(rows), set())
        self.assertEqual(rows["EMAIL_HOST"], (".env", "dotenv.example.com"))
        self.assertEqual(rows["EMAIL_PORT"], ("environment", "587"))  # environment beats .env
        self.assertEqual(rows["EMAIL_BACKEND"], ("default", "file"))
        self.assertEqual(rows["SITE_NAME"], ("default", "Boritrader"))
        self.assertEqual(rows["COMPANY_NAME"], ("default", "Boritrade LLC"))
        self.assertEqual(rows["EMAIL_HOST_USER"], ("unset", ""))
        self.assertEqual(rows["EMAIL_HOST_PASSWORD"], (".env", "****"))
        self.assertEqual(rows["STRIPE_WEBHOOK_SECRET"], (".env", "****"))
        self.assertEqual(rows["EMAIL_OAUTH2_CLIENT_SECRET"], (".env", "****"))
        self.assertEqual(rows["TXMAIL_API_TOKEN"], ("environment", "****"))
        self.assertEqual(rows["TXMAIL_ADMIN_TOKEN"], ("unset", ""))
        self.assertEqual(rows["TXMAIL_DATABASE_URL"],
                         (".env", "postgresql://mail:****@db.internal:5432/txmail"))

    def test_json_has_the_same_facts(self):
        result = self.txmail("config", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_no_secret_in(result)
        document = json.loads(result.stdout)
        self.assertEqual(document["dotenv"], os.path.join(os.path.realpath(self.cwd), ".env"))
        rows = {s["name"]: s for s in document["settings"]}
        self.assertEqual(set(DESIGN_SETTINGS) - set(rows), set())
        self.assertEqual(rows["EMAIL_PORT"]["source"], "environment")
        self.assertEqual(rows["EMAIL_PORT"]["value"], "587")
        self.assertEqual(rows["EMAIL_HOST"]["source"], ".env")
        self.assertEqual(rows["EMAIL_HOST_PASSWORD"]["value"], "****")
        self.assertTrue(rows["EMAIL_HOST_PASSWORD"]["secret"])
        self.assertFalse(rows["EMAIL_HOST"]["secret"])
        self.assertEqual(rows["TXMAIL_DATABASE_URL"]["value"],
                         "postgresql://mail:****@db.internal:5432/txmail")
        self.assertEqual(rows["EMAIL_TIMEOUT"]["value"], "30")
        self.assertTrue(all(s["description"] for s in document["settings"]))

    def test_without_a_dotenv_everything_is_environment_or_default(self):
        os.remove(os.path.join(self.cwd, ".env"))
        result = self.txmail("config")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("(not found)", result.stdout.splitlines()[0])
        self.assertNotIn(" .env ", result.stdout)

    def test_bad_boolean_is_an_error_naming_setting_and_value(self):
        result = self.txmail("config", settings={"EMAIL_USE_TLS": "perhaps"})
        self.assertEqual(result.returncode, 2)
        self.assertIn("EMAIL_USE_TLS", result.stderr)
        self.assertIn('"perhaps"', result.stderr)
        self.assert_no_secret_in(result)

    def test_errors_about_a_secret_do_not_show_it(self):
        with open(os.path.join(self.cwd, ".env"), "a") as f:
            f.write(f"EMAIL_HOST_PASSWORD {SECRETS['EMAIL_HOST_PASSWORD']}\n")
        result = self.txmail("config")
        self.assertEqual(result.returncode, 2)
        self.assertIn(".env line 8", result.stderr)
        self.assert_no_secret_in(result)


if __name__ == "__main__":
    unittest.main()
