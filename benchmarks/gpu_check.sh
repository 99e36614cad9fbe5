#!/usr/bin/env bash
# device="cuda" on a machine with an NVIDIA GPU, in about 5 minutes: the CUDA tests,
# the speed benchmark on the GPU, and one TimeGAN fit at its defaults, then a table.
#
#   bash benchmarks/gpu_check.sh                  # all three stages
#   bash benchmarks/gpu_check.sh tests speed      # some of them
#
# It uses the machine's python3 and its CUDA build of torch (never installs torch). The
# other dependencies come from wheels in .whl/ if that folder exists (a machine without
# network), else from the package index. Logs and JSON figures go to $OUT, or
# out/gpu_check. Exit status: 0 when every stage run passed.
set -uo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
out="${OUT:-out/gpu_check}"
mkdir -p "$out"
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(tests speed fit)
export PYTHONUNBUFFERED=1

if ! "$python" -c "import torch, sys; sys.exit(not torch.cuda.is_available())"; then
  echo "gpu_check: torch sees no CUDA device here; nothing to check." >&2
  exit 1
fi
if ! "$python" -c "import skorch, tslearn, imblearn" 2>/dev/null; then
  if compgen -G ".whl/*.whl" >/dev/null; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --target /tmp/sktsgan-deps \
      .whl/*.whl || exit 1
    export PYTHONPATH="/tmp/sktsgan-deps${PYTHONPATH:+:$PYTHONPATH}"
  else
    "$python" -m pip install -q skorch tslearn imbalanced-learn || exit 1
  fi
fi
# sktsgan from this checkout, uninstalled
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
"$python" - <<'EOF' | tee "$out/machine.txt"
import sklearn, torch, sktsgan
print(f"GPU {torch.cuda.get_device_name(0)}, torch {torch.__version__} (CUDA {torch.version.cuda}, "
      f"cuDNN {torch.backends.cudnn.version()}), scikit-learn {sklearn.__version__}, "
      f"sktsgan {sktsgan.__version__}")
EOF

declare -A status
declare -A summary

# figures FILE EXPRESSION: EXPRESSION evaluated with d, the JSON in FILE
figures() {
  "$python" -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null
}

run_tests() {
  timeout 180 "$python" -m pytest -q -p no:cacheprovider -rfEs sktsgan/tests/test_cuda.py \
    "sktsgan/tests/test_persistence.py::test_gpu_trained_sampler_loads_and_samples_on_cpu" \
    2>&1 | tee "$out/tests.log"
  local rc=${PIPESTATUS[0]}
  summary[tests]="$(tail -n 1 "$out/tests.log")"
  # a skip here means the tests did not see the GPU
  if grep -q "skipped" <<<"${summary[tests]}"; then rc=1; fi
  return "$rc"
}

run_speed() {
  timeout 150 "$python" benchmarks/speed.py --device cuda --rounds 3 --steps 10 \
    --json "$out/speed_cuda.json" 2>&1 | tee "$out/speed.log"
  local rc=${PIPESTATUS[0]}
  summary[speed]="$(figures "$out/speed_cuda.json" \
    "'; '.join(f\"{r['step']} {r['ratio']:.2f}x\" for r in d['training'])
     + '; sampling %.2f M steps/s' % (d['sampling']['steps_per_second'] / 1e6)")"
  return "$rc"
}

run_fit() {
  # max_time bounds the fit: a fit shorter than 120 s ran all its default epochs.
  timeout 300 "$python" benchmarks/timegan_protocol.py --sampler timegan --data sines \
    --n-series 2000 --budget defaults --device cuda --n-repeats 3 --set max_time=120 \
    --json "$out/timegan_cuda.json" 2>&1 | tee "$out/fit.log"
  local rc=${PIPESTATUS[0]}
  summary[fit]="$(figures "$out/timegan_cuda.json" \
    "'discriminative %.3f, predictive %.3f, fit %.0f s' % (d['discriminative'][0],
     d['predictive'][0], d['runs'][0]['fit_seconds'])")"
  return "$rc"
}

for stage in "${stages[@]}"; do
  case "$stage" in
    tests | speed | fit) ;;
    *) echo "gpu_check: unknown stage '$stage' (tests, speed or fit)" >&2; exit 2 ;;
  esac
  echo "== $stage"
  start=$SECONDS
  if "run_$stage"; then status[$stage]="pass"; else status[$stage]="FAIL"; fi
  status[$stage]="${status[$stage]} ($((SECONDS - start)) s)"
done

echo
echo "| stage | result | figures |"
echo "|---|---|---|"
for stage in "${stages[@]}"; do
  echo "| $stage | ${status[$stage]} | ${summary[$stage]:-} |"
done | tee "$out/summary.md"
! grep -q "| FAIL" "$out/summary.md"
