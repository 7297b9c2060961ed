// The ONNX importer, second half (core/io/onnxgraph.h): each node onto a layer of core/dnn/dnn.h,
// each piece between cuts onto a block, and the sub-tasks' names.
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/jsonfields.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

namespace {

const char* const kUnfusedProduct = "multiplies two activations that are not x * Sigmoid(x) (SiLU), x * HardSigmoid(x) "
                                    "(hardswish) or a squeeze-and-excitation; not supported";

} // namespace

/// Whether node @p n goes with the node before it: an elementwise or reshaping op, or an Add of
/// one activation and a constant (a MatMul's bias).
bool GraphImport::joinsProducer(int n) const
{
    const std::string& op = m_graph.node(n).op_type();
    const bool singleConcat = op == "Concat" && m_graph.node(n).input_size() == 1; // a copy
    const bool constantProduct = op == "Mul" && activationInputs(n).size() == 1;   // a weight or a scale
    return isJoiningOp(op) || singleConcat || constantProduct || m_fusions.count(n) > 0 ||
           (op == "Add" && activationInputs(n).size() == 1) || isGeluHalving(n);
}

/// The activation inputs of node @p n, one per input slot (Add(x, x) lists x twice).
std::vector<int> GraphImport::activationInputs(int n) const
{
    if (const auto fused = m_fusions.find(n); fused != m_fusions.end())
        return {fused->second.dataSlot};
    std::vector<int> slots;
    const onnx::NodeProto& node = m_graph.node(n);
    for (int i = 0; i < node.input_size(); ++i)
        if (m_activations.count(node.input(i)) && isDataPosition(node.op_type(), i))
            slots.push_back(i);
    return slots;
}

/// The tensor of a constant: an initializer or a Constant node's value, possibly behind
/// Identity nodes; null for anything else. O(length of the Identity chain).
const onnx::TensorProto* GraphImport::constantTensor(const std::string& tensor) const
{
    const std::string* name = &tensor;
    while (true) {
        if (auto initializer = m_initializerTensors.find(*name); initializer != m_initializerTensors.end())
            return initializer->second;
        auto producer = m_producer.find(*name);
        if (producer == m_producer.end())
            return nullptr;
        const onnx::NodeProto& node = m_graph.node(producer->second);
        if (node.op_type() == "Identity" && node.input_size() == 1) {
            name = &node.input(0); // the graph is sorted and acyclic, so the chain ends
            continue;
        }
        const onnx::AttributeProto* value = node.op_type() == "Constant" ? findAttribute(node, "value") : nullptr;
        return value && value->has_t() ? &value->t() : nullptr;
    }
}

/// The value of a scalar constant (constantTensor), or a Constant node's value_float.
std::optional<double> GraphImport::constantValue(const std::string& tensor) const
{
    if (const onnx::TensorProto* constant = constantTensor(tensor))
        return scalarValue(*constant);
    const std::string* name = &tensor;
    for (auto producer = m_producer.find(*name); producer != m_producer.end(); producer = m_producer.find(*name)) {
        const onnx::NodeProto& node = m_graph.node(producer->second);
        if (node.op_type() == "Constant")
            return floatAttribute(node, "value_float");
        if (node.op_type() != "Identity" || node.input_size() != 1)
            break;
        name = &node.input(0);
    }
    return std::nullopt;
}

/// The values of a constant 1-D INT64 tensor (a Pad's pads), inline or raw; never external.
std::optional<Dims> GraphImport::constantInts(const std::string& tensor) const
{
    const onnx::TensorProto* constant = constantTensor(tensor);
    if (!constant || constant->data_type() != onnx::TensorProto::INT64 || constant->dims_size() != 1 ||
        constant->data_location() == onnx::TensorProto::EXTERNAL || constant->dims(0) < 0 || constant->dims(0) > 64)
        return std::nullopt;
    const auto count = static_cast<size_t>(constant->dims(0));
    if (constant->int64_data_size() == static_cast<int>(count))
        return Dims(constant->int64_data().begin(), constant->int64_data().end());
    if (constant->raw_data().size() != count * sizeof(std::int64_t))
        return std::nullopt;
    Dims values(count);
    std::memcpy(values.data(), constant->raw_data().data(), count * sizeof(std::int64_t)); // little-endian, as ONNX stores it
    return values;
}

