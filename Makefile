# Two commands for a fresh machine:  `make build` (the release files in build/) and `make test`.
# Both install what they need first: a virtual environment with the package, and Java for the OWL reasoner.
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: setup build test test-system-packages clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v java >/dev/null 2>&1 || { echo "installing Java (the HermiT reasoner needs it)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; }
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

build: setup
	$(BIN)/crimecongress build

test: setup test-system-packages
	$(BIN)/python -m pytest

# The tests drive a real browser (Chromium) and publish to a real Virtuoso server; install them when missing.
test-system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

clean:
	rm -rf $(VENV)
