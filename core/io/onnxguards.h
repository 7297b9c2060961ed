#pragma once
// Checks the ONNX importer makes before ONNX's shape inference runs (private to core/io, compiled
// only with COINFER_ONNX). ONNX 1.12's inference trusts attributes it divides by, and walks into
// the subgraphs of control-flow nodes even when they are off the data path, so an untrusted
// model must pass these checks first.

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace coinfer::onnxguards {

/// A node the importer refuses before shape inference, and why (without the node's label).
struct NodeProblem {
    int node = 0;        ///< index into the graph's node list
    std::string problem; ///< e.g. "strides holds 0; it must be at least 1"
};

/// The first node of @p graph that carries a subgraph (a GRAPH or GRAPHS attribute: If's
/// then_branch and else_branch, Loop's and Scan's body, or any other operator's). Coinfer maps
/// no control flow onto its layers, so such a model is refused whole and ONNX never infers
/// shapes inside a subgraph. O(nodes + attributes); subgraphs are not entered.
std::optional<NodeProblem> findControlFlow(const onnx::GraphProto& graph);

/// The first node of @p graph whose strides, dilations, kernel_shape or group is below 1, or
/// whose pads are below 0: ONNX 1.12's inference divides by them unchecked (a stride of 0 raised
/// SIGFPE inside libonnx). O(nodes + attribute values).
std::optional<NodeProblem> findBadWindowAttribute(const onnx::GraphProto& graph);

} // namespace coinfer::onnxguards