/// The dimensions of node @p n's (first) activation input.
const Dims& GraphImport::activationDims(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    return shapeOf(node.input(activationInputs(n).front()), -1);
}

/// The square window, stride and symmetric padding of Conv or pooling node @p n, whose kernel
/// defaults to the last two of @p weightDims; refuses what a Layer cannot state.
GraphImport::Window GraphImport::windowOf(int n, const Dims& weightDims) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& inDims = activationDims(n);
    if (inDims.size() != 4)
        failNode(n, "needs a 4-D input (N x C x H x W), not " + dimsText(inDims));
    Dims kernel = intsAttribute(node, "kernel_shape");
    if (kernel.empty() && weightDims.size() == 4)
        kernel = {weightDims[2], weightDims[3]};
    const auto inRange = [](const Dims& values, std::int64_t low) {
        return values.size() == 2 && values[0] >= low && values[0] <= 1000 && values[1] >= low && values[1] <= 1000;
    };
    if (!inRange(kernel, 1))
        failNode(n, "kernel " + dimsText(kernel) + ": only 2-D kernels of 1 to 1000 are supported");
    Dims strides = intsAttribute(node, "strides");
    if (strides.empty())
        strides = {1, 1};
    if (!inRange(strides, 1))
        failNode(n, "strides " + dimsText(strides) + ": only 2-D strides of 1 to 1000 are supported");
    Dims pads = intsAttribute(node, "pads");
    if (pads.empty())
        pads = {0, 0, 0, 0};
    // ONNX orders pads as height begin, width begin, height end, width end.
    if (pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3] || pads[0] < 0 || pads[0] > 1000 || pads[1] < 0 ||
        pads[1] > 1000)
        failNode(n, "pads " + dimsText(pads) + ": only the same padding at both ends of each axis is supported");
    const std::string autoPad = stringAttribute(node, "auto_pad", "NOTSET");
    if (autoPad != "NOTSET" && autoPad != "VALID")
        failNode(n, "auto_pad " + autoPad + " is not supported; export with explicit pads");
    if (autoPad == "VALID")
        pads = {0, 0, 0, 0};
    // A Pad right before adds its zeros (onnxfusion.cpp).
    if (const auto padder = m_producer.find(node.input(0)); padder != m_producer.end() && isFoldedPad(padder->second)) {
        const int folded = foldedPadding(padder->second);
        pads[0] += folded;
        pads[1] += folded;
    }
    Dims dilations = intsAttribute(node, "dilations");
    if (dilations.empty())
        dilations = {1, 1};
    if (!inRange(dilations, 1) || dilations[0] != dilations[1])
        failNode(n, "dilations " + dimsText(dilations) + ": only the same dilation of 1 to 1000 on both axes is supported");
    if (dilations[0] != 1 && node.op_type() == "AveragePool")
        failNode(n, "averages with dilation; not supported");
    Window window{static_cast<int>(kernel[0]), static_cast<int>(strides[0]), static_cast<int>(pads[0])};
    window.kernelWidth = static_cast<int>(kernel[1]);
    window.strideWidth = static_cast<int>(strides[1]);
    window.paddingWidth = static_cast<int>(pads[1]);
    window.dilation = static_cast<int>(dilations[0]);
    return window;
}

Layer GraphImport::mapConv(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const auto known = node.input_size() > 1 ? m_shapes.find(node.input(1)) : m_shapes.end();
    const Dims weight = known != m_shapes.end() ? known->second : Dims{};
    const Window w = windowOf(n, weight);
    const std::int64_t groups = intAttribute(node, "group", 1);
    if (groups < 1 || groups > INT_MAX)
        failNode(n, "group " + std::to_string(groups) + " is not a positive count");
    const bool bias = node.input_size() > 2 && !node.input(2).empty();
    Layer layer = convLayer(sampleShape(node.output(0), n).c, w.kernel, w.stride, w.padding, static_cast<int>(groups), bias);
    w.applyTo(layer);
    return layer;
}

