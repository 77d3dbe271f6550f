#!/usr/bin/env bash
# The documentation site as CI checks it, from the repository's root:
#   bash tools/docs.sh
# 1. Chromium from the distribution's packages, if missing (Debian: chromium);
# 2. the README's docs command, verbatim: the docs extra, then Sphinx with
#    warnings as errors, every gallery example executed;
# 3. the site opened in headless Chromium, and every docs page's examples run
#    (tests/test_docs_site.py, tests/test_docs_pages.py), where a skip fails.
# Run it in the venv that should hold the docs extra.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "== installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  # apt-get update only when the lists do not know the package, or when an
  # install from the lists we have fails (files gone from the mirror).
  apt-cache show --no-all-versions chromium >/dev/null 2>&1 || $sudo apt-get update -q
  if ! $sudo apt-get install -y -q --no-install-recommends chromium; then
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends chromium
  fi
fi

# A build from scratch: the gallery's generated pages and the old site go.
rm -rf build/docs docs/gallery docs/sg_execution_times.rst
pip install '.[docs]' && python -m sphinx -W --keep-going -b html docs build/docs

FASTMEL_REQUIRE_DOCS=1 python -m pytest -q tests/test_docs_site.py tests/test_docs_pages.py
