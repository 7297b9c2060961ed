// The ONNX importer (core/io/onnximport.h), compiled only with COINFER_ONNX; onnximport_common.cpp
// holds what a build without ONNX has too.
#include "core/io/onnximport.h"

#include "core/io/onnxguards.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnxnodes.h"
#include "core/io/onnxstream.h"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace coinfer {

namespace onnxdetail {

std::string GraphImport::nodeLabel(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const std::string domain = node.domain().empty() || node.domain() == "ai.onnx" ? "" : node.domain() + ".";
    return "node '" + node.name() + "' (" + domain + node.op_type() + ", position " +
           std::to_string(m_fileIndex[static_cast<size_t>(n)] + 1) + " of " + std::to_string(m_graph.node_size()) +
           " in the graph's node list)";
}

void GraphImport::indexTensors()
{
    m_producer.clear();
    m_consumers.clear();
    for (int n = 0; n < m_graph.node_size(); ++n) {
        const onnx::NodeProto& node = m_graph.node(n);
        for (const std::string& output : node.output()) {
            if (output.empty())
                continue;
            if (!m_producer.emplace(output, n).second)
                failNode(n, "writes tensor '" + output + "', which another node writes too");
        }
        for (int i = 0; i < node.input_size(); ++i)
            if (!node.input(i).empty())
                m_consumers[node.input(i)].push_back({n, i});
    }
}

/// Kahn's algorithm over tensors; the graph's nodes are rewritten in that order (ONNX's shape
/// inference walks them as stored). O(V + E).
void GraphImport::sortTopologically()
{
    const int count = m_graph.node_size();
    std::unordered_set<std::string> available(m_initializers);
    for (const onnx::ValueInfoProto& input : m_graph.input())
        available.insert(input.name());
    std::vector<int> missing(static_cast<size_t>(count), 0);
    std::deque<int> ready;
    for (int n = 0; n < count; ++n) {
        const onnx::NodeProto& node = m_graph.node(n);
        std::unordered_set<std::string> waits;
        for (const std::string& input : node.input()) {
            if (input.empty() || available.count(input))
                continue;
            if (!m_producer.count(input))
                failNode(n, "reads tensor '" + input + "', which is neither a graph input, an initializer nor any node's output");
            waits.insert(input);
        }
        missing[static_cast<size_t>(n)] = static_cast<int>(waits.size());
        if (waits.empty())
            ready.push_back(n);
    }
    std::vector<int> order;
    order.reserve(static_cast<size_t>(count));
    std::unordered_set<std::string> produced;
    while (!ready.empty()) {
        const int n = ready.front();
        ready.pop_front();
        order.push_back(n);
        for (const std::string& output : m_graph.node(n).output()) {
            if (output.empty() || available.count(output) || !produced.insert(output).second)
                continue;
            auto consumers = m_consumers.find(output);
            if (consumers == m_consumers.end())
                continue;
            std::unordered_set<int> seen; // a node reading one tensor twice waits for it once
            for (const Consumer& c : consumers->second)
                if (seen.insert(c.node).second && --missing[static_cast<size_t>(c.node)] == 0)
                    ready.push_back(c.node);
        }
    }
    if (static_cast<int>(order.size()) < count) {
        // A node left waiting waits for another one left waiting; walking from one to the next
        // must come back to a node already seen, which is on a cycle. O(V + E).
        int n = 0;
        while (missing[static_cast<size_t>(n)] == 0)
            ++n;
        std::vector<bool> seen(static_cast<size_t>(count), false);
        while (!seen[static_cast<size_t>(n)]) {
            seen[static_cast<size_t>(n)] = true;
            for (const std::string& input : m_graph.node(n).input())
                if (!input.empty() && !available.count(input) && !produced.count(input)) {
                    n = m_producer.at(input);
                    break;
                }
        }
        failNode(n, "is on a cycle: the graph is not acyclic");
    }
    m_fileIndex = order; // sorted position -> file index
    google::protobuf::RepeatedPtrField<onnx::NodeProto> sorted;
    for (int n : order)
        *sorted.Add() = m_graph.node(n);
    m_graph.mutable_node()->Swap(&sorted);
    indexTensors();
}

void GraphImport::markActivations()
{
    m_activations = {m_input};
    m_activationNode.assign(static_cast<size_t>(m_graph.node_size()), false);
    for (int n = 0; n < m_graph.node_size(); ++n) {
        const onnx::NodeProto& node = m_graph.node(n);
        bool active = false;
        for (int i = 0; i < node.input_size(); ++i)
            if (m_activations.count(node.input(i)) && isDataPosition(node.op_type(), i))
                active = true;
        if (!active)
            continue;
        // An operator Coinfer lacks (e.g. Mul gating two activations, as in squeeze-and-excitation
        // or SiLU) is named as such, not as a misplaced weight.
        const bool standard = node.domain().empty() || node.domain() == "ai.onnx";
        if (!standard || !isSupportedOp(node.op_type()))
            failNode(n, "operator not supported by Coinfer (supported: " + kSupportedOps + ")");
        for (int i = 0; i < node.input_size(); ++i) {
            if (!m_activations.count(node.input(i)) || isDataPosition(node.op_type(), i))
                continue;
            if (node.op_type() == "MatMul") // an attention's q k^T or scores times v, outside the known patterns
                failNode(n, "multiplies two activations outside the attentions Coinfer maps (PyTorch's "
                            "nn.MultiheadAttention, torchvision's shifted-window attention on windows that tile the "
                            "image); not supported");
            failNode(n, "reads the activation '" + node.input(i) + "' as input " + std::to_string(i) +
                            ", a weight or parameter position; only constant weights are supported");
        }
        m_activationNode[static_cast<size_t>(n)] = true;
        for (const std::string& output : node.output())
            if (!output.empty())
                m_activations.insert(output);
    }
}

/// Keeps the activation nodes the output depends on; others (unused branches, shape side
/// computations) are dropped. O(V + E).
void GraphImport::keepPathToOutput()
{
    if (!m_activations.count(m_output))
        fail("the graph's output '" + m_output + "' does not depend on the input '" + m_input + "'");
    m_kept.assign(static_cast<size_t>(m_graph.node_size()), false);
    std::vector<std::string> pending = {m_output};
    std::unordered_set<std::string> seen = {m_output};
    while (!pending.empty()) {
        const std::string tensor = pending.back();
        pending.pop_back();
        auto producer = m_producer.find(tensor);
        if (producer == m_producer.end() || !m_activationNode[static_cast<size_t>(producer->second)])
            continue;
        m_kept[static_cast<size_t>(producer->second)] = true;
        const onnx::NodeProto& node = m_graph.node(producer->second);
        // A fused pattern's inner nodes are part of its layer, not nodes of their own.
        if (const auto fused = m_fusions.find(producer->second); fused != m_fusions.end()) {
            if (seen.insert(node.input(fused->second.dataSlot)).second)
                pending.push_back(node.input(fused->second.dataSlot));
            continue;
        }
        for (const std::string& input : node.input())
            if (m_activations.count(input) && seen.insert(input).second)
                pending.push_back(input);
    }
    m_order.clear();
    for (int n = 0; n < m_graph.node_size(); ++n)
        if (m_kept[static_cast<size_t>(n)]) {
            m_positionInOrder[n] = static_cast<int>(m_order.size());
            m_order.push_back(n);
        }
    if (m_order.empty())
        fail("the graph's output is its input: there is nothing to import");
    for (int n : m_order) {
        const onnx::NodeProto& node = m_graph.node(n);
        const bool standard = node.domain().empty() || node.domain() == "ai.onnx";
        if (!standard || !isSupportedOp(node.op_type()))
            failNode(n, "operator not supported by Coinfer (supported: " + kSupportedOps + ")");
    }
}

void GraphImport::setInputShape()
{
    onnx::ValueInfoProto* input = nullptr;
    for (onnx::ValueInfoProto& candidate : *m_graph.mutable_input())
        if (candidate.name() == m_input)
            input = &candidate;
    if (!input->type().has_tensor_type())
        fail("the input '" + m_input + "' is not a tensor");
    onnx::TypeProto_Tensor* tensor = input->mutable_type()->mutable_tensor_type();
    if (!m_options.inputShape.empty()) {
        if (tensor->has_shape() && tensor->shape().dim_size() != static_cast<int>(m_options.inputShape.size()))
            fail("the input shape " + dimsText(m_options.inputShape) + " has rank " +
                 std::to_string(m_options.inputShape.size()) + ", but the input '" + m_input + "' has rank " +
                 std::to_string(tensor->shape().dim_size()));
        tensor->mutable_shape()->clear_dim();
        for (std::int64_t d : m_options.inputShape)
            tensor->mutable_shape()->add_dim()->set_dim_value(d);
        return;
    }
    if (!tensor->has_shape())
        fail("the input '" + m_input + "' has no shape; give one with --input-shape (e.g. 1x3x224x224)");
    bool dynamic = false, unknownSizes = false;
    std::string shown, suggestion;
    for (int i = 0; i < tensor->shape().dim_size(); ++i) {
        const auto& dim = tensor->shape().dim(i);
        const bool fixed = dim.has_dim_value() && dim.dim_value() > 0;
        const std::string name = dim.has_dim_param() && !dim.dim_param().empty() ? dim.dim_param() : "?";
        dynamic = dynamic || !fixed;
        shown += (i > 0 ? "x" : "") + (fixed ? std::to_string(dim.dim_value()) : name);
        // One sample is what Coinfer describes, so a dynamic batch size becomes 1; any other
        // dynamic size is the user's to choose.
        unknownSizes = unknownSizes || (!fixed && i > 0);
        suggestion += (i > 0 ? "x" : "") + (fixed ? std::to_string(dim.dim_value()) : i == 0 ? "1" : "<" + name + ">");
    }
    if (dynamic)
        fail("the input '" + m_input + "' has a dynamic shape (" + shown + "); give a fixed one with --input-shape " +
             suggestion + (unknownSizes ? " (choose each <size>)" : ""));
}

void GraphImport::inferShapes()
{
    // The exporter's intermediate shapes were made for its own input shape: inference starts
    // from the input alone, so an --input-shape cannot clash with them.
    m_graph.clear_value_info();
    for (onnx::ValueInfoProto& output : *m_graph.mutable_output())
        if (output.type().has_tensor_type())
            output.mutable_type()->mutable_tensor_type()->clear_shape();
    // ONNX 1.12's inference trusts what it divides and indexes by (a stride of 0 raised SIGFPE,
    // a convolution's kernel rank taken from a 5-D weight read out of bounds; both found by
    // fuzz_onnx): give each convolution its kernel_shape, then refuse bad window attributes.
    if (const auto missing = onnxguards::completeKernelShapes(m_graph))
        failNode(missing->node, missing->problem);
    if (const auto bad = onnxguards::findBadWindowAttribute(m_graph))
        failNode(bad->node, bad->problem);
    // Inference sees only the nodes the output depends on: a node Coinfer ignores (an unused
    // branch, another operator's side output) cannot reach libonnx's inference at all.
    const std::vector<bool> needed = ancestorsOfOutput();
    google::protobuf::RepeatedPtrField<onnx::NodeProto> all, inferred;
    m_graph.mutable_node()->Swap(&all);
    for (int n = 0; n < all.size(); ++n)
        if (needed[static_cast<size_t>(n)])
            inferred.Add()->Swap(all.Mutable(n));
    m_graph.mutable_node()->Swap(&inferred);
    std::string error;
    try {
        onnx::ShapeInferenceOptions strict(false, 1, false);
        onnx::shape_inference::InferShapes(m_model, onnx::OpSchemaRegistry::Instance(), strict);
    } catch (const std::exception& thrown) {
        error = thrown.what();
    }
    m_graph.mutable_node()->Swap(&inferred);
    for (int n = 0, k = 0; n < all.size(); ++n)
        if (needed[static_cast<size_t>(n)])
            all.Mutable(n)->Swap(inferred.Mutable(k++));
    m_graph.mutable_node()->Swap(&all);
    if (!error.empty())
        fail("ONNX shape inference failed: " + error);
}

/// The nodes the graph's output depends on through any input (weights made by Constant or
/// shape nodes included), in the graph's sorted order. O(V + E).
std::vector<bool> GraphImport::ancestorsOfOutput() const
{
    std::vector<bool> needed(static_cast<size_t>(m_graph.node_size()), false);
    std::vector<std::string> pending = {m_output};
    std::unordered_set<std::string> seen = {m_output};
    while (!pending.empty()) {
        const std::string tensor = pending.back();
        pending.pop_back();
        const auto producer = m_producer.find(tensor);
        if (producer == m_producer.end() || needed[static_cast<size_t>(producer->second)])
            continue;
        needed[static_cast<size_t>(producer->second)] = true;
        for (const std::string& input : m_graph.node(producer->second).input())
            if (!input.empty() && seen.insert(input).second)
                pending.push_back(input);
    }
    return needed;
}

void GraphImport::collectShapes()
{
    auto collect = [&](const onnx::ValueInfoProto& value) {
        if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape())
            return;
        Dims dims;
        for (const auto& dim : value.type().tensor_type().shape().dim())
            dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        m_shapes[value.name()] = dims;
    };
    for (const auto& value : m_graph.input())
        collect(value);
    for (const auto& value : m_graph.value_info())
        collect(value);
    for (const auto& value : m_graph.output())
        collect(value);
    for (const onnx::TensorProto& initializer : m_graph.initializer())
        m_shapes.emplace(initializer.name(), Dims(initializer.dims().begin(), initializer.dims().end()));
}

