// The checks before ONNX's shape inference (core/io/onnxguards.h).
#include "core/io/onnxguards.h"

#include <cstdint>

namespace coinfer::onnxguards {

std::optional<NodeProblem> findControlFlow(const onnx::GraphProto& graph)
{
    for (int n = 0; n < graph.node_size(); ++n)
        for (const onnx::AttributeProto& attribute : graph.node(n).attribute()) {
            // The type field may be missing or lie; a graph that is present counts either way.
            const bool holdsGraph = attribute.type() == onnx::AttributeProto::GRAPH || attribute.type() == onnx::AttributeProto::GRAPHS
                                    || attribute.has_g() || attribute.graphs_size() > 0;
            if (holdsGraph)
                return NodeProblem{n, "is control flow (its attribute '" + attribute.name()
                                          + "' holds a subgraph); Coinfer imports graphs without If, Loop or Scan"};
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
                    return NodeProblem{n, name + " holds " + std::to_string(value) + "; it must be at least " + std::to_string(least)};
            if (attribute.has_i() && attribute.i() < least)
                return NodeProblem{n, name + " is " + std::to_string(attribute.i()) + "; it must be at least " + std::to_string(least)};
        }
    return std::nullopt;
}

} // namespace coinfer::onnxguards