Layer GraphImport::mapPool(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Window w = windowOf(n, {});
    if (node.output_size() > 1 && !node.output(1).empty() && m_consumers.count(node.output(1)))
        failNode(n, "its indices output is read; only the pooled values are supported");
    Layer layer = poolLayer(node.op_type() == "MaxPool" ? LayerKind::MaxPool : LayerKind::AvgPool, w.kernel, w.stride, w.padding);
    w.applyTo(layer);
    layer.ceilMode = intAttribute(node, "ceil_mode", 0) != 0;
    // ONNX's own pads leave padded positions out of an average unless count_include_pad;
    // Coinfer's average counts them (PyTorch's default, which exporters write as a Pad before).
    const auto own = intsAttribute(node, "pads");
    const bool ownPadding = std::any_of(own.begin(), own.end(), [](std::int64_t p) { return p != 0; });
    if (layer.kind == LayerKind::AvgPool && ownPadding && intAttribute(node, "count_include_pad", 0) == 0)
        failNode(n, "averages with pads and count_include_pad = 0; only averages that count the padding are supported");
    return layer;
}

Layer GraphImport::mapBatchNorm(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    for (int i = 1; i < node.output_size(); ++i)
        if (m_consumers.count(node.output(i)))
            failNode(n, "training-mode outputs (running mean and variance) are read; only inference is supported");
    if (intAttribute(node, "training_mode", 0) != 0)
        failNode(n, "training_mode = 1 normalises by the batch's own statistics; only inference is supported");
    Layer layer = plainLayer(LayerKind::BatchNorm);
    // ONNX stores epsilon as a float: PyTorch's 1e-5 arrives as 9.99999975e-06 and stays 1e-5.
    const float epsilon = floatAttribute(node, "epsilon").value_or(1e-5f);
    layer.epsilon = epsilon == 1e-5f ? 1e-5 : static_cast<double>(epsilon);
    if (!(layer.epsilon > 0) || !std::isfinite(layer.epsilon))
        failNode(n, "epsilon " + std::to_string(layer.epsilon) + " is not a positive number");
    return layer;
}

/// A Clip as Relu, Relu6, a clip layer, or nothing when it clamps nothing.
std::optional<Layer> GraphImport::mapClip(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    std::optional<double> low, high;
    if (m_opset < 11) {
        low = floatAttribute(node, "min");
        high = floatAttribute(node, "max");
    } else {
        for (int i : {1, 2}) {
            if (node.input_size() <= i || node.input(i).empty())
                continue;
            std::optional<double> value = constantValue(node.input(i));
            if (!value)
                failNode(n,
                         std::string("its ") + (i == 1 ? "min" : "max") + " ('" + node.input(i) + "') is not a constant scalar");
            (i == 1 ? low : high) = value;
        }
    }
    // A bound beyond what a description may state (ONNX's default is the float type's limit,
    // 3.4e38) bounds nothing an activation reaches: it is read as no bound. A clip of the
    // limits themselves once wrote a description its own reader refused (found by fuzz_onnx).
    const auto bound = [](std::optional<double> value) {
        return value && std::fabs(*value) < detail::kMaxInputMagnitude ? value : std::nullopt;
    };
    if (low && *low >= detail::kMaxInputMagnitude)
        failNode(n, "its min is " + std::to_string(*low) + ": every output would be that constant");
    if (high && *high <= -detail::kMaxInputMagnitude)
        failNode(n, "its max is " + std::to_string(*high) + ": every output would be that constant");
    low = bound(low);
    high = bound(high);
    if (low && *low == 0 && high && *high == 6)
        return plainLayer(LayerKind::Relu6);
    if (low && *low == 0 && !high)
        return plainLayer(LayerKind::Relu);
    if (!low && !high)
        return std::nullopt; // clamps nothing
    return clipLayer(low.value_or(-detail::kMaxInputMagnitude), high.value_or(detail::kMaxInputMagnitude));
}

