#!/usr/bin/env python3
"""Counts, with PyTorch itself, what Coinfer's ONNX import must find in each torchvision model of
scripts/export-torchvision-onnx.py: the multiply-accumulates of every Conv2d and Linear module that
runs (forward hooks: output elements x input channels per group x kernel area; output elements x
in_features; a MultiheadAttention's or a ShiftedWindowAttention's projections and its two products), the parameters of the modules that run (so unused auxiliary heads are left out), and
the output shape. The exporter folds each batch norm that follows a convolution into it, so the
parameters are also given as they are after that folding (parameters_bn_folded). An independent reference for tests/core/test_onnximport_torchvision.cpp: it reads
the PyTorch modules, never the ONNX graph. Writes a tab-separated table to tests/data/onnx/torchvision-counts.tsv.
Usage: /usr/bin/python3 scripts/torchvision-counts.py [OUTFILE]"""
import importlib.util
import pathlib
import sys

import torch
import torchvision

HERE = pathlib.Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("export", HERE / "export-torchvision-onnx.py")
export = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export)


def count(name):
    extra = {"aux_logits": False, "init_weights": False} if name in ("inception_v3", "googlenet") else {}
    model = getattr(torchvision.models, name)(weights=None, **extra).eval()
    macs = 0
    ran = set()
    folded = 0  # parameters a batch norm right after a convolution leaves once folded into it
    last_conv = {}

    def hook(module, inputs, output):
        nonlocal macs, folded
        ran.add(module)
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            macs += output[0].numel() * (module.in_channels // module.groups) * kh * kw
            last_conv["output"], last_conv["module"] = output, module
        elif isinstance(module, torch.nn.Linear):
            macs += output[0].numel() * module.in_features
        elif isinstance(module, torch.nn.MultiheadAttention):
            # F.multi_head_attention_forward uses the projections' weights without calling their
            # modules: the in projection (q, k, v), the scores q k^T, the context (scores v) and the
            # out projection, whose parameters count as its module had run.
            tokens, features = output[0].shape[1 if module.batch_first else 0], module.embed_dim
            macs += tokens * features * 3 * features + 2 * tokens * tokens * features + tokens * features * features
            ran.add(module.out_proj)
        elif isinstance(module, torchvision.models.swin_transformer.ShiftedWindowAttention):
            # shifted_window_attention also uses qkv's and proj's weights without calling their
            # modules: the qkv projection, the scores q k^T and the context (scores v) within each
            # window of the image padded to whole windows, and the out projection.
            window_h, window_w = module.window_size
            height, width, features = output.shape[1:]
            tokens = -(-height // window_h) * window_h * -(-width // window_w) * window_w
            macs += tokens * features * 3 * features + 2 * tokens * window_h * window_w * features
            macs += tokens * features * features
            ran.update((module.qkv, module.proj))
        elif isinstance(module, torch.nn.BatchNorm2d) and inputs[0] is last_conv.get("output"):
            # torch.onnx.export folds it into the convolution: its scale and shift become the
            # convolution's bias (a new one unless the convolution had one).
            conv = last_conv["module"]
            folded += module.num_features if conv.bias is None else 2 * module.num_features

    for module in model.modules():
        module.register_forward_hook(hook)
    size = export.input_size(name)
    with torch.no_grad():
        out = model(torch.zeros(1, 3, size, size))
    parameters = sum(p.numel() for m in ran for p in m.parameters(recurse=False))
    return {"macs": macs, "parameters": parameters, "parameters_bn_folded": parameters - folded,
            "output": list(out.shape[1:])}


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "tests/data/onnx/torchvision-counts.tsv"
    jobs = list(export.BUILTIN_MATCHES.items()) + [(name, name) for name in export.MODELS]
    lines = [f"# torchvision {torchvision.__version__}, torch {torch.__version__}: scripts/torchvision-counts.py",
             "model\tmacs\tparameters\tparameters_bn_folded\toutput"]
    for stem, name in jobs:
        c = count(name)
        lines.append(f"{stem}\t{c['macs']}\t{c['parameters']}\t{c['parameters_bn_folded']}\t"
                     + "x".join(str(d) for d in c["output"]))
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    print(f"{path}: {len(jobs)} models")


if __name__ == "__main__":
    main()
