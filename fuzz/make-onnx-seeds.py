#!/usr/bin/env python3
"""Small ONNX models for fuzz_onnx's seed corpus, one per structure the importer knows: a chain,
a residual block, a concatenation, a Clip with constant bounds, a MatMul with its bias, a
dynamic input. Each file is one options byte (0: the defaults) and the model.
Usage: /usr/bin/python3 fuzz/make-onnx-seeds.py OUTDIR   (needs python3-onnx)"""
import pathlib
import sys

from onnx import TensorProto, helper


def conv(name, x, cin, cout, k, pad=0, stride=1, group=1):
    weight = helper.make_tensor_value_info(name + ".w", TensorProto.FLOAT, [cout, cin // group, k, k])
    node = helper.make_node("Conv", [x, name + ".w"], [name], name="/" + name + "/Conv", kernel_shape=[k, k],
                            pads=[pad] * 4, strides=[stride, stride], group=group)
    return node, weight


def model(nodes, weights, shape, output, opset=13):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)
    y = helper.make_tensor_value_info(output, TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "seed", [x] + weights, [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    seeds = {}

    c1, w1 = conv("c1", "x", 3, 8, 3, pad=1)
    c2, w2 = conv("c2", "p", 8, 8, 3, pad=1, stride=2, group=8)
    seeds["chain"] = model([c1, helper.make_node("Relu", ["c1"], ["r"]),
                            helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]), c2,
                            helper.make_node("GlobalAveragePool", ["c2"], ["g"]), helper.make_node("Flatten", ["g"], ["y"])],
                           [w1, w2], [1, 3, 16, 16], "y")

    s, ws = conv("s", "x", 3, 8, 3, pad=1)
    a, wa = conv("a", "s", 8, 8, 3, pad=1)
    b, wb = conv("b", "a", 8, 8, 3, pad=1)
    seeds["residual"] = model([s, a, b, helper.make_node("Add", ["b", "s"], ["sum"]), helper.make_node("Relu", ["sum"], ["y"])],
                              [ws, wa, wb], [1, 3, 8, 8], "y")

    left, wl = conv("left", "s", 8, 4, 1)
    right, wr = conv("right", "s", 8, 4, 3, pad=1)
    seeds["concat"] = model([s, left, right, helper.make_node("Concat", ["left", "right"], ["cat"], axis=1),
                             helper.make_node("Sigmoid", ["cat"], ["y"])], [ws, wl, wr], [1, 3, 8, 8], "y")

    zero = helper.make_node("Constant", [], ["zero"], value=helper.make_tensor("v0", TensorProto.FLOAT, [], [0.0]))
    six = helper.make_node("Constant", [], ["six"], value=helper.make_tensor("v6", TensorProto.FLOAT, [], [6.0]))
    seeds["clip"] = model([zero, six, helper.make_node("Clip", ["x", "zero", "six"], ["c"]),
                           helper.make_node("HardSwish", ["c"], ["y"])], [], [1, 16], "y", opset=14)

    w = helper.make_tensor_value_info("w", TensorProto.FLOAT, [16, 4])
    bias = helper.make_tensor_value_info("bias", TensorProto.FLOAT, [4])
    seeds["matmul"] = model([helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Add", ["m", "bias"], ["y"])],
                            [w, bias], [1, 16], "y")

    d, wd = conv("d", "x", 3, 4, 3)
    seeds["dynamic"] = model([d], [wd], ["batch", 3, 8, 8], "d")

    for name, m in seeds.items():
        (out / f"seed-small-{name}.onnx").write_bytes(b"\0" + m.SerializeToString())


if __name__ == "__main__":
    main()
