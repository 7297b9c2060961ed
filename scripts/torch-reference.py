#!/usr/bin/env python3
"""Independent reference for the GPU profiles: times torchvision's own models (random weights,
FP32, TF32 allowed as in Coinfer's profiler) for whole forward passes on the same GPU, eagerly
and as a replayed CUDA graph, so the sum of a Coinfer profile's sub-task medians can be compared
with what PyTorch takes.
Usage: python3 scripts/torch-reference.py [BATCH ...] > torch-reference.json"""
import datetime
import json
import statistics
import sys

import torch
import torchvision


def median_ms(model, batch, graph, warmup=10, repetitions=50):
    """Median of whole forward passes: eager, or replays of one captured CUDA graph."""
    x = torch.randn(batch, 3, 224, 224, device="cuda")
    with torch.inference_mode():
        run = lambda: model(x)
        if graph:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                for _ in range(3):
                    model(x)
            torch.cuda.current_stream().wait_stream(side)
            captured = torch.cuda.CUDAGraph()
            with torch.cuda.graph(captured):
                model(x)
            run = captured.replay
        for _ in range(warmup):
            run()
        torch.cuda.synchronize()
        samples = []
        for _ in range(repetitions):
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            run()
            stop.record()
            stop.synchronize()
            samples.append(start.elapsed_time(stop))
    return statistics.median(samples)


def main():
    batches = [int(b) for b in sys.argv[1:]] or [1, 8, 16, 32]
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.benchmark = False
    torch.manual_seed(1)
    models = {"mobilenetv2": torchvision.models.mobilenet_v2, "resnet18": torchvision.models.resnet18,
              "vgg16": torchvision.models.vgg16}
    result = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "torchvision": torchvision.__version__,
              "cudnn": torch.backends.cudnn.version(), "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "precision": "fp32 (TF32 allowed in cuDNN and cuBLAS)", "warmup": 10, "repetitions": 50,
              "median_ms": {"eager": {}, "cuda-graph": {}}}
    for name, make in models.items():
        model = make(weights=None).cuda().eval()
        for launch in ("eager", "cuda-graph"):
            result["median_ms"][launch][name] = {str(b): median_ms(model, b, launch == "cuda-graph") for b in batches}
            print(name, launch, result["median_ms"][launch][name], file=sys.stderr)
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
