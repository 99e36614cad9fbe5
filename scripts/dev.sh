#!/usr/bin/env bash
# Set up a virtual environment in .venv (once, or again when pyproject.toml changes)
# and run one job in it:
#   bash scripts/dev.sh demo   fit a diffusion model on the bundled stock prices, write out/*
#   bash scripts/dev.sh test   run the test suite
#   bash scripts/dev.sh docs   build the HTML docs into docs/_build/html
set -euo pipefail
cd "$(dirname "$0")/.."

job="${1:-}"
case "$job" in
  demo) extras="plot" ;;
  test) extras="test,plot" ;;
  docs) extras="docs" ;;
  *) echo "usage: bash scripts/dev.sh {demo|test|docs}" >&2; exit 2 ;;
esac

python="${PYTHON:-python3}"
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
stamp="$venv/.sktsgan-setup-$extras"
want="$(sha1sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Setting up $venv (extras: $extras) ..."
  "$venv/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  # The CPU build of torch first: otherwise pip resolves torch to a multi-GB CUDA build.
  "$venv/bin/python" -m pip install -q "torch==2.13.0" 2>&1 | grep -v "^WARNING: Location" || true
  "$venv/bin/python" -m pip install -q -e ".[$extras]" 2>&1 | grep -v "^WARNING: Location" || true
  "$venv/bin/python" -c "import sktsgan, torch" || { echo "setup failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi

case "$job" in
  demo)
    # the library runs torch on one thread (SKTSGAN_NUM_THREADS changes it)
    # two minutes of training, whatever the machine: the whole job stays within three
    exec "$venv/bin/sktsgan" generate --data stocks --model diffusion --max-time 120 \
      --n-samples 1000 --output out/stocks_synthetic.csv --figure out/stocks.png --force
    ;;
  test)
    # Tiny networks gain nothing from a second thread, and on a busy machine torch's
    # threads wait on each other: one thread per process unless the caller says more.
    export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
    exec "$venv/bin/python" -m pytest "${@:2}"
    ;;
  docs)
    exec "$venv/bin/python" -m sphinx -W --keep-going -q -b html docs docs/_build/html
    ;;
esac