const Dims& GraphImport::shapeOf(const std::string& tensor, int producer) const
{
    auto shape = m_shapes.find(tensor);
    const bool known =
        shape != m_shapes.end() && std::all_of(shape->second.begin(), shape->second.end(), [](std::int64_t d) { return d >= 0; });
    if (!known) {
        const std::string what = "ONNX shape inference gives no fixed shape for tensor '" + tensor + "'";
        if (producer >= 0)
            failNode(producer, what);
        fail(what);
    }
    return shape->second;
}

/// The per-sample shape of an activation: N x C x H x W -> C x H x W, N x C x L -> C x L x 1,
/// N x F -> F x 1 x 1, N -> 1 x 1 x 1.
TensorShape GraphImport::sampleShape(const std::string& tensor, int producer) const
{
    const Dims& dims = shapeOf(tensor, producer);
    const auto tooLarge = [](std::int64_t d) { return d < 1 || d > INT_MAX; };
    if (dims.empty() || dims.size() > 4 || std::any_of(dims.begin() + 1, dims.end(), tooLarge)) {
        const std::string what = "tensor '" + tensor + "' has shape " + dimsText(dims) +
                                 "; Coinfer handles N x C x H x W, N x C x L, N x features and N tensors with sizes from 1 to " +
                                 std::to_string(INT_MAX);
        if (producer >= 0)
            failNode(producer, what);
        fail(what);
    }
    if (dims.size() == 1) // one value per sample
        return {1, 1, 1};
    if (dims.size() == 2)
        return {static_cast<int>(dims[1]), 1, 1};
    if (dims.size() == 3) // a sequence: its length as the height
        return {static_cast<int>(dims[1]), static_cast<int>(dims[2]), 1};
    return {static_cast<int>(dims[1]), static_cast<int>(dims[2]), static_cast<int>(dims[3])};
}

