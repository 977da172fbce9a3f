#!/usr/bin/env bash
# Instructions per record of `magnet sample` (built-in toolkits, five walked turns, all
# operators), which do not drift with the shared machine's speed: valgrind's callgrind on a
# run of n=201 minus a run of n=1, divided by 200 (PYTHONHASHSEED=0).
#
#   benchmarks/instructions.sh [TREE]     # TREE: a checkout to measure (default: this one)
#
# Needs valgrind. Takes about two minutes.
set -euo pipefail
TREE=$(cd "${1:-$(dirname "$0")/..}" && pwd)
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/drive.py" <<'PYEOF'
import os, sys, tempfile
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
from pathlib import Path
from magnet_graph.catalog import load_catalogs
from magnet_graph.graph import build_graph
from magnet_graph.run import RunConfig, run_sample
from magnet_graph.translate.offline import OfflineBackend
catalog = load_catalogs(())
config = RunConfig(n=int(sys.argv[1]), ops=("insert", "merge", "split"), seed=0, min_turns=5, max_turns=5)
run_sample(catalog=catalog, graph=build_graph(catalog.tools), backend=OfflineBackend(), config=config,
           out=Path(tempfile.mkdtemp()) / "d.jsonl", overwrite=True)
PYEOF
count() {
  (cd "$tmp" && PYTHONHASHSEED=0 PYTHONPATH="$TREE" valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" \
    "$PY" "$tmp/drive.py" "$1" 2>"$tmp/err.$1" >/dev/null)
  grep -o "Collected : [0-9]*" "$tmp/err.$1" | awk '{print $3}'
}
one=$(count 1)
many=$(count 201)
"$PY" -c "print(f'{($many - $one) / 200 / 1e6:.2f} M instructions per record')"
