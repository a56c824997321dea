"""/openapi.json of a running `txmail serve` (issue 7 item 6): the served document is the one in
docs/, valid against the OpenAPI 3.0 schema's essentials (checked with Debian's
python3-jsonschema: every $ref resolves, operations have responses, /v1 needs bearer auth, POSTs
take Idempotency-Key), every route the running server registered is described (serve warns at
start-up otherwise), and every described operation is routed by the server (no 404 "no route",
no 405)."""

import json
import os
import re
import tempfile
import unittest

import jsonschema

from support.serve import ServeProcess

TOKEN = "openapi-token-0123456789"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# The parts of the OpenAPI 3.0 structure this service relies on (the full schema is not packaged
# in Debian); enough to catch a malformed document, a missing response or a bad parameter.
OPENAPI_SUBSET = {
    "type": "object",
    "required": ["openapi", "info", "paths", "components"],
    "properties": {
        "openapi": {"type": "string", "pattern": r"^3\.0\.\d+$"},
        "info": {"type": "object", "required": ["title", "version"]},
        "paths": {
            "type": "object",
            "propertyNames": {"pattern": "^/"},
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"enum": list(METHODS) + ["parameters", "summary"]},
                "additionalProperties": {"$ref": "#/$defs/operation_or_parameters"},
            },
        },
    },
    "$defs": {
        "operation_or_parameters": {
            "anyOf": [
                {"type": "array", "items": {"$ref": "#/$defs/parameter"}},
                {"type": "string"},
                {"type": "object", "required": ["responses", "summary"],
                 "properties": {
                     "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter"}},
                     "responses": {"type": "object", "minProperties": 1,
                                   "propertyNames": {"pattern": r"^[1-5]\d\d$"}}}},
            ]
        },
        "parameter": {
            "anyOf": [
                {"type": "object", "required": ["$ref"]},
                {"type": "object", "required": ["name", "in", "schema"],
                 "properties": {"in": {"enum": ["path", "query", "header", "cookie"]}}},
            ]
        },
    },
}


def resolve(document, ref):
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


class ServeOpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="txmail-openapi-")
        settings = {"EMAIL_BACKEND": "dummy",
                    "TXMAIL_DATABASE_URL": "sqlite:///" + os.path.join(cls._tmp.name, "t.db")}
        cls.serve = ServeProcess(settings, cwd=cls._tmp.name, token=TOKEN).start()
        status, headers, text = cls.serve.get("/openapi.json")
        assert status == 200, text
        cls.content_type = headers["Content-Type"]
        cls.document = json.loads(text)

    @classmethod
    def tearDownClass(cls):
        cls.serve.cleanup()
        cls._tmp.cleanup()

    def operations(self):
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                if method in METHODS:
                    yield path, method, operation, item

    def test_served_document_is_the_one_in_docs_and_well_formed(self):
        self.assertEqual(self.content_type, "application/json")
        with open(os.path.join(os.environ["TXMAIL_SOURCE_DIR"], "docs", "openapi.json")) as f:
            self.assertEqual(self.document, json.load(f))
        jsonschema.validate(self.document, OPENAPI_SUBSET)
        for ref in refs(self.document):
            self.assertTrue(ref.startswith("#/components/"), ref)
            resolve(self.document, ref)  # KeyError when it points nowhere

    def test_v1_needs_bearer_auth_and_posts_take_an_idempotency_key(self):
        self.assertEqual(self.document["security"], [{"bearerAuth": []}])
        for path, method, operation, item in self.operations():
            security = operation.get("security", self.document["security"])
            if path.startswith("/v1/"):
                self.assertEqual(security, [{"bearerAuth": []}], f"{method} {path}")
                self.assertIn("401", operation["responses"], f"{method} {path}")
            else:
                self.assertNotIn({"bearerAuth": []}, security, f"{method} {path}")
            parameters = [resolve(self.document, p["$ref"]) if "$ref" in p else p
                          for p in operation.get("parameters", []) + item.get("parameters", [])]
            for name in re.findall(r"{(\w+)}", path):
                self.assertIn(("path", name), [(p["in"], p["name"]) for p in parameters])
            if method == "post" and path.startswith("/v1/"):
                self.assertIn(("header", "Idempotency-Key"),
                              [(p["in"], p["name"]) for p in parameters], path)

    def test_every_route_served_is_described_and_every_description_is_routed(self):
        self.assertNotIn("is not described in /openapi.json", self.serve.stderr())
        for path, method, _, _ in self.operations():
            concrete = re.sub(r"{(\w+)}", "x1", path)
            if method == "get":  # some answer text (/metrics): read raw, parse errors only
                status, _, text = self.serve.get(concrete, {"Authorization": "Bearer " + TOKEN})
                body = json.loads(text) if status in (404, 405) else None
            else:
                status, body = self.serve.call(method.upper(), concrete,
                                               {} if method in ("post", "put") else None)
            self.assertNotEqual(status, 405, f"{method} {path}: {body}")
            if status == 404:
                self.assertFalse(body["error"]["message"].startswith("no route"),
                                 f"{method} {path}: {body}")


if __name__ == "__main__":
    unittest.main()
