#!/usr/bin/env bash
# The whole test suite from a clean clone: installs what the tests need, then runs
# pytest (unit tests first, then the browser tests in Debian's chromium).
# Quick when everything is already installed. Extra arguments go to pytest:
#   bash tests/run.sh                      # everything
#   bash tests/run.sh -m "not browser"     # skip the browser tests
#   bash tests/run.sh tests/browser -x     # only the browser tests
# CI runs this through .ci/run (root, CI=true, no stdin). Under CI=true the browser
# tests fail, never skip, when chromium is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY="${PYTHON:-$(command -v python3 || command -v python)}"
TIMEOUT_S="${RNNVIZ_TEST_TIMEOUT:-3600}"  # CI stops a run at 90 min; fail well before
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
# pytest, a streamlit server and chromium share 2 cores: one BLAS thread each avoids
# oversubscription (OpenBLAS threads made small matrix work 10x slower under load).
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
started=$(date +%s)
say() { printf '\n== %s  [%ss]\n' "$*" "$(( $(date +%s) - started ))"; }

# 1. Debian's chromium (Playwright's own browser download fails on these machines), a CJK
#    font so the Chinese pages (lang=zh) render in it, and nginx for deploy/cluster.sh
#    (tests/test_cluster.py).
apt_install() {  # as root or through password-less sudo; apt-get update retried once
  "$@" apt-get update || { sleep 10; "$@" apt-get update; }
  "$@" apt-get install -y chromium chromium-driver fonts-noto-cjk nginx
}
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/sbin/nginx ] \
   || ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
  say "apt-get install chromium chromium-driver fonts-noto-cjk nginx"
  if [ "$(id -u)" -eq 0 ]; then
    apt_install
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    apt_install sudo -n
  else
    echo "tests/run.sh: cannot install chromium/fonts/nginx (not root, no sudo): browser and" \
         "cluster tests will skip (and fail under CI=true)" >&2
  fi
fi

# 2. Python packages: the app's and the tests' (pins in the requirements files).
say "pip install -r requirements-test.txt  ($("$PY" --version))"
"$PY" -m pip install -q --root-user-action=ignore -r requirements-test.txt

# 3. The tests. pytest's exit code 5 (no test collected) is a failure here.
say "pytest $*"
fg=(); [ -t 0 ] && fg=(--foreground)  # keep Ctrl-C working in a terminal
set +e
timeout "${fg[@]}" --kill-after=30 "$TIMEOUT_S" "$PY" -m pytest "$@"
rc=$?
set -e
case $rc in
  5) echo "tests/run.sh: pytest collected no test; that is a failure" >&2; rc=1 ;;
  124) echo "tests/run.sh: pytest still running after ${TIMEOUT_S}s; stopped" >&2 ;;
esac
say "done, exit code $rc"
exit "$rc"
