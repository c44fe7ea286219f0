# controlroom — the two commands a newcomer needs are `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# A throwaway password for the screenshot's demo users (never a real database).
SHOT_PASSWORD := demo screenshot only 2026
SHELL := /bin/bash

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

unit: setup  ## every test, on SQLite and on a throwaway PostgreSQL cluster (core and window side by side)
	PYTHON=$(BIN)/python PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/run-tests.sh

test: lint unit  ## set up, lint, type-check and run all tests

bundle: setup  ## one-folder PyInstaller bundle, then prove it renders the map offline
	bash scripts/bundle-smoke.sh

bench: setup  ## benchmarks, each printed beside its baseline
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

screenshot: setup  ## refresh docs/screen-1366x768.png and docs/screen-1920x1080.png (an operator's view of the demo)
	rm -rf build/screenshot-home
	CONTROLROOM_HOME=build/screenshot-home $(BIN)/controlroom demo
	echo "$(SHOT_PASSWORD)" | CONTROLROOM_HOME=build/screenshot-home $(BIN)/controlroom user add duty_admin --role administrator --password-stdin
	CONTROLROOM_HOME=build/screenshot-home CONTROLROOM_USER=duty_admin CONTROLROOM_PASSWORD="$(SHOT_PASSWORD)" \
		$(BIN)/controlroom user add night_operator --role operator --password-stdin <<< "$(SHOT_PASSWORD)"
	CONTROLROOM_HOME=build/screenshot-home CONTROLROOM_USER=duty_admin CONTROLROOM_PASSWORD="$(SHOT_PASSWORD)" \
		$(BIN)/controlroom user add night_inspector --role supervisor --password-stdin <<< "$(SHOT_PASSWORD)"
	# The demo's persons of concern and direction are personal data: loaded by the supervisor.
	CONTROLROOM_HOME=build/screenshot-home CONTROLROOM_USER=night_inspector CONTROLROOM_PASSWORD="$(SHOT_PASSWORD)" \
		$(BIN)/controlroom demo
	for size in 1366x768 1920x1080; do \
		CONTROLROOM_HOME=build/screenshot-home CONTROLROOM_USER=night_operator CONTROLROOM_PASSWORD="$(SHOT_PASSWORD)" \
			$(BIN)/controlroom screenshot docs/screen-$$size.png --size $$size || exit 1; \
	done

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