/// Boundary b lies between the b-1st and the bth kept node; a tensor made at position p and
/// last read at q is live across boundaries p+1..q. A difference array counts them all in
/// O(V + E); a cut is an inner boundary crossed by exactly one tensor.
std::vector<int> GraphImport::findCuts() const
{
    const int m = static_cast<int>(m_order.size());
    std::vector<int> difference(static_cast<size_t>(m + 2), 0);
    auto addLiveRange = [&](const std::string& tensor, int made) {
        int last = tensor == m_output ? m : -1;
        auto consumers = m_consumers.find(tensor);
        if (consumers != m_consumers.end())
            for (const Consumer& c : consumers->second)
                if (m_kept[static_cast<size_t>(c.node)])
                    last = std::max(last, m_positionInOrder.at(c.node));
        if (last > made) {
            ++difference[static_cast<size_t>(made + 1)];
            --difference[static_cast<size_t>(last + 1)];
        }
    };
    addLiveRange(m_input, -1);
    for (int i = 0; i < m; ++i)
        for (const std::string& output : m_graph.node(m_order[static_cast<size_t>(i)]).output())
            if (!output.empty())
                addLiveRange(output, i);
    std::vector<int> cuts;
    int live = 0;
    for (int b = 0; b < m; ++b) {
        live += difference[static_cast<size_t>(b)];
        // A Pad folds into the node after it, so the two are never apart.
        if (b > 0 && live == 1 && !isFoldedPad(m_order[static_cast<size_t>(b - 1)]) &&
            !isInsideShuffle(m_order[static_cast<size_t>(b - 1)]))
            cuts.push_back(b);
    }
    return cuts;
}

