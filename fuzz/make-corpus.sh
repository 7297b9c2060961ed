#!/usr/bin/env bash
# Rebuilds the seed corpus fuzz/corpus/<target>/ from the examples, the test data, the shipped
# GPU profiles, and files written by the command line (plans, DNN descriptions, a policy trained
# for two episodes). Usage: fuzz/make-corpus.sh [path/to/coinfer]   (default build-fuzz/app/coinfer)
# Reproducers of bugs found by fuzzing (fuzz/corpus/<target>/crash-*, timeout-*, ...) are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
coinfer=${1:-build-fuzz/app/coinfer}
corpus=fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

seed() { # seed TARGET FILE [NAME]
  mkdir -p "$corpus/$1"
  cp "$2" "$corpus/$1/${3:-$(basename "$2")}"
}
for t in scenario plan dnn profile policy pipeline_plan pipeline_online onnx; do
  mkdir -p "$corpus/$t"
  find "$corpus/$t" -maxdepth 1 -type f -name 'seed-*' -delete
done

# A scenario with its population cut to COUNT users (the pipelines refuse more than 64 / 32).
python3 - "$tmp" <<'PY'
import json, sys, pathlib
tmp = pathlib.Path(sys.argv[1])
def load(p): return json.loads(pathlib.Path(p).read_text())
def dump(name, d): (tmp / name).write_text(json.dumps(d, indent=1) + "\n")

campus = load("examples/campus.json"); campus["population"]["count"] = 12; dump("campus-12.json", campus)
edge = load("examples/edge-h200.json")
if "population" in edge: edge["population"]["count"] = 10
else: edge["users"] = edge["users"][:10]
edge["dnn"]["gpu_profile"] = "resources/profiles/mobilenetv2-h200.json"; edge["dnn"]["max_batch"] = 8
dump("edge-h200-10.json", edge)

online = load("examples/online.json")
short = dict(online); short["online"] = dict(online["online"], horizon_ms=400, rate_per_s=6); dump("online-short.json", short)
bern = dict(online); bern["online"] = dict(online["online"], process="bernoulli", rate_per_s=20, horizon_ms=300); dump("online-bernoulli.json", bern)
per = json.loads(json.dumps(online)); per["online"]["horizon_ms"] = 300
per["users"][0]["arrival_rate_per_s"] = 30; per["users"][1]["deadline_jitter"] = 0.5; dump("online-per-user.json", per)
three = load("tests/data/good/three-users.json")
three["online"] = {"slot_ms": 10, "horizon_ms": 500, "process": "poisson", "rate_per_s": 5, "deadline_jitter": 0.1, "seed": 3}
dump("three-users-online.json", three)

# GPU profiles cut to batch sizes 1..4 (the signature still matches the built-in DNN).
for name in ["mobilenetv2", "resnet18", "vgg16"]:
    p = load(f"resources/profiles/{name}-h200.json")
    p["max_batch"] = 4
    for s in p["subtasks"]:
        for key in ("median_ms", "p10_ms", "p90_ms"):
            if key in s: s[key] = s[key][:4]
    dump(f"profile-{name}-b4.json", p)
p = load("resources/profiles/resnet18-h200.json"); p["subtasks"] = p["subtasks"][:2]; p["max_batch"] = 2
for s in p["subtasks"]:
    for key in ("median_ms", "p10_ms", "p90_ms"):
        if key in s: s[key] = s[key][:2]
dump("profile-resnet18-2subtasks.json", p)
PY

scenarios=(examples/classroom.json examples/campus.json examples/online.json tests/data/good/three-users.json
           tests/data/good/exact-hard.json "$tmp/campus-12.json" "$tmp/edge-h200-10.json")
