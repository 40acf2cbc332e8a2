# Two commands for a fresh machine:  `make build` (the release files in build/) and `make test`.
# Both install what they need first: a virtual environment with the package, Java for the OWL reasoner, and
# YASGUI (the query page's editor) from the npm registry.
VENV ?= .venv
BIN = $(VENV)/bin
# pinned npm packages, fetched as their registry tarballs (no dependency tree: their dist files are bundles)
YASGUI_VERSION = 4.6.2
AXE_VERSION = 4.10.3
YASGUI_DIR = crimecongress/serve/vendor/yasgui
AXE_DIR = tests/.node/axe-core

.PHONY: setup build test test-system-packages npm clean

setup: $(VENV)/.installed $(YASGUI_DIR)/$(YASGUI_VERSION)/yasgui.min.js

$(VENV)/.installed: pyproject.toml
	@command -v java >/dev/null 2>&1 || { echo "installing Java (the HermiT reasoner needs it)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; }
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# compat: the editable install is a plain path entry; the default import-hook finder costs every process
	# (each command, each test's subprocess) some 15 ms at start
	$(BIN)/pip install -q -e '.[test]' --config-settings editable_mode=compat
	touch $@

build: setup
	$(BIN)/crimecongress build

test: setup test-system-packages $(AXE_DIR)/$(AXE_VERSION)/axe.min.js
	$(BIN)/python -m pytest

npm:
	@command -v npm >/dev/null 2>&1 || { echo "installing npm (it fetches YASGUI and axe-core)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm) >/dev/null; }

# @zazuko/yasgui (MIT): its bundled build/yasgui.min.{js,css}, served by `serve` under /assets/vendor/ (gitignored)
$(YASGUI_DIR)/$(YASGUI_VERSION)/yasgui.min.js: | npm
	@tmp=$$(mktemp -d) && npm pack --silent --pack-destination "$$tmp" @zazuko/yasgui@$(YASGUI_VERSION) >/dev/null && \
	  tar -xzf "$$tmp"/zazuko-yasgui-$(YASGUI_VERSION).tgz -C "$$tmp" && \
	  mkdir -p $(YASGUI_DIR)/$(YASGUI_VERSION).tmp && \
	  cp "$$tmp"/package/build/yasgui.min.js "$$tmp"/package/build/yasgui.min.css "$$tmp"/package/package.json \
	    $(YASGUI_DIR)/$(YASGUI_VERSION).tmp/ && \
	  rm -rf "$$tmp" $(YASGUI_DIR)/$(YASGUI_VERSION) && mv $(YASGUI_DIR)/$(YASGUI_VERSION).tmp $(YASGUI_DIR)/$(YASGUI_VERSION)

# axe-core (MPL-2.0), the accessibility checker the browser tests inject into the pages (gitignored)
$(AXE_DIR)/$(AXE_VERSION)/axe.min.js: | npm
	@tmp=$$(mktemp -d) && npm pack --silent --pack-destination "$$tmp" axe-core@$(AXE_VERSION) >/dev/null && \
	  tar -xzf "$$tmp"/axe-core-$(AXE_VERSION).tgz -C "$$tmp" && mkdir -p $(AXE_DIR)/$(AXE_VERSION) && \
	  cp "$$tmp"/package/axe.min.js $(AXE_DIR)/$(AXE_VERSION)/axe.min.js.tmp && \
	  mv $(AXE_DIR)/$(AXE_VERSION)/axe.min.js.tmp $@ && rm -rf "$$tmp"

# The tests drive a real browser (Chromium), publish to a real Virtuoso server and check the ontology with the
# OWL API's OWL 2 DL profile checker (a JDK runs it); install them when missing.
test-system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	command -v javac >/dev/null 2>&1 || missing="$$missing default-jdk-headless"; \
	[ -f /usr/share/java/owlapi-distribution.jar ] || missing="$$missing libowlapi-java"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || missing="$$missing apache2"; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

clean:
	rm -rf $(VENV) $(YASGUI_DIR) tests/.node
