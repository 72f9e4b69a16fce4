# The course in two commands, on any machine with Python 3.11+ and pip:
#   make lab    install what is needed (once) and open the course in JupyterLab
#   make test   install what is needed (once) and run every test, notebooks included
# and, for CI (.ci/run runs them all) and for authors:
#   make test-portable  the notebook tests again under other CPUs' BLAS kernels and thread counts
#   make measure        each lesson's run time and its kernel's peak memory (fails above 400 MB)
#   make test-oldest    every test in an environment at the lowest versions pyproject.toml allows
#   make test-site      build the website with warnings as errors, check every page, link, anchor
#   make test-teacher   install nbgrader (the teacher extra) and check that it grades a lesson
#   make test-colab     every lesson, its Colab install cell included, with Colab's versions
#                       (Python 3.13, ipywidgets 7.7, IPython 7.34...) in .venv-colab
#   make test-binder    what Binder builds (repo2docker's base environment, binder/requirements.txt,
#                       postBuild) in .venv-binder: pip check, then every lesson
#   make test-browser   the course in JupyterLab in headless Chromium (installs Playwright and
#                       Debian's chromium first): a playground slider is dragged, every lesson
#                       opened, no news pop-up; and the website opened from its files
# and, for teachers and authors:
#   make site        build the course's website into build/site/ (open build/site/index.html)
#   make student     build the student edition (solutions replaced by stubs) into student/
#   make notebooks   regenerate the navigation and re-run every notebook from a clean kernel
#   make bench       time nnlib against a bare NumPy loop and scikit-learn
#
# No BLAS thread count is set here: the lessons must give the same tested results whatever the
# machine, the thread count or the way the kernel was started (only `make bench` pins one thread,
# so that its timings compare like with like).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OLDEST ?= .venv-oldest
TEACHER ?= .venv-teacher
# OPENBLAS_CORETYPE:threads; core types this CPU cannot run are skipped (tools/portability.py)
PORTABLE ?= Haswell:1 Sandybridge:4 Prescott:unset SkylakeX:2

SITE ?= build/site

.PHONY: lab test test-portable test-oldest measure test-browser test-teacher test-colab test-binder chromium bench student notebooks site test-site clean

# JupyterLab's settings overrides (tools/jupyterlab-overrides.json) go into the environment, so
# that the course does not open on a "get notified about official Jupyter news?" pop-up.
$(BIN)/.installed: pyproject.toml tools/jupyterlab-overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[course,test]"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

lab: $(BIN)/.installed
	$(BIN)/jupyter lab notebooks/00-index.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

test-portable: $(BIN)/.installed
	$(BIN)/python tools/portability.py $(PORTABLE)

$(OLDEST)/.installed: pyproject.toml tools/lowest_versions.py
	$(PYTHON) tools/lowest_versions.py --create $(OLDEST)
	touch $@

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -m pip list --format=freeze | grep -iE '^(numpy|tqdm|matplotlib|seaborn|pandas|scikit-learn|ipywidgets|jupyterlab|ipykernel|pytest|nbval|nbformat|ruff|jupyter-repo2docker)=='
	$(OLDEST)/bin/python -m pytest

measure: $(BIN)/.installed
	$(BIN)/python tools/run_notebooks.py --measure --max-memory 400

# The website (the "site" extra: Sphinx, myst-nb, sphinx-book-theme, MathJax's files), built
# from the committed notebooks by docs/build.py, the one build command (the Pages workflow runs
# `make site` too). tests/test_site.py is left out of plain `pytest` (pyproject.toml's addopts):
# `make test` does not install the site extra, which needs Python 3.11+.
$(BIN)/.installed-site: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[course,test,site]"
	touch $@

site: $(BIN)/.installed-site
	$(BIN)/python docs/build.py $(SITE)

test-site: $(BIN)/.installed-site
	$(BIN)/python -m pytest tests/test_site.py -o addopts= -p no:nbval -p no:cacheprovider -v

# Playwright from PyPI (the "browser" extra) drives Debian's chromium: Playwright's own browser
# download is not used. tests/browser is left out of plain `pytest` (pyproject.toml's addopts).
# tests/browser/test_site_in_browser.py builds the website, hence the site extra.
$(BIN)/.installed-browser: $(BIN)/.installed-site pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[course,test,site,browser]"
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

# nbgrader (the "teacher" extra) in an environment of its own: its JupyterLab extensions (the
# grading menus) must not appear in the course as students get it from `make lab`.
# tests/teacher is left out of plain `pytest`, like tests/browser.
$(TEACHER)/.installed: pyproject.toml
	$(PYTHON) -m venv $(TEACHER)
	$(TEACHER)/bin/python -m pip install --quiet --upgrade pip
	$(TEACHER)/bin/python -m pip install --quiet -e ".[course,test,teacher]"
	touch $@

test-teacher: $(TEACHER)/.installed
	$(TEACHER)/bin/python -m pytest tests/teacher -o addopts= -p no:nbval -p no:cacheprovider -v

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
	$(BIN)/python tools/nbgrader_source.py $(wildcard notebooks/0[1-9]-*.ipynb)
	$(BIN)/python tools/run_notebooks.py

bench: $(BIN)/.installed
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	    $(BIN)/python benchmarks/bench_three_vs_eight.py

clean:
	rm -rf $(VENV) $(OLDEST) $(TEACHER) .venv-colab .venv-binder build *.egg-info student