/// Flatten, Reshape or Squeeze, when it flattens each sample.
Layer GraphImport::mapFlatten(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& inDims = activationDims(n);
    const Dims& outDims = shapeOf(node.output(0), n);
    const std::int64_t axis = node.op_type() == "Flatten" ? intAttribute(node, "axis", 1) : 1;
    if (node.op_type() == "Reshape" && outDims.size() >= 3 && outDims.size() <= 4 && outDims[0] == inDims[0]) {
        // Keeping the batch: the same values in another sample shape (a patch grid to tokens).
        const TensorShape out = sampleShape(node.output(0), n);
        return reshapeLayer({out.c, out.h, out.w});
    }
    if (axis != 1 || outDims.size() != 2 || outDims[0] != inDims[0])
        failNode(n, "gives " + dimsText(outDims) + " from " + dimsText(inDims) +
                        "; only flattening each sample (N x C x H x W to N x CHW) is supported");
    return plainLayer(LayerKind::Flatten);
}

/// Gemm or MatMul on N x features.
Layer GraphImport::mapLinear(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const std::string& op = node.op_type();
    const Dims& inDims = activationDims(n);
    if (op == "MatMul" && inDims.size() >= 3 && inDims.size() <= 4) {
        // A constant 2-D weight on the last axis: a linear layer at every other position.
        const auto weight = node.input_size() > 1 ? m_shapes.find(node.input(1)) : m_shapes.end();
        if (weight != m_shapes.end() && weight->second.size() == 2 && weight->second[0] == inDims.back() &&
            weight->second[1] >= 1 && weight->second[1] <= INT_MAX)
            return axisLinearLayer(static_cast<int>(inDims.size()) - 2, static_cast<int>(weight->second[1]), false);
    }
    if (inDims.size() != 2)
        failNode(n, "multiplies a " + dimsText(inDims) + " tensor; only N x features inputs (after Flatten) are supported");
    if (op == "Gemm" && intAttribute(node, "transA", 0) != 0)
        failNode(n, "transA = 1 is not supported");
    Layer layer = linearLayer(sampleShape(node.output(0), n).c);
    layer.bias = op == "Gemm" && node.input_size() > 2 && !node.input(2).empty();
    if (layer.bias) {
        // A bias per output (or one for all); a C with a row per sample is no layer's bias.
        const auto c = m_shapes.find(node.input(2));
        if (c != m_shapes.end() && c->second.size() == 2 && c->second[0] != 1)
            failNode(n, "its C has shape " + dimsText(c->second) + ", a bias per sample; only a bias per output is supported");
    }
    return layer;
}

/// The layer for node @p n (mapOp), marked with the node it comes from.
std::optional<Layer> GraphImport::mapNode(int n, std::vector<Layer>& chain) const
{
    std::optional<Layer> layer = mapOp(n, chain);
    if (layer)
        layer->sourceNode = n;
    return layer;
}

/// The layer of a node that stands for a pattern rewritten before the import (an attention, a
/// window attention, a patch merging, a layer normalisation); nullopt for any other node. O(1).
std::optional<Layer> GraphImport::mapRewritten(int n) const
{
    if (const auto attention = m_attention.find(n); attention != m_attention.end())
        return attentionLayer(attention->second.heads);
    if (const auto window = m_windowAttention.find(n); window != m_windowAttention.end())
        return windowAttentionLayer(window->second.heads, window->second.window, window->second.shift);
    if (m_patchMerges.count(n))
        return patchMergeLayer();
    if (const auto norm = m_layerNorms.find(n); norm != m_layerNorms.end())
        return layerNormLayer(static_cast<int>(activationDims(n).size()) - 2, norm->second, false);
    return std::nullopt;
}

