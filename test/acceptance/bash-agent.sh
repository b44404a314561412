#!/usr/bin/env bash
# A Hallwatch agent in plain bash, written from docs/protocol.md (§8 explains why it speaks MQTT 3.1.1 itself
# instead of calling mosquitto_pub: the broker allows one connection per agent, mosquitto_pub publishes to one
# topic per connection, and every new connection would take the session over and fire the will).
#
# It keeps ONE connection (with the last will), answers commands, numbers every data message, re-sends each
# device's last values every REPORT_SEC, and publishes what it is told on stdin, one line each:
#   telemetry <deviceId> <values JSON>     e.g. telemetry kiosk-1 {"appOk":true,...}
#   event <deviceId> <type> <data JSON>
#   gap <n>                                skip n sequence numbers (as if n messages were lost)
#   stop                                   offline status (reason shutdown), DISCONNECT, exit 0
# It prints what it does on stdout: "connected session=N", "birth seq=0", "cmd rebirth id=…", "sent <topic> seq=N".
# Kill its process group to simulate a crash: the broker then publishes the will.
#
# Environment: MQTT_HOST (127.0.0.1), MQTT_PORT (1883), HALL, AGENT, PASSWORD_FILE, STATE_DIR (keeps the session
# number), DEVICES (the birth's "devices" JSON array), REPORT_SEC (10), KEEPALIVE_SEC (30).
# Needs bash >= 5 (EPOCHREALTIME, /dev/tcp); no other program.
set -uo pipefail
export LC_ALL=C # byte semantics: ${#s} is the length in bytes
# A write to a connection the broker has closed must fail (and end in "connection lost", exit 1), not kill the
# agent with SIGPIPE before it can say why (docs/protocol.md §8).
trap '' PIPE

: "${HALL:?}" "${AGENT:?}" "${PASSWORD_FILE:?}" "${STATE_DIR:?}" "${DEVICES:?}"
MQTT_HOST=${MQTT_HOST:-127.0.0.1}
MQTT_PORT=${MQTT_PORT:-1883}
REPORT_SEC=${REPORT_SEC:-10}
KEEPALIVE_SEC=${KEEPALIVE_SEC:-30}
IFS= read -r PASSWORD <"$PASSWORD_FILE" || true
PREFIX="hallwatch/v1/$HALL/$AGENT"

log() { printf '%s\n' "$*"; }
die() {
  printf 'bash-agent: %s\n' "$*" >&2
  exit 1
}
now_ms() { local us=${EPOCHREALTIME/./}; printf '%s' "${us:0:-3}"; }

# --- session number: incremented on disk before every connection attempt (§2) ---
mkdir -p "$STATE_DIR"
SESSION=0
[[ -f $STATE_DIR/session ]] && read -r SESSION <"$STATE_DIR/session"
SESSION=$((SESSION + 1))
printf '%s\n' "$SESSION" >"$STATE_DIR/session.tmp" && mv "$STATE_DIR/session.tmp" "$STATE_DIR/session"
SESSION_START_MS=$(now_ms)

# --- MQTT 3.1.1 encoding: a packet is a printf format (\xHH escapes for bytes, %s for strings) plus arguments ---
hex() { printf -v "$1" '\\x%02x' "$2"; }
fmt=''
args=()
add_byte() { local h; hex h "$1"; fmt+=$h; }
add_u16() { add_byte $(($1 >> 8)); add_byte $(($1 & 255)); }
add_str() { add_u16 "${#1}"; fmt+='%s'; args+=("$1"); }
add_raw() { fmt+='%s'; args+=("$1"); }
# Sends a packet of type byte $1 whose body is in fmt/args with body length $2.
send_packet() {
  local type=$1 len=$2 body=$fmt header='' h digit
  local -a body_args=("${args[@]}")
  hex h "$type"; header+=$h
  while :; do
    digit=$((len % 128)); len=$((len / 128))
    ((len > 0)) && digit=$((digit | 128))
    hex h "$digit"; header+=$h
    ((len > 0)) || break
  done
  # shellcheck disable=SC2059 # the format is built above from escapes and %s only
  printf "$header$body" "${body_args[@]}" >&"$SOCK" || die "connection lost"
  fmt=''; args=()
}

PACKET_ID=0
next_packet_id() { PACKET_ID=$((PACKET_ID % 65535 + 1)); }