/// Segments between cuts, [begin, end) in m_order; a segment of joining ops only goes to its
/// producer (the first one, having none, to the segment after it).
std::vector<std::pair<int, int>> GraphImport::segments(const std::vector<int>& cuts) const
{
    std::vector<int> bounds = {0};
    bounds.insert(bounds.end(), cuts.begin(), cuts.end());
    bounds.push_back(static_cast<int>(m_order.size()));
    std::vector<std::pair<int, int>> result;
    int pendingBegin = -1;
    for (size_t s = 0; s + 1 < bounds.size(); ++s) {
        const int begin = bounds[s], end = bounds[s + 1];
        bool joining = true;
        for (int i = begin; i < end; ++i)
            joining = joining && joinsProducer(m_order[static_cast<size_t>(i)]);
        if (joining && !result.empty()) {
            result.back().second = end;
        } else if (joining) {
            if (pendingBegin < 0)
                pendingBegin = begin;
        } else {
            result.push_back({pendingBegin >= 0 ? pendingBegin : begin, end});
            pendingBegin = -1;
        }
    }
    if (pendingBegin >= 0) // only joining ops in the whole graph
        result.push_back({pendingBegin, static_cast<int>(m_order.size())});
    return result;
}

/// Checks the graph's one output and control flow, then indexes, sorts, marks and shapes it.
void GraphImport::prepareGraph()
{
    if (m_graph.output_size() == 0)
        fail("the graph has no output");
    if (m_graph.output_size() > 1) {
        std::string names;
        for (const auto& output : m_graph.output())
            names += (names.empty() ? "'" : ", '") + output.name() + "'";
        fail("the graph has " + std::to_string(m_graph.output_size()) + " outputs (" + names +
             "); Coinfer imports networks with one output");
    }
    m_output = m_graph.output(0).name();
    for (const onnx::TensorProto& initializer : m_graph.initializer())
        m_initializers.insert(initializer.name());
    m_fileIndex.resize(static_cast<size_t>(m_graph.node_size()));
    for (int n = 0; n < m_graph.node_size(); ++n)
        m_fileIndex[static_cast<size_t>(n)] = n;
    // Before anything else, so ONNX's inference never enters a subgraph (a stride of 0
    // inside an If branch raised SIGFPE although the top-level nodes were checked).
    if (const auto flow = onnxguards::findControlFlow(m_graph))
        failNode(flow->node, flow->problem);
    indexTensors();
    sortTopologically();
    chainConcatPrefixes();
    m_input = findDataInput();
    foldShapeArithmetic();
    rewriteZeroPads();
    rewriteLayerNorms();
    rewriteAttention();
    rewriteWindowAttention();
    markActivations();
    findFusions();
    keepPathToOutput();
    setInputShape();
    inferShapes();
    collectShapes();
    // Pointers into the graph, taken once shape inference has finished changing it.
    for (const onnx::TensorProto& initializer : m_graph.initializer())
        m_initializerTensors.emplace(initializer.name(), &initializer);
}

