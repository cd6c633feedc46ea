#!/usr/bin/env bash
# A Docker engine for the live suite (tests/live): `start` installs docker.io and
# busybox-static from Debian's packages when missing and starts dockerd with its own data
# folder and socket unless an engine already answers; `stop` stops only an engine this
# script started; `socket` prints the DOCKER_HOST the suite should use.
set -euo pipefail

state=${ENVGEN_LIVE_STATE:-/var/tmp/envgen-live}
sock="$state/docker.sock"
pidfile="$state/dockerd.pid"
ours="unix://$sock"

answers() { # does an engine answer at DOCKER_HOST=$1 ("" for the client's default)?
  DOCKER_HOST=$1 timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

install_missing() {
  local wanted=()
  command -v dockerd >/dev/null 2>&1 || wanted+=(docker.io)
  command -v docker >/dev/null 2>&1 || wanted+=(docker.io)
  [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx nc || wanted+=(busybox-static)
  [ ${#wanted[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "engine.sh: ${wanted[*]} missing and not root: install them, or run as root" >&2
    return 1
  fi
  echo "engine.sh: installing ${wanted[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

start() {
  install_missing
  if answers "${DOCKER_HOST:-}"; then
    echo "engine.sh: an engine already answers at ${DOCKER_HOST:-the default socket}; using it" >&2
    return 0
  fi
  if answers "$ours"; then
    echo "engine.sh: our engine already answers at $ours" >&2
    return 0
  fi
  mkdir -p "$state"
  # Its own data, exec folders and socket: nothing of a system engine is touched, and
  # stop removes only what start made.
  dockerd --data-root "$state/data" --exec-root "$state/exec" --pidfile "$pidfile" \
    --host "$ours" --log-level warn >"$state/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    if answers "$ours"; then
      echo "engine.sh: dockerd started at $ours (log: $state/dockerd.log)" >&2
      return 0
    fi
    sleep 0.5
  done
  echo "engine.sh: dockerd did not answer within 30 s; its log:" >&2
  tail -20 "$state/dockerd.log" >&2
  return 1
}

stop() {
  if [ ! -f "$pidfile" ]; then
    echo "engine.sh: no engine started by this script" >&2
    return 0
  fi
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # Containers of the suite first, so the engine stops quickly and leaves no mounts.
    local running
    running=$(DOCKER_HOST=$ours docker ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086 # one id a word
    [ -z "$running" ] || DOCKER_HOST=$ours docker rm -f $running >/dev/null 2>&1 || true
    kill "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
  fi
  rm -f "$pidfile"
  echo "engine.sh: dockerd stopped" >&2
}

socket() {
  if answers "${DOCKER_HOST:-}"; then
    echo "${DOCKER_HOST:-}"
  else
    echo "$ours"
  fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
socket) socket ;;
*)
  echo "usage: tests/live/engine.sh start|stop|socket" >&2
  exit 2
  ;;
esac
