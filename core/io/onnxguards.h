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

/// Gives every convolution of @p graph (Conv, ConvInteger, QLinearConv, ConvTranspose) that has
/// no kernel_shape one read from its weight's declared shape (an initializer, a graph input or a
/// Constant node): ONNX 1.12 otherwise takes the kernel's rank from the weight and indexes the
/// input's dimensions, strides and pads by it unchecked (a 5-D weight on a 4-D input read out of
/// bounds inside libonnx; found by fuzz_onnx). With the attribute, ONNX checks its length
/// against the input's rank. Returns the first convolution whose weight has no declared shape
/// of rank 3 or more. O(nodes + attributes + weight ranks).
std::optional<NodeProblem> completeKernelShapes(onnx::GraphProto& graph);

} // namespace coinfer::onnxguards
