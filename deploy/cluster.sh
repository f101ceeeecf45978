#!/usr/bin/env bash
# N app processes on one machine behind nginx, for a class:
#
#   bash deploy/cluster.sh up N PORT     # N `streamlit run app.py` on 127.0.0.1, nginx on 127.0.0.1:PORT
#   bash deploy/cluster.sh down PORT     # stop them (by the PIDs in the pidfiles)
#   bash deploy/cluster.sh status PORT
#
# One process per core: a Streamlit server runs every session's script under one GIL, so
# one process uses one core whatever the class size (README, "Deploying for a class").
# The app processes listen on free ports of 127.0.0.1 only; nginx (deploy/nginx.conf) is
# the one public door. LISTEN=0.0.0.0 makes nginx listen on every interface, for a real
# classroom. Files (config, pidfiles, logs) go to RUN_DIR, default /tmp/rnnviz-cluster-PORT.
# Before nginx starts, every lesson is opened on each process with its defaults and each
# preset, in English and Chinese (WARM=0: not).
# Needs Debian's nginx (apt-get install nginx); tests/run.sh installs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY="${PYTHON:-$(command -v python3 || command -v python)}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
START_TIMEOUT_S="${START_TIMEOUT_S:-90}"

usage() { sed -n '2,14p' "$0" >&2; exit 2; }
run_dir() { echo "${RNNVIZ_CLUSTER_DIR:-/tmp/rnnviz-cluster-$1}"; }

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

healthy() {  # URL: /_stcore/health answers "ok"
  "$PY" - "$1" <<'PYEOF'
import sys, urllib.request
try:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(sys.argv[1] + "/_stcore/health", timeout=2) as r:
        sys.exit(0 if r.read().strip() == b"ok" else 1)
except Exception:
    sys.exit(1)
PYEOF
}

