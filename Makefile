# Two commands do everything on a fresh Debian machine:
#   make run    set up, then open the kiosk (the headless demo when there is no display)
#   make test   set up, then run the test suite
VENV   := .venv
STAMP  := $(VENV)/.installed
EXTRAS := pcsc,face,ui,postgres,station,dev

.PHONY: run test setup lint
run: setup
	$(VENV)/bin/python -m compileall -q kiosk >/dev/null
	$(VENV)/bin/kiosk run

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check kiosk tests
	$(VENV)/bin/ruff format --check kiosk tests
	$(VENV)/bin/mypy

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt .ci/debian-packages .ci/setup
	bash .ci/setup
	touch $@