/// The layer for node @p n, nullopt for a node that maps to nothing (Identity, Dropout), or a
/// change to the last layer of @p chain (a MatMul's bias). Refuses what dnn.h cannot express.
std::optional<Layer> GraphImport::mapOp(int n, std::vector<Layer>& chain) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const std::string& op = node.op_type();
    // Every node, even one that maps to nothing, needs known shapes: these refuse one without.
    static_cast<void>(activationDims(n));
    if (isInsideShuffle(n)) // its 5-D tensor stays inside the shuffle
        return std::nullopt;
    static_cast<void>(sampleShape(node.output(0), n));
    if (std::optional<Layer> rewritten = mapRewritten(n))
        return rewritten;
    if (op == "Identity" || op == "Dropout")
        return std::nullopt;
    if (op == "LayerNormalization")
        return mapLayerNormalization(n);
    if (const int groups = shuffleEndingAt(n); groups > 0)
        return channelShuffleLayer(groups);
    if (op == "Slice")
        return mapSlice(n);
    if (op == "Gather")
        return mapGather(n, chain);
    if (op == "Concat" && node.input_size() == 2 && activationInputs(n).size() == 1)
        return mapPrepend(n);
    if (op == "Transpose")
        return mapTranspose(n);
    if (op == "Conv")
        return mapConv(n);
    if (op == "MaxPool" || op == "AveragePool")
        return mapPool(n);
    if (op == "GlobalAveragePool")
        return plainLayer(LayerKind::GlobalAvgPool);
    if (op == "ReduceMean")
        return mapReduceMean(n);
    if (op == "HardSigmoid")
        return hardSigmoidLayer(floatAttribute(node, "alpha").value_or(0.2f), floatAttribute(node, "beta").value_or(0.5f));
    if (op == "Softmax")
        return mapSoftmax(n);
    if (op == "Mul") {
        if (m_fusions.count(n))
            return mapFused(n);
        if (isGeluHalving(n))
            return std::nullopt; // part of the GELU layer just before
        if (activationInputs(n).size() == 1)
            return mapConstantProduct(n, chain);
        failNode(n, kUnfusedProduct);
    }
    if (op == "Pad") {
        static_cast<void>(foldedPadding(n)); // refuses a Pad that cannot fold
        return std::nullopt;
    }
    if (op == "BatchNormalization")
        return mapBatchNorm(n);
    if (op == "Relu")
        return plainLayer(LayerKind::Relu);
    if (op == "Sigmoid")
        return plainLayer(LayerKind::Sigmoid);
    if (op == "HardSwish")
        return plainLayer(LayerKind::HardSwish);
    if (op == "Clip")
        return mapClip(n);
    if (op == "Flatten" || op == "Reshape" || op == "Squeeze")
        return mapFlatten(n);
    if (op == "Gemm" || op == "MatMul")
        return mapLinear(n);
    if (op == "Add") {
        // One activation plus a constant: the bias of the MatMul just before (MatMul + Add is
        // how exporters write a linear layer without Gemm).
        return mapConstantSum(n, chain);
    }
    if (op == "Concat" && node.input_size() == 1)
        return std::nullopt; // concatenates one tensor: a copy
    if (op == "Concat")
        failNode(n, "concatenates one activation with constants; not supported");
    if (op == "Sub" || op == "Pow" || op == "Sqrt")
        failNode(n, "is supported only inside a layer normalisation (x - mean) / sqrt(mean((x - mean)^2) + epsilon) over the "
                    "last axis");
    if (op == "Div" || op == "Erf")
        failNode(n, "is supported only inside GELU, x * (1 + Erf(x / sqrt 2)) * 0.5");
    failNode(n, "operator not supported by Coinfer (supported: " + kSupportedOps + ")");
}

std::vector<Layer> GraphImport::mapChain(const std::vector<int>& nodes) const
{
    std::vector<Layer> layers;
    for (int n : nodes)
        if (std::optional<Layer> layer = mapNode(n, layers))
            layers.push_back(*layer);
    return layers;
}

