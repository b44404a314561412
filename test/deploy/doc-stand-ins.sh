# Sourced before the commands of docs/scale-out.md by test/deploy/scale-out-doc.test.ts: Docker cannot run where
# the tests run, so `docker run … eclipse-mosquitto:2 mosquitto_passwd …` runs the local mosquitto_passwd on the
# mounted folder, and `docker compose` and curl are recorded in $RECORD for the test to check.
set -euo pipefail
docker() {
  if [ "$1" = compose ]; then printf '%s\n' "$*" >>"$RECORD"; return 0; fi
  [ "$1" = run ] || { echo "unexpected: docker $1" >&2; return 97; }
  shift
  local mount=""
  while [ $# -gt 0 ] && [ "$1" != eclipse-mosquitto:2 ]; do
    if [ "$1" = -v ]; then mount="$2"; shift; fi
    shift
  done
  [ $# -gt 0 ] || { echo "unexpected: not the eclipse-mosquitto:2 image" >&2; return 96; }
  shift
  [ "$1" = mosquitto_passwd ] || { echo "unexpected: $1 in the container" >&2; return 95; }
  shift
  local host="${mount%%:*}" inside="${mount#*:}" args=() a
  for a in "$@"; do
    if [[ "$a" == "$inside"/* ]]; then a="$host/${a#"$inside"/}"; fi
    args+=("$a")
  done
  "$MOSQUITTO_PASSWD" "${args[@]}"
}
sudo() { "$@"; }
curl() { printf 'curl %s\n' "$*" >>"$RECORD"; }