/// Refuses a sub-task whose output, by Coinfer's layers (@p stats), differs from ONNX's shape
/// of the last node of its range in @p ranges.
void GraphImport::checkSubtaskOutputs(const std::vector<std::pair<int, int>>& ranges,
                                      const std::vector<SubtaskStats>& stats) const
{
    for (size_t s = 0; s < ranges.size(); ++s) {
        const int last = m_order[static_cast<size_t>(ranges[s].second - 1)];
        const TensorShape expected = sampleShape(m_graph.node(last).output(0), last);
        if (!(stats[s].output == expected))
            failNode(last, "ends sub-task " + std::to_string(s + 1) + ", where Coinfer's layers give " +
                               shapeText(stats[s].output) + " but ONNX infers " + shapeText(expected));
    }
}

/// Merges neighbouring sub-tasks of @p dnn (and their @p ranges) until at most maxSubtasks are
/// left. Cheapest neighbours first: the pair with the fewest FLOPs together (by @p stats) is
/// merged, so the split points kept are those between the heaviest parts. O(S^2) for S sub-tasks.
void GraphImport::mergeCheapestSubtasks(DnnDescription& dnn, std::vector<std::pair<int, int>>& ranges,
                                        const std::vector<SubtaskStats>& stats) const
{
    std::vector<double> flops;
    for (const SubtaskStats& s : stats)
        flops.push_back(s.flops);
    while (dnn.subtasks.size() > static_cast<size_t>(m_options.maxSubtasks)) {
        size_t best = 0;
        for (size_t i = 1; i + 1 < dnn.subtasks.size(); ++i)
            if (flops[i] + flops[i + 1] < flops[best] + flops[best + 1])
                best = i;
        SubtaskDescription& merged = dnn.subtasks[best];
        for (Block& block : dnn.subtasks[best + 1].blocks)
            merged.blocks.push_back(std::move(block));
        ranges[best].second = ranges[best + 1].second;
        merged.name = validUtf8(subtaskName(ranges[best].first, ranges[best].second));
        flops[best] += flops[best + 1];
        dnn.subtasks.erase(dnn.subtasks.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        flops.erase(flops.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
}

OnnxImport GraphImport::run()
{
    prepareGraph();
    const std::vector<int> cuts = findCuts();
    std::vector<bool> isCut(m_order.size() + 1, false);
    for (int b : cuts)
        isCut[static_cast<size_t>(b)] = true;

    DnnDescription dnn;
    dnn.input = sampleShape(m_input, -1);
    dnn.inputElementBytes = m_options.inputElementBytes;
    dnn.activationBytes = 4;
    std::vector<std::pair<int, int>> ranges = segments(cuts);
    for (const auto& [begin, end] : ranges)
        dnn.subtasks.push_back({validUtf8(subtaskName(begin, end)), segmentBlocks(begin, end, isCut)});

    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
    if (!stats)
        fail(stats.error().message);
    checkSubtaskOutputs(ranges, *stats);
    if (m_options.maxSubtasks > 0)
        mergeCheapestSubtasks(dnn, ranges, *stats);

    OnnxImport result;
    result.dnn = std::move(dnn);
    result.opsetVersion = m_opset;
    result.nodes = m_graph.node_size();
    result.mappedNodes = static_cast<int>(m_order.size());
    result.cuts = static_cast<int>(cuts.size());
    result.inputName = validUtf8(m_input);
    result.outputName = validUtf8(m_output);
    result.inputDims = shapeOf(m_input, -1);
    result.outputDims = shapeOf(m_output, -1);
    for (const SubtaskDescription& subtask : result.dnn.subtasks)
        result.layerTensors.push_back(subtaskTensors(subtask));
    return result;
}

} // namespace onnxdetail

bool onnxImportAvailable()
{
    return true;
}

std::vector<std::string> onnxSupportedOperators()
{
    return onnxnodes::kSupportedOpList;
}

namespace {

/// Whether every node of @p graph means at @p opset what it means at kOnnxMinOpset (its schema
/// has not changed between them, as HardSigmoid-6 and GlobalAveragePool-1 have not): such a model
/// is read as one of kOnnxMinOpset. O(V) schema look-ups.
bool sameOperatorsAsOldestOpset(const onnx::GraphProto& graph, int opset)
{
    const onnx::OpSchemaRegistry* registry = onnx::OpSchemaRegistry::Instance();
    for (const onnx::NodeProto& node : graph.node()) {
        if (!node.domain().empty() && node.domain() != "ai.onnx")
            return false;
        const onnx::OpSchema* old = registry->GetSchema(node.op_type(), opset, "");
        const onnx::OpSchema* oldest = registry->GetSchema(node.op_type(), kOnnxMinOpset, "");
        if (!old || !oldest || old->SinceVersion() != oldest->SinceVersion())
            return false;
    }
    return graph.node_size() > 0;
}

Expected<OnnxImport> importModel(onnx::ModelProto& model, const std::string& sourceName, const OnnxImportOptions& options);

} // namespace

Expected<OnnxImport> importOnnxBytes(std::string_view bytes, const std::string& sourceName, const OnnxImportOptions& options)
{
    auto bad = [&](const std::string& message) { return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + message}); };
    if (bytes.size() > static_cast<size_t>(INT_MAX))
        return bad("is " + std::to_string(bytes.size()) +
                   " bytes; protobuf reads at most 2 GiB (keep the weights in external files)");
    onnx::ModelProto model;
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return bad("not an ONNX model, or a truncated one: the protobuf does not parse");
    return importModel(model, sourceName, options);
}

