#!/bin/sh
# Slurm Prolog fragment: record a cudacheck snapshot of every node a job starts on,
# for `cudacheck fleet` (drift between nodes, per-node findings).
#
#   slurm.conf:   Prolog=/etc/slurm/prolog.d/*    (this file as prolog.d/50-cudacheck.sh)
#   login node:   cudacheck fleet /shared/cudacheck/snapshots --format markdown
#
# A failing prolog drains the node, so this script always exits 0: it records facts,
# it does not judge (`cudacheck health` as HealthCheckProgram is the place for that).
# The snapshot is written to a temporary name and renamed, so `cudacheck fleet` never
# reads half a file. CUDACHECK_PYTHON: the interpreter of the environment jobs use.
DIR=${CUDACHECK_SNAPSHOT_DIR:-/shared/cudacheck/snapshots}
CUDACHECK=${CUDACHECK_BIN:-cudacheck}
NODE=$(hostname -s)

mkdir -p "$DIR" 2>/dev/null || exit 0
if "$CUDACHECK" snapshot --timeout 30 --output "$DIR/.$NODE.json.tmp" 2>/dev/null; then
    mv -f "$DIR/.$NODE.json.tmp" "$DIR/$NODE.json"
else
    rm -f "$DIR/.$NODE.json.tmp"
fi
exit 0