/// A piece [begin, end) of single-input nodes: appended to the last block's after_add when it
/// follows a residual or concatenation and only joins, else to the last block's layers, else as
/// a block of its own.
void GraphImport::addChainPiece(int begin, int end, std::vector<Block>& blocks) const
{
    std::vector<int> nodes;
    bool joining = true;
    for (int i = begin; i < end; ++i) {
        const int n = m_order[static_cast<size_t>(i)];
        if (activationInputs(n).size() != 1)
            failNode(n, "joins several branches inside a chain; this structure does not fit Coinfer's blocks");
        nodes.push_back(n);
        joining = joining && joinsProducer(n);
    }
    const bool afterJoin = !blocks.empty() && (blocks.back().residual || blocks.back().concatenates());
    if (afterJoin && joining) {
        std::vector<Layer>& after = blocks.back().afterAdd;
        for (int n : nodes)
            if (std::optional<Layer> layer = mapNode(n, after))
                after.push_back(*layer);
    } else if (!blocks.empty() && !afterJoin) {
        std::vector<Layer>& layers = blocks.back().layers;
        for (int n : nodes)
            if (std::optional<Layer> layer = mapNode(n, layers))
                layers.push_back(*layer);
    } else {
        Block block;
        block.layers = mapChain(nodes);
        blocks.push_back(std::move(block));
    }
}

/// Refuses a join node @p last that is not an Add of two activations or a Concat of channels.
void GraphImport::checkJoin(int last, size_t branchCount) const
{
    const onnx::NodeProto& join = m_graph.node(last);
    if (join.op_type() == "Mul")
        failNode(last, kUnfusedProduct);
    if (join.op_type() != "Add" && join.op_type() != "Concat")
        failNode(last, "joins " + std::to_string(branchCount) + " branches; only Add (a residual) and Concat join branches");
    if (join.op_type() == "Add" && branchCount != 2)
        failNode(last, "adds " + std::to_string(branchCount) + " activations; a residual adds two");
    if (join.op_type() == "Concat") {
        const std::int64_t rank = static_cast<std::int64_t>(shapeOf(join.output(0), last).size());
        std::int64_t axis = intAttribute(join, "axis", 1);
        if (axis < 0)
            axis += rank;
        if (axis != 1)
            failNode(last, "concatenates along axis " + std::to_string(intAttribute(join, "axis", 1)) +
                               "; only channels (axis 1) are supported");
    }
}

/// The branches of piece [begin, end) that its last node joins at @p joinSlots, each in order
/// from the piece's input; refuses nested branches and nodes on no branch.
std::vector<std::vector<int>> GraphImport::joinedBranches(int begin, int end, const std::vector<int>& joinSlots) const
{
    const int last = m_order[static_cast<size_t>(end - 1)];
    const onnx::NodeProto& join = m_graph.node(last);
    const std::string& pieceInput = begin == 0 ? m_input : m_graph.node(m_order[static_cast<size_t>(begin - 1)]).output(0);
    std::unordered_set<int> assigned;
    std::vector<std::vector<int>> branches;
    for (int slot : joinSlots) {
        std::vector<int> branch;
        std::string tensor = join.input(slot);
        while (tensor != pieceInput) {
            auto producer = m_producer.find(tensor);
            const int n = producer == m_producer.end() ? -1 : producer->second;
            const auto position = m_positionInOrder.find(n);
            if (position == m_positionInOrder.end() || position->second < begin || position->second >= end - 1)
                failNode(last, "has a branch that does not start at the block's input '" + pieceInput +
                                   "'; this structure does not fit Coinfer's blocks");
            if (!assigned.insert(n).second)
                failNode(n, "feeds two branches of " + nodeLabel(last) +
                                " (nested branches); this structure does not fit Coinfer's blocks");
            const std::vector<int> inputs = activationInputs(n);
            if (inputs.size() != 1)
                failNode(n, "joins branches inside a branch of " + nodeLabel(last) +
                                " (nested branches); this structure does not fit Coinfer's blocks");
            branch.push_back(n);
            tensor = m_graph.node(n).input(inputs.front());
        }
        std::reverse(branch.begin(), branch.end());
        branches.push_back(std::move(branch));
    }
    for (int i = begin; i < end - 1; ++i)
        if (!assigned.count(m_order[static_cast<size_t>(i)]))
            failNode(m_order[static_cast<size_t>(i)],
                     "is inside the block that " + nodeLabel(last) +
                         " joins but on none of its branches; this structure does not fit Coinfer's blocks");
    return branches;
}

