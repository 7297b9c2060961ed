#!/usr/bin/env python3
"""Writes the hostile ONNX models of tests/data/hostile/dnn: a Conv with strides [0, 0] inside the
subgraph of a control-flow node (If's then_branch, Loop's body, Scan's body, an If nested in an
If). ONNX 1.12's shape inference divides by the stride in convPoolShapeInference, so before the
importer refused control flow these models raised SIGFPE.

The protobuf bytes are written by hand (the field numbers of onnx/onnx.proto), so neither the
onnx nor the protobuf Python package is needed. The top-level graph is a valid chain
x -> Relu -> y; the control-flow node reads only a constant condition, so it is off the data
path and only ONNX's shape inference ever walked into its subgraph.

Usage: scripts/make-hostile-onnx.py OUT_DIR [STRIDE]   (writes *.onnx there)
With STRIDE (e.g. 1) the Conv inside gets that stride and the files are named subgraph-*.onnx:
well-formed control flow, the seeds fuzz/make-corpus.sh adds for fuzz_onnx.
"""
import os
import sys

FLOAT, BOOL, INT64 = 1, 9, 7
ATTR_INT, ATTR_GRAPH, ATTR_INTS = 2, 5, 7


def varint(n):
    n &= (1 << 64) - 1  # negative int64 values are ten-byte varints
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def vint(field, n):
    return key(field, 0) + varint(n)


def blob(field, data):
    if isinstance(data, str):
        data = data.encode()
    return key(field, 2) + varint(len(data)) + data


def value_info(name, elem_type, dims):
    shape = b"".join(blob(1, vint(1, d)) for d in dims)
    tensor = vint(1, elem_type) + blob(2, shape)
    return blob(1, name) + blob(2, blob(1, tensor))


def tensor(name, elem_type, dims, int32_data=None):
    """An initializer; a weight has no data: only shapes are read (as export_params=False)."""
    out = b"".join(vint(1, d) for d in dims) + vint(2, elem_type)
    if int32_data is not None:  # int32_data (5) holds BOOL, int64_data (7) INT64
        out += blob(7 if elem_type == INT64 else 5, b"".join(varint(v) for v in int32_data))
    return out + blob(8, name)


def attr_ints(name, values):
    return blob(1, name) + vint(20, ATTR_INTS) + b"".join(vint(8, v) for v in values)


def attr_graph(name, graph):
    return blob(1, name) + vint(20, ATTR_GRAPH) + blob(6, graph)


def node(op, inputs, outputs, name, attrs=()):
    out = b"".join(blob(1, i) for i in inputs) + b"".join(blob(2, o) for o in outputs)
    out += blob(3, name) + blob(4, op)
    return out + b"".join(blob(5, a) for a in attrs)


def graph(name, nodes, inputs, outputs, initializers=()):
    out = b"".join(blob(1, n) for n in nodes) + blob(2, name)
    out += b"".join(blob(5, t) for t in initializers)
    out += b"".join(blob(11, v) for v in inputs)
    return out + b"".join(blob(12, v) for v in outputs)


STRIDE = 0


def bad_conv(out, name):
    """Conv(x, w) with strides [STRIDE, STRIDE] (0 unless told): x and w come from the outer graph."""
    return node("Conv", ["x", "w"], [out], name,
                [attr_ints("kernel_shape", [3, 3]), attr_ints("strides", [STRIDE, STRIDE]), attr_ints("pads", [1, 1, 1, 1])])


def branch(name, conv_name):
    return graph(name, [bad_conv("t", conv_name)], [], [value_info("t", FLOAT, [1, 4, 8, 8])])


def model(control_nodes, extra_inits=()):
    nodes = [node("Relu", ["x"], ["y"], "/relu/Relu")] + control_nodes
    inits = [tensor("w", FLOAT, [4, 4, 3, 3]), tensor("cond", BOOL, [], [1])] + list(extra_inits)
    g = graph("hostile", nodes, [value_info("x", FLOAT, [1, 4, 8, 8])], [value_info("y", FLOAT, [1, 4, 8, 8])], inits)
    opset = blob(1, "") + vint(2, 13)
    return vint(1, 7) + blob(2, "make-hostile-onnx.py") + blob(7, g) + blob(8, opset)


def if_model():
    return model([node("If", ["cond"], ["side"], "/side/If",
                       [attr_graph("then_branch", branch("then", "/side/then/Conv")),
                        attr_graph("else_branch", branch("else", "/side/else/Conv"))])])


def nested_if_model():
    inner = node("If", ["cond"], ["t"], "/outer/inner/If",
                 [attr_graph("then_branch", branch("then", "/outer/inner/then/Conv")),
                  attr_graph("else_branch", branch("else", "/outer/inner/else/Conv"))])
    outer_then = graph("outer_then", [inner], [], [value_info("t", FLOAT, [1, 4, 8, 8])])
    return model([node("If", ["cond"], ["side"], "/outer/If",
                       [attr_graph("then_branch", outer_then), attr_graph("else_branch", branch("else", "/outer/else/Conv"))])])


def loop_model():
    body = graph("body", [node("Identity", ["cond_in"], ["cond_out"], "/loop/body/Identity"), bad_conv("t", "/loop/body/Conv")],
                 [value_info("i", INT64, []), value_info("cond_in", BOOL, [])],
                 [value_info("cond_out", BOOL, []), value_info("t", FLOAT, [1, 4, 8, 8])])
    trip = tensor("trip", INT64, [], [2])
    return model([node("Loop", ["trip", "cond"], ["side"], "/side/Loop", [attr_graph("body", body)])], [trip])


def scan_model():
    body = graph("body", [bad_conv("t", "/scan/body/Conv"), node("Identity", ["s_in"], ["s_out"], "/scan/body/Identity")],
                 [value_info("s_in", FLOAT, [1]), value_info("e", FLOAT, [])],
                 [value_info("s_out", FLOAT, [1]), value_info("t", FLOAT, [1, 4, 8, 8])])
    state = tensor("state", FLOAT, [1])
    seq = tensor("seq", FLOAT, [2])
    scan = node("Scan", ["state", "seq"], ["state_end", "side"], "/side/Scan",
                [attr_graph("body", body), blob(1, "num_scan_inputs") + vint(20, ATTR_INT) + vint(3, 1)])
    return model([scan], [state, seq])


def main():
    global STRIDE
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    STRIDE = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    prefix = "stride-zero-in-" if STRIDE == 0 else "subgraph-in-"
    for name, data in [("stride-zero-in-if-branch.onnx", if_model()), ("stride-zero-in-nested-if.onnx", nested_if_model()),
                       ("stride-zero-in-loop-body.onnx", loop_model()), ("stride-zero-in-scan-body.onnx", scan_model())]:
        name = prefix + name[len("stride-zero-in-"):]
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
