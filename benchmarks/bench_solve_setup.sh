#!/usr/bin/env bash
# Makes the separate virtual environment of NegMAS for benchmarks/bench_solve.py.
#
#   bash benchmarks/bench_solve_setup.sh [VENV]        # default VENV: .bench-venv in this clone
#
# NegMAS is a peer library used only by this benchmark: it goes into its own venv, never
# into negsim's dependencies. negsim is installed there too (editable, from this clone) so
# both can be imported in one process if wanted; the benchmark itself runs negsim from
# negsim's own environment (--negsim-python, default .venv/bin/python) and NegMAS from
# this one (--negmas-python, default .bench-venv/bin/python).
#
# NEGMAS_VERSION picks the version (default 0.16.0, the one the recorded results used;
# set NEGMAS_VERSION= for the newest). PYTHON picks the interpreter (default python3).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$repo/.bench-venv}"
python="${PYTHON:-python3}"
version="${NEGMAS_VERSION-0.16.0}"

"$python" -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$venv/bin/pip" install --quiet "negmas${version:+==$version}"
"$venv/bin/pip" install --quiet -e "$repo"
"$venv/bin/python" - <<'PY'
import importlib.metadata as m
print(", ".join(f"{n} {m.version(n)}" for n in ("negmas", "negsim", "numpy", "scipy")))
PY
echo "NegMAS venv ready: $venv (run: python benchmarks/bench_solve.py --negmas-python $venv/bin/python)"
