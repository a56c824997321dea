"""The original design, as a Django 3.2 project served by gunicorn: the peer of txmail serve in
bench/run-http.sh (docs/benchmarks.md, "HTTP API")."""
