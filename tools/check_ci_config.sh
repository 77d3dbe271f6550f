#!/usr/bin/env bash
# tools/check_ci_config.sh [REPO_ROOT]: check the wheel-building configuration
# without building anything, and print the wheels it would build.
#
#   1. pyproject.toml parses and has a [tool.cibuildwheel] table;
#   2. that table validates against the JSON schema cibuildwheel ships (this
#      catches a misspelled option inside [[tool.cibuildwheel.overrides]],
#      which cibuildwheel itself does not reject);
#   3. cibuildwheel accepts the configuration (it rejects unknown options and
#      bad values) and lists the build identifiers for Linux, macOS and
#      Windows, for every architecture the CI matrix builds; none may be empty;
#   4. every workflow in .github/workflows validates against the GitHub
#      workflow schema vendored in check-jsonschema.
#
# REPO_ROOT defaults to this script's parent directory; its own pyproject.toml
# is read, never a copy. Exits non-zero on the first failure.
#
# Environment: PYTHON (default python3, must be >= 3.11) makes the venv that
# holds the pinned tools; FASTMEL_CI_CHECK_VENV names that venv (kept, and
# reused when it already has the pinned versions); without it a throwaway venv
# is made under TMPDIR (default /tmp) and removed at exit.
set -euo pipefail

CIBUILDWHEEL_VERSION=4.3.5
CHECK_JSONSCHEMA_VERSION=0.39.0

root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
python=${PYTHON:-python3}

if [ ! -f "$root/pyproject.toml" ]; then
  echo "check_ci_config: no pyproject.toml in $root" >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "check_ci_config: $python is older than 3.11 (cibuildwheel $CIBUILDWHEEL_VERSION needs 3.11+)" >&2
  exit 2
fi

if [ -n "${FASTMEL_CI_CHECK_VENV:-}" ]; then
  venv=$FASTMEL_CI_CHECK_VENV
else
  venv=$(mktemp -d "${TMPDIR:-/tmp}/fastmel-ci-check.XXXXXX")
  trap 'rm -rf "$venv"' EXIT
fi

pinned() {
  "$venv/bin/python" - "$CIBUILDWHEEL_VERSION" "$CHECK_JSONSCHEMA_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(version("cibuildwheel") != sys.argv[1] or version("check-jsonschema") != sys.argv[2])
PY
}
if [ ! -x "$venv/bin/python" ] || ! pinned; then
  echo "== tools: cibuildwheel==$CIBUILDWHEEL_VERSION check-jsonschema==$CHECK_JSONSCHEMA_VERSION in $venv"
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    "cibuildwheel==$CIBUILDWHEEL_VERSION" "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fastmel-ci-check-work.XXXXXX")
trap 'rm -rf "$work"; [ -n "${FASTMEL_CI_CHECK_VENV:-}" ] || rm -rf "$venv"' EXIT

echo "== [tool.cibuildwheel] of $root/pyproject.toml against cibuildwheel's schema"
"$venv/bin/python" - "$root/pyproject.toml" "$work/cibuildwheel.json" <<'PY'
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    table = tomllib.load(f).get("tool", {}).get("cibuildwheel")
if not table:
    sys.exit(f"check_ci_config: {sys.argv[1]} has no [tool.cibuildwheel] table")
with open(sys.argv[2], "w") as f:
    json.dump(table, f)
PY
schema=$("$venv/bin/python" -c \
  'from importlib.resources import files; print(files("cibuildwheel") / "resources" / "cibuildwheel.schema.json")')
"$venv/bin/check-jsonschema" --schemafile "$schema" "$work/cibuildwheel.json"

# The build identifiers as the CI matrix makes them: each runner builds its
# native architecture, so every architecture is named here. CIBW_* variables
# of the calling environment would change the answer: they are dropped.
for var in $(compgen -e | grep '^CIBW_' || true); do unset "$var"; done
status=0
for spec in "linux x86_64,aarch64" "macos x86_64,arm64" "windows AMD64"; do
  read -r platform archs <<<"$spec"
  echo "== cibuildwheel --print-build-identifiers --platform $platform --archs $archs"
  if ! ids=$(cd "$work" && "$venv/bin/cibuildwheel" --print-build-identifiers \
      --platform "$platform" --archs "$archs" "$root"); then
    echo "check_ci_config: cibuildwheel rejected the configuration for $platform" >&2
    status=1
    continue
  fi
  if [ -z "$ids" ]; then
    echo "check_ci_config: no wheel would be built for $platform" >&2
    status=1
    continue
  fi
  printf '%s\n' "$ids"
done

echo "== GitHub workflows against the vendored GitHub workflow schema"
shopt -s nullglob
workflows=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "check_ci_config: no workflow in $root/.github/workflows" >&2
  status=1
else
  "$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" || status=1
fi

if [ "$status" -ne 0 ]; then
  echo "check_ci_config: FAILED" >&2
else
  echo "check_ci_config: OK"
fi
exit "$status"
