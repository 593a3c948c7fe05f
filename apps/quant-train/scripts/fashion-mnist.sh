#!/bin/sh
# The real-data run of issue 6: a float ResNet18-structured model trained on Fashion-MNIST, then
# QAT to uniform8, uniform4 and bops_0.5, each evaluated on the 10,000 test images with the exact
# integer ORT engine. Run from the repository root after `pnpm build`:
#   sh apps/quant-train/scripts/fashion-mnist.sh
# Environment knobs (defaults in brackets): DATA [/tmp/fashion-mnist], RUN [runs/fashion-mnist],
# PER_CLASS [all] (images per class and split, for quick runs), WIDTH [8], SIZE [193],
# FLOAT_EPOCHS [2], QAT_EPOCHS [1], QAT_PERCENT [0.1], BATCH [64], BACKEND [wasm], WORKERS [2].
# Results: $RUN/float.pth, $RUN/<scheme>/{checkpoint,model_best,quantized_checkpoint}.pth.tar,
# $RUN/<scheme>/eval_results.json and $RUN/<scheme>/log.log.
set -eu
DATA=${DATA:-/tmp/fashion-mnist}
RUN=${RUN:-runs/fashion-mnist}
WIDTH=${WIDTH:-8}
SIZE=${SIZE:-193}
FLOAT_EPOCHS=${FLOAT_EPOCHS:-2}
QAT_EPOCHS=${QAT_EPOCHS:-1}
QAT_PERCENT=${QAT_PERCENT:-0.1}
BATCH=${BATCH:-64}
BACKEND=${BACKEND:-wasm}
WORKERS=${WORKERS:-2}
PER_CLASS_FLAG=""
if [ -n "${PER_CLASS:-}" ]; then PER_CLASS_FLAG="--per-class $PER_CLASS"; fi
CLI=apps/quant-train/dist/cli.js
start=$(date +%s)

# 1. Debian's Fashion-MNIST as an ImageNet-layout folder, and the float baseline
# shellcheck disable=SC2086
node apps/quant-train/dist/train-float.js --fashion-mnist $PER_CLASS_FLAG --data "$DATA" \
  --out "$RUN/float.pth" --width "$WIDTH" --input-size "$SIZE" --epochs "$FLOAT_EPOCHS" \
  -b "$BATCH" --lr 0.05 --seed 1 --backend "$BACKEND" -j "$WORKERS"

# 2. QAT from the float weights (the README/zoo recipe: --fix-BN, range momentum 0.99), 3. evaluation
for scheme in uniform8 uniform4 bops_0.5; do
  node "$CLI" -a resnet18 --data "$DATA" --pretrained "$RUN/float.pth" --input-size "$SIZE" \
    --epochs "$QAT_EPOCHS" --lr 0.001 -b "$BATCH" --act-range-momentum=0.99 --wd 1e-4 --fix-BN \
    --data-percentage "$QAT_PERCENT" --quant-scheme "$scheme" --save-path "$RUN/$scheme/" --seed 1 \
    --backend "$BACKEND" -j "$WORKERS"
  node "$CLI" -a resnet18 --data "$DATA" --resume "$RUN/$scheme/checkpoint.pth.tar" --resume-quantize \
    -e --engine ort --quant-scheme "$scheme" --input-size "$SIZE" -b "$BATCH" -j "$WORKERS" \
    --save-path "$RUN/$scheme/" --results "$RUN/$scheme/eval_results.json"
done
echo "fashion-mnist run: $(( $(date +%s) - start )) s; results in $RUN/*/eval_results.json" >&2
