#!/usr/bin/env bash
# Would compiling magnet's hot modules, as they are, buy the missing throughput?
#
#   benchmarks/compiled_probe.sh cython [ROUNDS]   # Cython 3 on the hot modules (plain Python in)
#   benchmarks/compiled_probe.sh mypyc [ROUNDS]    # mypyc on the hot modules that type-check
#
# Copies this tree (its committed files) to a temporary folder, compiles the hot modules there
# in place, and compares the copy with this tree in alternating runs
# (`compare_sample.py --tree`, N=1000). Cython reads the code as plain Python
# (`annotation_typing=False`: the annotations are hints, not C types). mypyc needs modules that
# pass mypy; of the hot modules only grounding.py and translate/phrases.py do today.
# Needs gcc, the Python headers and PyPI (the compilers go into a temporary venv). Several
# minutes (Cython: about four to compile). Writes benchmarks/results/compiled_<mode>.json.
set -euo pipefail
MODE=${1:?cython or mypyc}
ROUNDS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$ROOT" archive HEAD | tar -x -C "$tmp" --one-top-level=tree
"$PY" -m venv "$tmp/venv"
cd "$tmp/tree"
case "$MODE" in
  cython)
    "$tmp/venv/bin/pip" install -q "cython==3.3.1" setuptools
    "$tmp/venv/bin/cythonize" -i -3 -q -j 2 -X annotation_typing=False \
      magnet_graph/translate/{loop,offline,phrases,summary,wording,values,vocab}.py \
      magnet_graph/{execute,verify,grounding,schema_fit,seeding,run,walk}.py magnet_graph/ops/*.py >"$tmp/build.log" 2>&1 \
      || { tail -20 "$tmp/build.log"; exit 1; }
    ;;
  mypyc)
    "$tmp/venv/bin/pip" install -q "mypy==2.4.1" setuptools
    "$tmp/venv/bin/mypyc" --ignore-missing-imports --follow-imports=silent \
      magnet_graph/grounding.py magnet_graph/translate/phrases.py >"$tmp/build.log" 2>&1 \
      || { tail -20 "$tmp/build.log"; exit 1; }
    ;;
  *) echo "mode: cython or mypyc" >&2; exit 2 ;;
esac
echo "compiled: $(find . -name '*.so' -not -path './build/*' | wc -l) extension module(s)"
cd "$ROOT"
"$PY" benchmarks/compare_sample.py --tree "$tmp/tree" --rounds "$ROUNDS" -n 1000 --results "compiled_$MODE.json"
