# controlroom — the two commands a newcomer needs are `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup run demo test lint unit bundle bench screenshot clean

setup:  ## system packages (as root) + virtualenv with the app and test tools
	@bash scripts/setup.sh

run: setup  ## the window on the embedded SQLite database, with demo data
	$(BIN)/controlroom demo
	$(BIN)/controlroom run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

unit: setup  ## every test, on SQLite and on a throwaway PostgreSQL cluster
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint unit  ## set up, lint, type-check and run all tests

bundle: setup  ## one-folder PyInstaller bundle, then prove it renders the map offline
	bash scripts/bundle-smoke.sh

bench: setup  ## benchmarks, each printed beside its baseline
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

screenshot: setup  ## refresh docs/screenshot.png from the demo data
	$(BIN)/controlroom demo
	$(BIN)/controlroom screenshot docs/screenshot.png --size 1600x900

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