# pid_is PIDFILE WORD: the pidfile's process is alive and its command line holds WORD
# (a PID reused by another program is never signalled).
pid_is() {
  local pid
  pid="$(awk '{print $1; exit}' "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

stop_pidfile() {  # PIDFILE WORD: TERM, up to 10 s, then KILL
  local f="$1" word="$2" pid
  [ -f "$f" ] || return 0
  pid="$(awk '{print $1; exit}' "$f")"
  if pid_is "$f" "$word"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      [ -d "/proc/$pid" ] || break
      sleep 0.1
    done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

up() {
  local n="$1" port="$2" dir
  [[ "$n" =~ ^[1-9][0-9]*$ && "$port" =~ ^[0-9]+$ ]] || usage
  dir="$(run_dir "$port")"
  if pid_is "$dir/nginx.pid" nginx; then
    echo "cluster.sh: a cluster is already up on port $port ($dir); 'down $port' first" >&2
    exit 1
  fi
  [ -x "$NGINX" ] || { echo "cluster.sh: nginx not found (apt-get install nginx)" >&2; exit 1; }
  mkdir -p "$dir/tmp"
  rm -f "$dir"/app-*.pid
  local ports=() i p
  for i in $(seq 1 "$n"); do
    p="$(free_port)"
    ports+=("$p")
    # setsid: the app outlives this script; its own session, stopped by PID on `down`.
    # Each process has its own training pool (rnnviz.trainpool, default CPUs - 1 workers):
    # N processes would start N x (CPUs - 1) trainers, so one worker each unless told.
    # MALLOC_ARENA_MAX=2: glibc's default, up to 8 malloc arenas per core for the script
    # threads, left the process 250 MB over start-up after a class (64 MB cache) against
    # ~100 MB with two (README, "Memory"); the interpreter lock serialises them anyway.
    RNNVIZ_TRAIN_WORKERS="${RNNVIZ_TRAIN_WORKERS:-1}" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" PYTHONUNBUFFERED=1 setsid \
      "$PY" -m streamlit run app.py \
        --server.port "$p" --server.address 127.0.0.1 --server.headless true \
        --server.fileWatcherType none --browser.gatherUsageStats false \
        >"$dir/app-$i.log" 2>&1 </dev/null &
    echo "$! $p" >"$dir/app-$i.pid"
  done
  local deadline=$(( $(date +%s) + START_TIMEOUT_S ))
  for i in $(seq 1 "$n"); do
    until healthy "http://127.0.0.1:${ports[$((i-1))]}"; do
      if ! pid_is "$dir/app-$i.pid" streamlit || [ "$(date +%s)" -gt "$deadline" ]; then
        echo "cluster.sh: app process $i did not come up; its log:" >&2
        tail -n 30 "$dir/app-$i.log" >&2
        down "$port"
        exit 1
      fi
      sleep 0.3
    done
  done
  # Streamlit's JS/CSS, copied where nginx's worker user can read it (a pip install under
  # /root is not readable by `nobody`); 25 MB.
  # Warm-up: every lesson opened once on each process before nginx lets students in, so
  # the first forty do not all wait for imports (torch) and the defaults' results.
  # WARM=0 skips it.
  if [ "${WARM:-1}" != 0 ]; then
    local bases=() q
    for q in "${ports[@]}"; do bases+=("http://127.0.0.1:$q"); done
    OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" timeout 600 \
      "$PY" -m tests.load --warm --base "$(IFS=,; echo "${bases[*]}")" \
      || echo "cluster.sh: warm-up failed; serving cold" >&2
  fi
  local static="$dir/static"
  rm -rf "$static"
  cp -r "$("$PY" -c 'import os, streamlit; print(os.path.join(os.path.dirname(streamlit.__file__), "static"))')" "$static"
  chmod -R a+rX "$static"
  "$PY" - "$dir" "${LISTEN:-127.0.0.1}:$port" "$static" "${ports[@]}" >"$dir/nginx.conf" <<'PYEOF'
import re, sys
run_dir, listen, static, *ports = sys.argv[1:]
conf = open("deploy/nginx.conf").read()
srv = lambda p, extra="": f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s{extra};"
pinned = []
for i, p in enumerate(ports, 1):
    lines = [srv(p)] + [srv(q, " backup") for q in ports if q != p]
    pinned.append(f"    upstream rnnviz_{i} {{\n" + "\n".join(lines) + "\n    }")
fields = {
    "RUN_DIR": run_dir, "LISTEN": listen, "STREAMLIT_STATIC": static,
    "SERVERS_ANY": "\n".join(srv(p) for p in ports),
    "UPSTREAMS_PINNED": "\n".join(pinned),
    "PIN_MAP": "\n".join(f"        {i} rnnviz_{i};" for i in range(1, len(ports) + 1)),
    "SERVED_MAP": "\n".join(f'        "~(^|[ ,])127\\.0\\.0\\.1:{p}$" {i};' for i, p in enumerate(ports, 1)),
}
print(re.sub(r"@([A-Z_]+)@", lambda m: fields[m.group(1)], conf), end="")
PYEOF
  "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" || { down "$port"; exit 1; }
  "$NGINX" -p "$dir" -c "$dir/nginx.conf"
  local url="http://127.0.0.1:$port"
  until healthy "$url"; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "cluster.sh: nginx on port $port does not answer; $dir/nginx-error.log:" >&2
      tail -n 20 "$dir/nginx-error.log" >&2 || true
      down "$port"
      exit 1
    fi
    sleep 0.2
  done
  echo "$url  ($n app processes on ports ${ports[*]}; files in $dir)"
}

down() {
  local port="$1" dir f
  [[ "$port" =~ ^[0-9]+$ ]] || usage
  dir="$(run_dir "$port")"
  [ -d "$dir" ] || { echo "cluster.sh: nothing in $dir" >&2; return 0; }
  stop_pidfile "$dir/nginx.pid" nginx
  for f in "$dir"/app-*.pid; do
    [ -e "$f" ] && stop_pidfile "$f" streamlit
  done
  rm -rf "$dir/static" "$dir/tmp"  # the 25 MB copy; config and logs stay for a look
  return 0
}

status() {
  local port="$1" dir f
  dir="$(run_dir "$port")"
  if pid_is "$dir/nginx.pid" nginx; then echo "nginx: pid $(cat "$dir/nginx.pid")"; else echo "nginx: down"; fi
  for f in "$dir"/app-*.pid; do
    [ -e "$f" ] || continue
    if pid_is "$f" streamlit; then echo "$(basename "$f" .pid): pid/port $(cat "$f")"; else echo "$(basename "$f" .pid): down"; fi
  done
}

case "${1:-}" in
  up) [ $# -eq 3 ] || usage; up "$2" "$3" ;;
  down) [ $# -eq 2 ] || usage; down "$2" ;;
  status) [ $# -eq 2 ] || usage; status "$2" ;;
  *) usage ;;
esac
