# The README's two commands, and a few conveniences.
.PHONY: build test lint bench

build:
	python3 -m pip install . && python3 -m audioroutine build --all --engine piper

test:
	python3 -m pip install -e '.[test]' && python3 -m pytest

lint:
	ruff check src tests bench && ruff format --check src tests bench

bench:
	python3 bench/bench.py
