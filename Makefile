# Crecida — two commands do all the set-up on a fresh machine:
#   make run    start the app on the bundled synthetic Iquitos sample
#   make test   run the test suite
# Both create .venv the first time: `run` installs the pinned runtime lock (requirements.txt)
# and Crecida itself as an editable package (its `crecida` command and export writers); `test`
# adds the pinned test tools (requirements-test.txt).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test validate lint sample bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.installed-test
	$(PY) -m pytest

validate: $(VENV)/.installed
	$(PY) -m geo validate

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

sample: $(VENV)/.installed
	$(PY) sample_data/build_sample.py

clean:
	rm -rf $(VENV) .pytest_cache artifacts