namespace {

/// The import of a parsed @p model (importOnnxBytes after parsing, importOnnx after reading the
/// file without its weights).
Expected<OnnxImport> importModel(onnx::ModelProto& model, const std::string& sourceName, const OnnxImportOptions& options)
{
    auto bad = [&](const std::string& message) { return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + message}); };
    if (options.inputElementBytes != 1 && options.inputElementBytes != 4)
        return bad("input element bytes must be 1 or 4, not " + std::to_string(options.inputElementBytes));
    if (options.maxSubtasks < 0)
        return bad("the most sub-tasks must be at least 1");
    if (!model.has_ir_version() || !model.has_graph())
        return bad("not an ONNX model: " + std::string(!model.has_ir_version() ? "no ir_version" : "no graph"));
    // The file reader refuses such a graph before parsing it; bytes parsed here are refused
    // before shape inference doubles their memory.
    if (model.graph().node_size() > kMaxOnnxGraphNodes)
        return bad("graph.node: has " + std::to_string(model.graph().node_size()) + " nodes; Coinfer imports graphs of at most " +
                   std::to_string(kMaxOnnxGraphNodes) + " nodes");
    int opset = 0;
    for (const onnx::OperatorSetIdProto& entry : model.opset_import())
        if (entry.domain().empty() || entry.domain() == "ai.onnx")
            opset = static_cast<int>(std::clamp<std::int64_t>(entry.version(), INT_MIN, INT_MAX));
    if (opset == 0)
        return bad("imports no ai.onnx operator set (opset_import)");
    if (opset < kOnnxMinOpset && sameOperatorsAsOldestOpset(model.graph(), opset))
        opset = kOnnxMinOpset;
    if (opset < kOnnxMinOpset || opset > kOnnxMaxOpset)
        return bad("uses ai.onnx opset " + std::to_string(opset) + "; Coinfer imports opsets " + std::to_string(kOnnxMinOpset) +
                   " to " + std::to_string(kOnnxMaxOpset) + " (convert the model, e.g. with onnx.version_converter)");
    try {
        onnxdetail::GraphImport graph(model, sourceName, options, opset);
        OnnxImport result = graph.run();
        result.dnn.name = onnxnodes::validUtf8(!options.name.empty()           ? options.name
                                               : !model.graph().name().empty() ? model.graph().name()
                                                                               : "onnx-model");
        return result;
    } catch (const onnxdetail::ImportFailure& failure) {
        return Unexpected(Error{ErrorCode::BadInput, failure.message});
    } catch (const std::exception& error) {
        // ONNX's and protobuf's own exceptions (a schema lookup, an allocation) end here.
        return bad(std::string("the import failed: ") + error.what());
    }
}

} // namespace

Expected<OnnxImport> importOnnx(const std::string& path, const OnnxImportOptions& options)
{
    OnnxImportOptions named = options;
    if (named.name.empty())
        named.name = std::filesystem::path(path).stem().string();
    // The weights are skipped in the file, never read: an export with its weights (VGG-16's 528 MB)
    // imports in memory of the order of its graph, and needs no input size limit.
    Expected<onnx::ModelProto> model = onnxstream::readModelWithoutWeights(path);
    if (!model)
        return Unexpected(model.error());
    return importModel(*model, path, named);
}

} // namespace coinfer