# publish <topic> <payload> <retain 0|1>, QoS 1 (the broker's PUBACK is read and ignored by the reader)
publish() {
  local topic=$1 payload=$2 retain=${3:-0}
  next_packet_id
  fmt=''; args=()
  add_str "$topic"; add_u16 "$PACKET_ID"; add_raw "$payload"
  send_packet $((0x32 | retain)) $((2 + ${#topic} + 2 + ${#payload}))
}

# --- connect, with the last will (§2) ---
exec {SOCK}<>"/dev/tcp/$MQTT_HOST/$MQTT_PORT" || die "cannot reach $MQTT_HOST:$MQTT_PORT"
WILL="{\"v\":1,\"state\":\"offline\",\"session\":$SESSION,\"tsMs\":$SESSION_START_MS,\"reason\":\"will\"}"
fmt=''; args=()
add_str "MQTT"; add_byte 4 # protocol level 4 = MQTT 3.1.1
# flags: username, password, will retain, will QoS 1, will, clean session
add_byte $((0x80 | 0x40 | 0x20 | 0x08 | 0x04 | 0x02)); add_u16 "$KEEPALIVE_SEC"
add_str "$AGENT"; add_str "$PREFIX/status"; add_str "$WILL"; add_str "$AGENT"; add_str "$PASSWORD"
send_packet $((0x10)) $((6 + 1 + 1 + 2 + 2 + ${#AGENT} + 2 + ${#PREFIX} + 7 + 2 + ${#WILL} + 2 + ${#AGENT} + 2 + ${#PASSWORD}))

# --- the reader: parses what the broker sends and turns it into lines on the agent's input (it never writes to
# the socket, so packets cannot interleave) ---
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkfifo "$WORK/in"
exec {IN}<>"$WORK/in"

read_byte() { # sets b (0-255); fails at end of stream
  local c
  IFS= read -r -d '' -n1 -u "$SOCK" c || return 1
  if [[ -z $c ]]; then b=0; else printf -v b '%d' "'$c"; ((b < 0)) && b=$((b + 256)); fi
  last_char=$c
  return 0
}
reader() {
  local b last_char type len mult topic_len i payload packet_id
  while read_byte; do
    type=$b; len=0; mult=1
    while read_byte; do len=$((len + (b & 127) * mult)); mult=$((mult * 128)); ((b & 128)) || break; done
    case $((type >> 4)) in
      2) read_byte; read_byte; printf 'connack %d\n' "$b" >&"$IN"; continue ;; # return code
      9) for ((i = 0; i < len; i++)); do read_byte; done; printf 'suback %d\n' "$b" >&"$IN"; continue ;;
      3) # PUBLISH from the broker: a command
        read_byte; topic_len=$((b << 8)); read_byte; topic_len=$((topic_len | b))
        for ((i = 0; i < topic_len; i++)); do read_byte; done
        len=$((len - 2 - topic_len)); packet_id=0
        if (((type >> 1 & 3) > 0)); then
          read_byte; packet_id=$((b << 8)); read_byte; packet_id=$((packet_id | b)); len=$((len - 2))
        fi
        payload=''
        for ((i = 0; i < len; i++)); do read_byte; payload+=$last_char; done
        # The main loop is the socket's only writer, so it sends the PUBACK.
        ((packet_id > 0)) && printf 'puback %d\n' "$packet_id" >&"$IN"
        printf 'cmd %s\n' "${payload//$'\n'/ }" >&"$IN"
        continue ;;
    esac
    for ((i = 0; i < len; i++)); do read_byte; done # PUBACK, PINGRESP: nothing to do
  done
  printf 'closed\n' >&"$IN"
}
reader &
READER=$!
exec {STDIN}<&0 # a background job's own stdin is /dev/null
cat <&"$STDIN" >&"$IN" & # stdin → the same input, line by line
FEEDER=$!
trap 'kill $READER $FEEDER 2>/dev/null; rm -rf "$WORK"' EXIT

IFS= read -r -t 10 -u "$IN" line || die "no CONNACK within 10 s"
[[ $line == "connack 0" ]] || die "connection refused (${line#connack }: 4 bad username or password, 5 not authorised)"
log "connected session=$SESSION"

# --- subscribe to the command topic, then online status and birth (§2, §4.1, §4.2) ---
next_packet_id
fmt=''; args=()
add_u16 "$PACKET_ID"; add_str "$PREFIX/cmd"; add_byte 1
send_packet $((0x82)) $((2 + 2 + ${#PREFIX} + 4 + 1))
IFS= read -r -t 10 -u "$IN" line || die "no SUBACK within 10 s"
[[ $line == "suback 1" || $line == "suback 0" ]] || die "subscription to $PREFIX/cmd refused ($line)"

publish "$PREFIX/status" "{\"v\":1,\"state\":\"online\",\"session\":$SESSION,\"tsMs\":$(now_ms)}" 1
SEQ=0
birth() {
  SEQ=0
  publish "$PREFIX/birth" "{\"v\":1,\"session\":$SESSION,\"seq\":0,\"tsMs\":$(now_ms),\"agent\":{\"id\":\"$AGENT\",\"version\":\"bash-1\"},\"devices\":$DEVICES}" 1
  log "birth seq=0"
}
birth

declare -A LAST=() # deviceId -> last values JSON, re-sent every REPORT_SEC
telemetry() {
  SEQ=$((SEQ + 1))
  publish "$PREFIX/telemetry/$1" "{\"v\":1,\"session\":$SESSION,\"seq\":$SEQ,\"tsMs\":$(now_ms),\"values\":$2}"
  log "sent $PREFIX/telemetry/$1 seq=$SEQ"
}
event() {
  SEQ=$((SEQ + 1))
  publish "$PREFIX/event/$1" "{\"v\":1,\"session\":$SESSION,\"seq\":$SEQ,\"tsMs\":$(now_ms),\"type\":\"$2\",\"data\":$3}"
  log "sent $PREFIX/event/$1 seq=$SEQ"
}
reply() { # reply <id> <ok true|false> [error]
  local extra=''
  [[ $2 == false ]] && extra=",\"error\":\"$3\""
  publish "$PREFIX/reply" "{\"v\":1,\"id\":\"$1\",\"tsMs\":$(now_ms),\"ok\":$2$extra}"
}
json_field() { # json_field <json> <name>: a string or number field, without a JSON parser
  local re="\"$2\"[[:space:]]*:[[:space:]]*(\"([^\"]*)\"|([0-9]+))"
  [[ $1 =~ $re ]] && printf '%s' "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
}
command_received() {
  local json=$1 id cmd
  id=$(json_field "$json" id); cmd=$(json_field "$json" cmd)
  log "cmd $cmd id=$id"
  case $cmd in
    rebirth) birth; reply "$id" true ;;
    set_report_interval) REPORT_SEC=$(json_field "$json" reportIntervalSec); birth; reply "$id" true ;;
    identify) event "$(json_field "$json" deviceId)" identify '{}'; reply "$id" true ;;
    *) reply "$id" false "unknown command" ;;
  esac
}

next_report=$((SECONDS + REPORT_SEC))
next_ping=$((SECONDS + KEEPALIVE_SEC / 2))
while :; do
  if IFS= read -r -t 1 -u "$IN" line; then
    read -r verb a rest <<<"$line"
    case $verb in
      telemetry) LAST[$a]=$rest; telemetry "$a" "$rest" ;;
      event) event "$a" "${rest%% *}" "${rest#* }" ;;
      gap) SEQ=$((SEQ + a)); log "gap $a" ;;
      puback) fmt=''; args=(); add_u16 "$a"; send_packet $((0x40)) 2 ;;
      cmd) command_received "${line#cmd }" ;;
      stop)
        publish "$PREFIX/status" "{\"v\":1,\"state\":\"offline\",\"session\":$SESSION,\"tsMs\":$(now_ms),\"reason\":\"shutdown\"}" 1
        printf '\xe0\x00' >&"$SOCK" # DISCONNECT: the broker discards the will
        log "stopped"; exit 0 ;;
      closed) die "the broker closed the connection" ;;
      '' | suback | connack) ;;
      *) printf 'bash-agent: unknown input line: %s\n' "$line" >&2 ;;
    esac
  fi
  if ((SECONDS >= next_report)); then
    for device in "${!LAST[@]}"; do telemetry "$device" "${LAST[$device]}"; done
    next_report=$((SECONDS + REPORT_SEC))
  fi
  if ((SECONDS >= next_ping)); then
    printf '\xc0\x00' >&"$SOCK" # PINGREQ keeps the connection alive when there is nothing to say
    next_ping=$((SECONDS + KEEPALIVE_SEC / 2))
  fi
done
