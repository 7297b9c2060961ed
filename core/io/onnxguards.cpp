// The checks before ONNX's shape inference (core/io/onnxguards.h).
#include "core/io/onnxguards.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace coinfer::onnxguards {

std::optional<NodeProblem> findControlFlow(const onnx::GraphProto& graph)
{
    for (int n = 0; n < graph.node_size(); ++n)
        for (const onnx::AttributeProto& attribute : graph.node(n).attribute()) {
            // The type field may be missing or lie; a graph that is present counts either way.
            const bool holdsGraph = attribute.type() == onnx::AttributeProto::GRAPH ||
                                    attribute.type() == onnx::AttributeProto::GRAPHS || attribute.has_g() ||
                                    attribute.graphs_size() > 0;
            if (holdsGraph)
                return NodeProblem{n, "is control flow (its attribute '" + attribute.name() +
                                          "' holds a subgraph); Coinfer imports graphs without If, Loop or Scan"};
        }
    return std::nullopt;
}

std::optional<NodeProblem> findBadWindowAttribute(const onnx::GraphProto& graph)
{
    for (int n = 0; n < graph.node_size(); ++n)
        for (const onnx::AttributeProto& attribute : graph.node(n).attribute()) {
            const std::string& name = attribute.name();
            const bool positive = name == "strides" || name == "dilations" || name == "kernel_shape" || name == "group";
            if (!positive && name != "pads")
                continue;
            const std::int64_t least = positive ? 1 : 0;
            for (std::int64_t value : attribute.ints())
                if (value < least)
                    return NodeProblem{n, name + " holds " + std::to_string(value) + "; it must be at least " +
                                              std::to_string(least)};
            if (attribute.has_i() && attribute.i() < least)
                return NodeProblem{n, name + " is " + std::to_string(attribute.i()) + "; it must be at least " +
                                          std::to_string(least)};
        }
    return std::nullopt;
}

namespace {

using Dims = std::vector<std::int64_t>;

/// Declared shapes of the tensors whose shape is known before inference: initializers, graph
/// inputs with every dimension fixed, and the values of Constant nodes.
std::unordered_map<std::string, Dims> declaredShapes(const onnx::GraphProto& graph)
{
    std::unordered_map<std::string, Dims> shapes;
    for (const onnx::ValueInfoProto& input : graph.input()) {
        if (!input.type().has_tensor_type() || !input.type().tensor_type().has_shape())
            continue;
        Dims dims;
        for (const auto& dim : input.type().tensor_type().shape().dim())
            dims.push_back(dim.has_dim_value() && dim.dim_value() > 0 ? dim.dim_value() : -1);
        if (std::all_of(dims.begin(), dims.end(), [](std::int64_t d) { return d > 0; }))
            shapes[input.name()] = dims;
    }
    for (const onnx::TensorProto& initializer : graph.initializer())
        shapes[initializer.name()] = Dims(initializer.dims().begin(), initializer.dims().end());
    for (const onnx::NodeProto& node : graph.node())
        if (node.op_type() == "Constant" && node.output_size() == 1)
            for (const onnx::AttributeProto& attribute : node.attribute())
                if (attribute.name() == "value" && attribute.has_t())
                    shapes[node.output(0)] = Dims(attribute.t().dims().begin(), attribute.t().dims().end());
    return shapes;
}

/// The position of a convolution's weight among its inputs, or -1 for another operator.
int weightPosition(const onnx::NodeProto& node)
{
    if (!node.domain().empty() && node.domain() != "ai.onnx")
        return -1;
    const std::string& op = node.op_type();
    if (op == "Conv" || op == "ConvInteger" || op == "ConvTranspose")
        return 1;
    return op == "QLinearConv" ? 3 : -1;
}

} // namespace

std::optional<NodeProblem> completeKernelShapes(onnx::GraphProto& graph)
{
    std::unordered_map<std::string, Dims> shapes;
    bool indexed = false;
    for (int n = 0; n < graph.node_size(); ++n) {
        onnx::NodeProto& node = *graph.mutable_node(n);
        const int weight = weightPosition(node);
        if (weight < 0)
            continue;
        const bool hasKernel = std::any_of(node.attribute().begin(), node.attribute().end(),
                                           [](const onnx::AttributeProto& a) { return a.name() == "kernel_shape"; });
        if (hasKernel)
            continue;
        if (!indexed) {
            shapes = declaredShapes(graph);
            indexed = true;
        }
        const std::string name = weight < node.input_size() ? node.input(weight) : std::string();
        const auto shape = shapes.find(name);
        if (name.empty() || shape == shapes.end() || shape->second.size() < 3)
            return NodeProblem{n, "has no kernel_shape, and its weight" + (name.empty() ? std::string() : " '" + name + "'") +
                                      " has no declared shape of rank 3 or more to read it from; export with kernel_shape"};
        onnx::AttributeProto* kernel = node.add_attribute();
        kernel->set_name("kernel_shape");
        kernel->set_type(onnx::AttributeProto::INTS);
        for (size_t d = 2; d < shape->second.size(); ++d)
            kernel->add_ints(shape->second[d]);
    }
    return std::nullopt;
}

} // namespace coinfer::onnxguards
