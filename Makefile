# Crecida — two commands do all the set-up on a fresh machine:
#   make run    start the app on the bundled synthetic Iquitos sample
#   make test   run the test suite
# The first time, both create .venv with the pinned runtime lock (requirements.txt) and Crecida
# itself as an editable package (its `crecida` command and export writers), and install the map
# libraries (Leaflet and plugins, pinned in package-lock.json) with `npm ci` into
# static/vendor/, from where Crecida serves them itself: the maps need no internet. `test` adds
# the pinned test tools (requirements-test.txt).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
ASSETS := static/vendor/.installed

.PHONY: run test validate lint sample bench clean assets

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# The map libraries: npm fetches the pinned packages (package-lock.json), then Crecida copies
# the files its maps load, with their licences, to static/vendor/ (git-ignored).
$(ASSETS): package.json package-lock.json layers/assets.py $(VENV)/.installed
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed once to install the map \
	libraries (Debian/Ubuntu: apt-get install npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PY) -m layers.assets install
	touch $@

assets: $(ASSETS)

run: $(VENV)/.installed $(ASSETS)
	$(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.installed-test $(ASSETS)
	$(PY) -m pytest

validate: $(VENV)/.installed
	$(PY) -m geo validate

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

sample: $(VENV)/.installed
	$(PY) sample_data/build_sample.py

clean:
	rm -rf $(VENV) .pytest_cache artifacts node_modules static/vendor
