#!/usr/bin/env python3
"""Exports torchvision's MobileNetV2, ResNet-18, VGG-16 and ResNet-50 as ONNX graphs without
weights (export_params=False: the weights stay graph inputs with shapes, no initializers), opset
13, input 1x3x224x224, into tests/data/onnx/. Coinfer's importer needs only the shapes, so each
file is a few KB to tens of KB instead of tens of MB. Random weights: nothing is downloaded.
Usage (Debian's python3-torchvision): /usr/bin/python3 scripts/export-torchvision-onnx.py [OUTDIR]"""
import pathlib
import sys

import torch
import torchvision

MODELS = {
    "mobilenetv2": torchvision.models.mobilenet_v2,
    "resnet18": torchvision.models.resnet18,
    "vgg16": torchvision.models.vgg16,
    "resnet50": torchvision.models.resnet50,
}


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent / "tests/data/onnx")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for name, constructor in MODELS.items():
        model = constructor(weights=None).eval()
        path = out / f"{name}.onnx"
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), str(path), export_params=False, opset_version=13,
                          input_names=["input"], output_names=["logits"], do_constant_folding=True)
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
