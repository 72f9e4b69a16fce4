# The course in two commands, on any machine with Python 3.10+ and pip:
#   make lab    install what is needed (once) and open the course in JupyterLab
#   make test   install what is needed (once) and run every test, notebooks included
#   make test-browser   the course in JupyterLab in headless Chromium (installs Playwright and
#                       Debian's chromium first): a playground slider is dragged, every lesson opened
# and, for teachers and authors:
#   make student     build the student edition (solutions replaced by stubs) into student/
#   make test-teacher   install nbgrader (the teacher extra) and check that it grades a lesson
#   make notebooks   regenerate the navigation and re-run every notebook from a clean kernel
#   make bench       time nnlib against a bare NumPy loop and scikit-learn
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# One BLAS thread: the same sums in the same order on every machine, so nbval's comparisons of
# printed numbers are stable, and no oversubscription of a small Binder or CI machine.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: lab test test-browser test-teacher chromium bench student notebooks clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[course,test]"
	touch $@

lab: $(BIN)/.installed
	$(BIN)/jupyter lab notebooks/00-index.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Playwright from PyPI (the "browser" extra) drives Debian's chromium: Playwright's own browser
# download is not used. tests/browser is left out of plain `pytest` (pyproject.toml's addopts).
$(BIN)/.installed-browser: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[course,test,browser]"
	touch $@

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	    else \
	        echo "make test-browser needs Debian's chromium at /usr/bin/chromium: as root," \
	             "run apt-get install -y chromium" >&2; \
	        exit 1; \
	    fi; \
	fi

test-browser: $(BIN)/.installed-browser chromium
	$(BIN)/python -m pytest tests/browser -o addopts= -p no:nbval -p no:cacheprovider -v

# nbgrader (the "teacher" extra) in the same environment: it adds nothing the course needs and
# changes none of its versions. tests/teacher is left out of plain `pytest`, like tests/browser.
$(BIN)/.installed-teacher: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[course,test,teacher]"
	touch $@

test-teacher: $(BIN)/.installed-teacher
	$(BIN)/python -m pytest tests/teacher -o addopts= -p no:nbval -p no:cacheprovider -v

student: $(BIN)/.installed
	$(BIN)/python tools/student_edition.py

notebooks: $(BIN)/.installed
	$(BIN)/python tools/course.py
	$(BIN)/python tools/nbgrader_source.py $(wildcard notebooks/0[1-9]-*.ipynb)
	$(BIN)/python tools/run_notebooks.py

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_three_vs_eight.py

clean:
	rm -rf $(VENV) build *.egg-info student