/// One piece [begin, end) of m_order between two cuts: a chain of single-input nodes, or
/// branches from the piece's input joined by its last node (Add: a residual, Concat: a
/// concatenation). Elementwise pieces after a residual or concatenation go to its after_add.
void GraphImport::addPiece(int begin, int end, std::vector<Block>& blocks) const
{
    const int last = m_order[static_cast<size_t>(end - 1)];
    const std::vector<int> joinSlots = activationInputs(last);
    if (joinSlots.size() < 2) {
        addChainPiece(begin, end, blocks);
        return;
    }
    checkJoin(last, joinSlots.size());
    if (m_graph.node(last).op_type() == "Concat" && addForkedConcat(begin, end, joinSlots, blocks))
        return;
    const std::vector<std::vector<int>> branches = joinedBranches(begin, end, joinSlots);
    Block block;
    if (m_graph.node(last).op_type() == "Add") {
        std::vector<Layer> a = mapChain(branches[0]), b = mapChain(branches[1]);
        if (b.size() > a.size())
            std::swap(a, b);
        block.residual = true;
        block.layers = std::move(a);
        block.shortcut = std::move(b);
    } else {
        block.layers = mapChain(branches[0]);
        for (size_t i = 1; i < branches.size(); ++i)
            block.branches.push_back(mapChain(branches[i]));
    }
    blocks.push_back(std::move(block));
}

std::vector<Block> GraphImport::segmentBlocks(int begin, int end, const std::vector<bool>& isCut) const
{
    std::vector<Block> blocks;
    int pieceBegin = begin;
    for (int b = begin + 1; b <= end; ++b)
        if (b == end || isCut[static_cast<size_t>(b)]) {
            addPiece(pieceBegin, b, blocks);
            pieceBegin = b;
        }
    if (blocks.empty()) // a segment of Identity nodes only
        blocks.push_back(Block{});
    return blocks;
}

/// The common path of the segment's node names ("/layer1/layer1.0/conv1/Conv" and
/// "/layer1/layer1.0/Relu_1" give "layer1/layer1.0"), else its first and last node's names.
std::string GraphImport::subtaskName(int begin, int end) const
{
    auto parts = [](const std::string& name) {
        std::vector<std::string> result;
        size_t start = 0;
        for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', start)) {
            if (slash > start)
                result.push_back(name.substr(start, slash - start));
            start = slash + 1;
        }
        return result; // the folders: the last part (the node's own name) is left out
    };
    auto label = [&](int i) {
        const onnx::NodeProto& node = m_graph.node(m_order[static_cast<size_t>(i)]);
        return node.name().empty() ? node.op_type() : node.name();
    };
    std::vector<std::string> common = parts(label(begin));
    for (int i = begin + 1; i < end && !common.empty(); ++i) {
        const std::vector<std::string> other = parts(label(i));
        size_t k = 0;
        while (k < common.size() && k < other.size() && common[k] == other[k])
            ++k;
        common.resize(k);
    }
    std::string path;
    for (const std::string& part : common)
        path += (path.empty() ? "" : "/") + part;
    // A deep common path names a block ("layer1/layer1.0"); a shallow one ("features") does not,
    // so the first and last nodes are named after it.
    if (common.size() >= 2)
        return path;
    auto rest = [&](int i) {
        std::string name = label(i);
        const size_t skip = name.rfind('/' + path + '/', 0) == 0 ? path.size() + 2 : name.rfind('/', 0) == 0 ? 1 : 0;
        return path.empty() ? name.substr(skip) : name.substr(skip);
    };
    if (end - begin == 1)
        return label(begin).rfind('/', 0) == 0 ? label(begin).substr(1) : label(begin);
    const std::string span = rest(begin) + " .. " + rest(end - 1);
    return path.empty() ? span : path + ": " + span;
}

} // namespace coinfer::onnxdetail
