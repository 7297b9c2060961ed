#!/usr/bin/env python3
"""Exports torchvision 0.14's classification models as ONNX graphs without weights
(export_params=False: the weights stay graph inputs with shapes, no initializers), opset 13, input
1x3x224x224 (Inception-v3: 1x3x299x299), into tests/data/onnx/. Coinfer's importer needs only the
shapes, so each file is tens to hundreds of KB instead of tens of MB. Random weights: nothing is
downloaded. The four models the built-ins are checked against keep their short file names.
Usage (Debian's python3-torchvision): /usr/bin/python3 scripts/export-torchvision-onnx.py [OUTDIR [MODEL...]]"""
import pathlib
import sys

import torch
import torchvision

# File stem -> torchvision constructor name.
BUILTIN_MATCHES = {"mobilenetv2": "mobilenet_v2", "resnet18": "resnet18", "vgg16": "vgg16", "resnet50": "resnet50"}
# The 20 models a phone-minded user tries first, then the other sizes of each family.
MODELS = [
    "alexnet", "vgg11", "resnext50_32x4d", "wide_resnet50_2", "squeezenet1_1", "mobilenet_v3_small",
    "mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "mnasnet1_0", "shufflenet_v2_x1_0", "densenet121",
    "inception_v3", "googlenet", "convnext_tiny", "vit_b_16", "swin_t",
    "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4", "efficientnet_b5", "efficientnet_b6",
    "efficientnet_b7", "mnasnet0_5", "mnasnet0_75", "mnasnet1_3", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_x_400mf",
    "regnet_x_800mf", "resnet34", "resnet101", "resnet152", "vgg13", "vgg19", "vgg11_bn", "squeezenet1_0",
    "shufflenet_v2_x0_5", "densenet169", "vit_b_32", "convnext_small", "swin_s", "swin_b",
]


def input_size(name):
    return 299 if name.startswith("inception") else 224


def export(name, path, export_params=False):
    torch.manual_seed(0)
    # Inception-v3 and GoogLeNet otherwise build their auxiliary classifiers (training only).
    extra = {"aux_logits": False, "init_weights": False} if name in ("inception_v3", "googlenet") else {}
    model = getattr(torchvision.models, name)(weights=None, **extra).eval()
    size = input_size(name)
    torch.onnx.export(model, torch.zeros(1, 3, size, size), str(path), export_params=export_params, opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent / "tests/data/onnx")
    out.mkdir(parents=True, exist_ok=True)
    wanted = sys.argv[2:]
    jobs = [(stem, name) for stem, name in BUILTIN_MATCHES.items()] + [(name, name) for name in MODELS]
    for stem, name in jobs:
        if wanted and stem not in wanted and name not in wanted:
            continue
        path = out / f"{stem}.onnx"
        export(name, path)
        print(f"{path}: {path.stat().st_size} bytes", flush=True)


if __name__ == "__main__":
    main()
