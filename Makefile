# The course in two commands, on any machine with Python 3.10+ and pip:
#   make lab    install what is needed (once) and open the course in JupyterLab
#   make test   install what is needed (once) and run every test, notebooks included
#   make test-browser   the course in JupyterLab in headless Chromium (installs Playwright and
#                       Debian's chromium first): a playground slider is dragged, every lesson opened
#   make test-colab     every lesson, its Colab install cell included, with Colab's versions
#                       (Python 3.13, ipywidgets 7.7, IPython 7.34...) in .venv-colab
#   make test-binder    what Binder builds (repo2docker's base environment, binder/requirements.txt,
#                       postBuild) in .venv-binder: pip check, then every lesson
# and, for teachers and authors:
#   make student     build the student edition (solutions replaced by stubs) into student/
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

.PHONY: lab test test-browser test-colab test-binder chromium bench student notebooks clean

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

# Each builds its environment (.venv-colab, .venv-binder) the first time and again only when its
# pins change; the harness (pytest, nbclient, nbval) runs from .venv, the lessons in a kernel of
# the environment. -s shows the versions and times measured. See tests/environments.
test-colab: $(BIN)/.installed
	$(BIN)/python -m pytest tests/environments/test_colab_env.py -o addopts= -p no:cacheprovider -v -s

test-binder: $(BIN)/.installed
	$(BIN)/python -m pytest tests/environments/test_binder_env.py -o addopts= -p no:cacheprovider -v -s

student: $(BIN)/.installed
	$(BIN)/python tools/student_edition.py

notebooks: $(BIN)/.installed
	$(BIN)/python tools/course.py
	$(BIN)/python tools/run_notebooks.py

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_three_vs_eight.py

clean:
	rm -rf $(VENV) .venv-colab .venv-binder build *.egg-info student
