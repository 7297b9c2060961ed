#!/usr/bin/env python3
"""The CPU reference against PyTorch on whole models: each torchvision model (random weights,
seeded) is exported with its weights (export_params=True, opset 13) into a temporary folder, run by
`coinfer dnn run` on a seeded input, and compared with PyTorch's own output for that input:
every logit must be within 1e-4 of PyTorch's, relative to the largest logit's magnitude
(max |coinfer - torch| <= 1e-4 * max |torch|; an elementwise relative error is meaningless for
logits near 0). Exits 1 when a model fails, 2 when one cannot be run, 77 without PyTorch.
Usage: /usr/bin/python3 scripts/torch-whole-model-check.py COINFER [--size S] MODEL...
(e.g. build/app/coinfer --size 64 mobilenet_v3_small efficientnet_b0). --size sets the input's
height and width (default 224): the CPU reference is plain loops, so small inputs keep CI fast."""
import argparse
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import torch
    import torchvision
except ImportError:  # CTest's skip code: python3-torch and python3-torchvision are not installed
    print("PyTorch is not installed (python3-torch, python3-torchvision): skipped")
    sys.exit(77)

TOLERANCE = 1e-4


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def write_tensor(path, tensor, name):
    """A FLOAT TensorProto: dims (field 1), data_type 1 (field 2), name (8), raw_data (9)."""
    data = tensor.detach().numpy().astype("<f4").tobytes()
    body = b"".join(varint(1 << 3) + varint(d) for d in tensor.shape)
    body += varint(2 << 3) + varint(1)
    body += varint((8 << 3) | 2) + varint(len(name)) + name.encode()
    body += varint((9 << 3) | 2) + varint(len(data)) + data
    Path(path).write_bytes(body)


def read_tensor(path):
    """dims and raw float data of a TensorProto as coinfer writes it."""
    data, at, dims, raw = Path(path).read_bytes(), 0, [], b""

    def read_varint():
        nonlocal at
        shift = value = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while at < len(data):
        key = read_varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            value = read_varint()
            if field == 1:
                dims.append(value)
        elif wire == 2:
            length = read_varint()
            chunk = data[at:at + length]
            at += length
            if field == 9:
                raw = chunk
            elif field == 1:  # packed dims
                inner = 0
                while inner < len(chunk):
                    shift = value = 0
                    while True:
                        byte = chunk[inner]
                        inner += 1
                        value |= (byte & 0x7F) << shift
                        shift += 7
                        if byte < 0x80:
                            break
                    dims.append(value)
        else:
            raise ValueError(f"{path}: unexpected wire type {wire}")
    values = struct.unpack(f"<{len(raw) // 4}f", raw)
    return dims, torch.tensor(values).reshape(dims)


def gelu_softmax_head(_size):
    """Layers no small torchvision model has yet, checked on their own: GELU (exported in its Erf
    form) after a convolution, and Softmax over the classes."""
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.GELU(), torch.nn.AdaptiveAvgPool2d(1),
                               torch.nn.Flatten(), torch.nn.Linear(8, 10), torch.nn.GELU(), torch.nn.Softmax(dim=1))


def tiny_vit(size):
    """torchvision's VisionTransformer at a size CI can run on the CPU reference: 2 encoder layers
    of 4 heads on 64 features, 16x16 patches (the class token, the positional embedding, layer
    norms, PyTorch's multi-head attention, the MLP's GELU and the head on the class token)."""
    return torchvision.models.VisionTransformer(image_size=size, patch_size=16, num_layers=2, num_heads=4, hidden_dim=64,
                                                mlp_dim=128, num_classes=10)


def tiny_swin(_size):
    """torchvision's SwinTransformer at a size CI can run on the CPU reference: 4x4 patches, 32
    features, 3 stages of 2 blocks (2, 4 and 8 heads) in 4x4 windows, so that at 64x64 the 16x16,
    8x8 and 4x4 images hold whole windows (shifted and unshifted window attention with their
    relative position biases and masks, patch merging, layer norms, the MLP's GELU)."""
    return torchvision.models.SwinTransformer(patch_size=[4, 4], embed_dim=32, depths=[2, 2, 2], num_heads=[2, 4, 8],
                                              window_size=[4, 4], num_classes=10)


# Models of this script's own, by name, next to torchvision's.
OWN_MODELS = {"gelu_softmax_head": gelu_softmax_head, "tiny_vit": tiny_vit, "tiny_swin": tiny_swin}


def check(coinfer, name, size, folder):
    torch.manual_seed(0)
    extra = {"aux_logits": False, "init_weights": False} if name in ("inception_v3", "googlenet") else {}
    model = OWN_MODELS[name](size) if name in OWN_MODELS else getattr(torchvision.models, name)(weights=None, **extra)
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1)) * 2 - 1
    # Fresh batch norms (mean 0, variance 1) let Inception-v3's and GoogLeNet's features fade to
    # 1e-7, and their logits become the classifier's bias whatever the input: every batch norm
    # takes its statistics from a seeded batch first, as training would have.
    # ViT's classifier starts at zero (torchvision's initialisation), so its logits would be its
    # bias whatever the input: such a layer gets small seeded weights instead.
    torch.manual_seed(4)
    for linear in [m for m in model.modules() if isinstance(m, torch.nn.Linear)]:
        if not linear.weight.detach().any():
            torch.nn.init.normal_(linear.weight, std=0.02)
    batch_norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in batch_norms:
        bn.reset_running_stats()
        bn.momentum = None  # a cumulative average: one batch gives its exact statistics
    if batch_norms:
        model.train()
        with torch.no_grad():
            model(torch.rand(8, 3, size, size, generator=torch.Generator().manual_seed(3)) * 2 - 1)
    model.eval()
    with torch.no_grad():
        expected = model(x)
        other = model(torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(2)) * 2 - 1)
    if (expected - other).abs().max().item() <= TOLERANCE * expected.abs().max().item():
        print(f"{name}: its output hardly depends on its input (vanishing activations), so comparing it checks nothing")
        return None
    onnx_path, input_path, output_path = folder / f"{name}.onnx", folder / f"{name}-input.pb", folder / f"{name}-out.pb"
    torch.onnx.export(model, x, str(onnx_path), export_params=True, opset_version=13, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True)
    write_tensor(input_path, x, "input")
    start = time.process_time()
    run = subprocess.run([coinfer, "dnn", "run", str(onnx_path), "--input", str(input_path), "--output", str(output_path)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"{name}: coinfer dnn run failed: {run.stderr.strip()}")
        return None
    _, actual = read_tensor(output_path)
    error = (actual - expected).abs().max().item() / expected.abs().max().item()
    verdict = "pass" if error <= TOLERANCE else "FAIL"
    print(f"{name}: {verdict}: max |coinfer - torch| / max |torch| = {error:.2e} (input {size}x{size}, "
          f"{onnx_path.stat().st_size / 1e6:.1f} MB with weights)", flush=True)
    return error <= TOLERANCE


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("coinfer")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models:
            results.append(check(args.coinfer, name, args.size, Path(folder)))
    if any(r is None for r in results):
        sys.exit(2)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
