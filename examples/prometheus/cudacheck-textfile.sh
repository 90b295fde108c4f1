#!/bin/sh
# Write cudacheck's metrics for node_exporter's textfile collector, atomically.
#
#   node_exporter --collector.textfile.directory=/var/lib/node_exporter/textfile_collector
#   cudacheck-textfile.sh [extra `cudacheck doctor` options, e.g. --require-gpu]
#
# Run it from cron or the systemd timer next to this file (every minute is plenty).
# The output is written to a temporary file in the same directory and renamed, so
# node_exporter never reads a half-written file (it only reads *.prom files, and the
# temporary name does not end in .prom).
#
# Environment:
#   CUDACHECK_TEXTFILE_DIR  output directory   (default /var/lib/node_exporter/textfile_collector)
#   CUDACHECK_BIN           cudacheck command  (default: cudacheck on PATH)
#   CUDACHECK_TIMEOUT       probe time limit, seconds (default 30)
# and the usual CUDACHECK_REQUIRE_GPU, CUDACHECK_MIN_GPUS, ... requirements.
set -u

dir="${CUDACHECK_TEXTFILE_DIR:-/var/lib/node_exporter/textfile_collector}"
bin="${CUDACHECK_BIN:-cudacheck}"
out="$dir/cudacheck.prom"
tmp="$out.$$"

trap 'rm -f "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$dir" || exit 1

# doctor exits 0 (no errors) or 1 (errors found): both are a valid report, and the
# findings are in the metrics. Anything else (2: bad usage, 127: not installed, a
# crash) means no report: publish cudacheck_up 0 so an alert can fire on it.
"$bin" doctor --format prometheus --timeout "${CUDACHECK_TIMEOUT:-30}" "$@" > "$tmp"
status=$?
failed=0
if [ "$status" -gt 1 ] || ! grep -q '^cudacheck_up 1' "$tmp"; then
    echo "cudacheck-textfile: cudacheck doctor failed (exit $status)" >&2
    {
        echo "# HELP cudacheck_up 1 when cudacheck ran and produced this report (a wrapper writes 0 when it failed)."
        echo "# TYPE cudacheck_up gauge"
        echo "cudacheck_up 0"
    } > "$tmp"
    failed=1
fi
chmod 0644 "$tmp"
mv -f "$tmp" "$out" || exit 1
exit "$failed"   # non-zero makes a failed run visible in `systemctl status` / cron mail