for f in "${scenarios[@]}" tests/data/counterexamples/*.json tests/data/bad/*.json; do
  seed scenario "$f" "seed-$(basename "$f")"
done
# (Not edge-h200-10: its built-in MobileNetV2 has more sub-tasks than fuzz_pipeline_plan allows.)
for f in examples/classroom.json tests/data/good/three-users.json tests/data/good/exact-hard.json "$tmp/campus-12.json" \
         tests/data/counterexamples/*.json; do
  seed pipeline_plan "$f" "seed-$(basename "$f")"
done
for f in "$tmp"/online-*.json "$tmp/three-users-online.json"; do
  seed pipeline_online "$f" "seed-$(basename "$f")"
done

# Plans of the embedded scenario (examples/classroom.json), one per planner.
for alg in local full-offload no-batching ip-ssa og best; do
  "$coinfer" plan examples/classroom.json --algorithm "$alg" --output "$tmp/plan-$alg.json" 2>/dev/null || true
  [ -f "$tmp/plan-$alg.json" ] && seed plan "$tmp/plan-$alg.json" "seed-plan-$alg.json"
done

seed dnn tests/data/good/small-dnn.json seed-small-dnn.json
for f in tests/data/bad-dnn/*.json; do seed dnn "$f" "seed-$(basename "$f")"; done
for name in mobilenetv2 resnet18 vgg16; do
  "$coinfer" dnn show "$name" --format json > "$tmp/dnn-$name.json"
  seed dnn "$tmp/dnn-$name.json" "seed-dnn-$name.json"
done

for f in "$tmp"/profile-*.json; do seed profile "$f" "seed-$(basename "$f")"; done

# fuzz_onnx reads its options from the first byte (0: the defaults) and the model after it: the
# exported torchvision graphs and the small models of fuzz/make-onnx-seeds.py.
for f in tests/data/onnx/*.onnx; do printf '\0' | cat - "$f" > "$corpus/onnx/seed-$(basename "$f")"; done
/usr/bin/python3 fuzz/make-onnx-seeds.py "$corpus/onnx"
# Control flow: well-formed If, nested If, Loop and Scan models, which the importer
# refuses; the same with a stride of 0 inside are the crash-stride-zero-in-* reproducers.
/usr/bin/python3 scripts/make-hostile-onnx.py "$tmp" 1 >/dev/null
for f in "$tmp"/subgraph-in-*.onnx; do printf '\0' | cat - "$f" > "$corpus/onnx/seed-$(basename "$f")"; done

"$coinfer" train "$tmp/online-short.json" --episodes 2 --output "$tmp/policy-og.json" >/dev/null 2>&1
"$coinfer" train "$tmp/online-short.json" --planner ip-ssa --episodes 1 --seed 7 --output "$tmp/policy-ip-ssa.json" >/dev/null 2>&1
for f in "$tmp"/policy-*.json; do seed policy "$f" "seed-$(basename "$f")"; done

# One libFuzzer dictionary for every target: the field names the readers ask for (as JSON keys),
# the values they recognise, layer kinds, and numbers at the edges of what they accept.
{
  echo "# Generated by fuzz/make-corpus.sh from core/io, core/dnn and core/learning; libFuzzer -dict= format."
  { grep -ohE '(at|has|find|fail|optionalText)\((parent, |gpu, |root, )?"[A-Za-z0-9_]+"' core/io/*.cpp | grep -oE '"[A-Za-z0-9_]+"$'
    grep -ohE '"(coinfer-[a-z-]+|poisson|bernoulli|mmpp|relu6?|tanh|sigmoid|linear|og|ip-ssa|eager|cuda-graph|fp32)"' \
      core/io/*.cpp core/dnn/*.cpp core/learning/*.cpp
    grep -ohE '"(avgpool|batchnorm|conv|flatten|global_avgpool|maxpool)"' core/dnn/dnn.cpp
  } | sort -u | sed -E 's/^"(.*)"$/"\\"\1\\""/'
  for token in 0 -0 1 -1 0.5 1e15 1e-15 1e308 -1e308 1e400 2147483647 2147483648 4294967296 9007199254740993 \
               null true false '[]' '{}' '[0]' '""' ':' ','; do
    printf '"%s"\n' "${token//\"/\\\"}"
  done
} > fuzz/coinfer.dict

du -sh "$corpus"
