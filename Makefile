.PHONY: setup check lint types test run

setup:
	scripts/setup --test

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

types:
	.venv/bin/mypy

test:
	.venv/bin/pytest

check: lint types test

run:
	scripts/run
