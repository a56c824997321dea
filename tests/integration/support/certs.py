"""A private certificate authority for tests, made with the ``openssl`` command line.

``Certificates(directory)`` writes, into ``directory``:

- ``ca.pem`` / ``ca.key``         a self-signed CA (what ``EMAIL_SSL_CAFILE`` points at);
- ``server.pem`` / ``server.key`` a server certificate signed by the CA for ``localhost``,
                                  ``127.0.0.1`` and ``::1`` (so hostname verification passes);
- ``client.pem`` / ``client.key`` a client certificate signed by the CA (``EMAIL_SSL_CERTFILE``
                                  and ``EMAIL_SSL_KEYFILE``), extended key usage clientAuth.

Each instance is a new CA, so the certificates of one instance do not verify against another's
CA: that is how tests show that verification is on. Keys are P-256 (fast to make).
``server_context()`` returns an ``ssl.SSLContext`` for a test server, optionally requiring a
client certificate signed by this CA.
"""

import os
import ssl
import subprocess


def _openssl(*args: str, cwd: str):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {result.stderr}")


class Certificates:
    def __init__(self, directory: str, common_name: str = "localhost"):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.ca_file = os.path.join(directory, "ca.pem")
        self.ca_key = os.path.join(directory, "ca.key")
        self.server_cert = os.path.join(directory, "server.pem")
        self.server_key = os.path.join(directory, "server.key")
        self.client_cert = os.path.join(directory, "client.pem")
        self.client_key = os.path.join(directory, "client.key")
        self._make_ca()
        self._make_leaf("server", common_name,
                        f"subjectAltName=DNS:{common_name},DNS:localhost,IP:127.0.0.1,IP:::1\n"
                        "extendedKeyUsage=serverAuth\n")
        self._make_leaf("client", "txmail-test-client", "extendedKeyUsage=clientAuth\n")

    def _make_ca(self):
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-nodes", "-keyout", self.ca_key, "-out", self.ca_file, "-days", "2",
                 "-subj", "/CN=txmail test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=self.directory)

    def _make_leaf(self, name: str, common_name: str, extensions: str):
        key = os.path.join(self.directory, f"{name}.key")
        csr = os.path.join(self.directory, f"{name}.csr")
        ext = os.path.join(self.directory, f"{name}.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n")
            f.write(extensions)
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", key, "-out", csr, "-subj", f"/CN={common_name}", cwd=self.directory)
        _openssl("x509", "-req", "-in", csr, "-CA", self.ca_file, "-CAkey", self.ca_key,
                 "-CAcreateserial", "-out", os.path.join(self.directory, f"{name}.pem"),
                 "-days", "2", "-extfile", ext, cwd=self.directory)

    def server_context(self, require_client_cert: bool = False) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.server_cert, self.server_key)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(self.ca_file)
        return context
