#!/usr/bin/env bash
# Runs the time-sensitive test files under Debian's faketime at fixed instants, one instant after the other: the
# suite must not depend on the day or hour it runs (issue 12, defect 2). Each instant is written in the hall's zone
# and converted to UTC here; faketime's "@" start-at form lets the clock advance from it, so timers still run.
#   .ci/faketime-matrix.sh              all instants
#   .ci/faketime-matrix.sh tue-0230     only the named ones
set -euo pipefail
cd "$(dirname "$0")/.."

FAKETIME_BIN=${FAKETIME_BIN:-$(command -v faketime || true)}
if [ -z "$FAKETIME_BIN" ]; then
  echo "faketime-matrix: faketime is not installed (Debian: apt-get install faketime)" >&2
  exit 1
fi

# name | local time | zone. Shanghai is the demo's and most tests' hall zone; the DST instants are a Berlin hall's,
# a minute or two before each change so the run crosses it (02:58 on 25 October happens twice: the offset picks the
# first, in summer time).
INSTANTS=(
  "mon-morning|2026-11-30 08:30:00|Asia/Shanghai"
  "tue-0230|2026-12-01 02:30:00|Asia/Shanghai"
  "sun-2359|2026-11-29 23:59:00|Asia/Shanghai"
  "month-end|2027-02-28 23:58:00|Asia/Shanghai"
  "new-year|2026-12-31 23:59:00|Asia/Shanghai"
  "berlin-dst-spring|2026-03-29 01:59:00|Europe/Berlin"
  "berlin-dst-autumn|2026-10-25 02:58:00 +0200|Europe/Berlin"
)

# The time-sensitive suites: the pure core (calendar, inspections, uptime, alerts, faults, presence), the
# readiness service, inspections in the service, over the API and in Chromium (the demo hall, Shanghai) and for a
# Berlin hall, reports, alert settings, and the probe that checks the fake clock reached the workers. Left out:
# the QR label test (no time in it) and the long alert integration test (its opening-time waits take minutes).
FILES=(
  test/core
  test/calendar
  test/inspections/inspection-service.test.ts
  test/inspections/inspections-api.test.ts
  test/inspections/inspection.browser.test.ts
  test/inspections/berlin-hall.test.ts
  test/reports
  test/alerts/alert-settings.test.ts
  test/time
)

selected=("$@")
failed=()
report_dir=$(mktemp -d)
trap 'rm -rf "$report_dir"' EXIT
for entry in "${INSTANTS[@]}"; do
  IFS='|' read -r name local zone <<<"$entry"
  if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  if [[ "$local" == *" +"* ]]; then
    utc=$(TZ=UTC date -d "$local" '+%Y-%m-%d %H:%M:%S')
  else
    utc=$(TZ=UTC date -d "TZ=\"$zone\" $local" '+%Y-%m-%d %H:%M:%S')
  fi
  start=$(TZ=UTC date -d "$utc UTC" '+%Y-%m-%dT%H:%M:%SZ')
  echo "=== $name: $local $zone = $utc UTC"
  # Prove the fake clock reaches node before trusting a green run (the probe test checks the forked workers).
  seen=$(TZ=UTC "$FAKETIME_BIN" -f "@$utc" node -e 'process.stdout.write(new Date().toISOString())')
  if [ "${seen:0:16}" != "${start:0:16}" ]; then
    echo "faketime-matrix: node sees $seen, not $start: faketime does not take effect" >&2
    exit 1
  fi
  began=$(date +%s)
  # Under libfaketime every clock read is intercepted: clock-heavy tests run 4-7x slower (the inspection-period
  # property test: 1.7 s plain, 6-12 s faked), so the matrix gives tests three times the usual time. The last CI
  # failure at new-year was that test passing its 20 s.
  if TZ=UTC HALLWATCH_FAKETIME_START="$start" FAKETIME_DONT_RESET=1 "$FAKETIME_BIN" -f "@$utc" \
    npx vitest run "${FILES[@]}" --reporter=dot --reporter=json --outputFile.json="$report_dir/$name.json" \
      --maxWorkers=2 --testTimeout=60000 --hookTimeout=90000; then
    echo "=== $name passed in $(($(date +%s) - began)) s"
  else
    echo "=== $name FAILED in $(($(date +%s) - began)) s"
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  # CI keeps only the end of the output: repeat which tests failed, and why, here.
  for name in "${failed[@]}"; do
    node -e '
      const report = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
      for (const file of report.testResults) {
        if (file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"))
          console.error(`${process.argv[2]}: ${file.name}\n  ${String(file.message).split("\n").slice(0, 6).join("\n  ")}`);
        for (const test of file.assertionResults)
          if (test.status === "failed")
            console.error(`${process.argv[2]}: ${file.name} > ${test.fullName}\n  ${(test.failureMessages[0] ?? "").split("\n").slice(0, 6).join("\n  ")}`);
      }
    ' "$report_dir/$name.json" "$name" 2>&1 >&2 || echo "$name: no test report (the run itself failed)" >&2
  done
  echo "faketime-matrix: failed at ${failed[*]}" >&2
  exit 1
fi
echo "faketime-matrix: every instant passed"
