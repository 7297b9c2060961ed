// The ONNX importer's patterns (core/io/onnxgraph.h): several nodes that make one layer of
// core/dnn/dnn.h. Exporters write SiLU as x * Sigmoid(x), PyTorch's hardswish at opset 13 as
// x * HardSigmoid(x), squeeze-and-excitation as x * gate(conv(act(conv(pool(x))))), and
// count_include_pad average pooling as a Pad before the pooling. Fused, each is one layer on one
// activation, so the blocks and cuts of onnxlayers.cpp see a chain.
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnximport.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

/// The one node reading @p tensor, or -1 when none or several do (a graph output counts as a
/// reader). O(1).
int GraphImport::singleConsumer(const std::string& tensor) const
{
    const auto consumers = m_consumers.find(tensor);
    if (consumers == m_consumers.end() || consumers->second.size() != 1 || tensor == m_output)
        return -1;
    return consumers->second.front().node;
}

/// For a Sigmoid or HardSigmoid node @p gate ending a squeeze-and-excitation, the node that pools
/// the excited tensor (GlobalAveragePool, or ReduceMean over height and width keeping them), with
/// the nodes between them collected in @p squeezed's place by the caller; nullopt when the
/// gate's input is no such chain. @p squeezed receives the first convolution. O(pattern length).
std::optional<int> GraphImport::gateSource(int gate, int& squeezed) const
{
    auto producerOf = [&](int n) -> int {
        const onnx::NodeProto& node = m_graph.node(n);
        if (node.input_size() == 0)
            return -1;
        const auto producer = m_producer.find(node.input(0));
        if (producer == m_producer.end() || singleConsumer(node.input(0)) < 0)
            return -1;
        return producer->second;
    };
    const int expand = producerOf(gate);
    if (expand < 0 || m_graph.node(expand).op_type() != "Conv")
        return std::nullopt;
    int activation = producerOf(expand);
    if (activation < 0)
        return std::nullopt;
    int reduce = -1;
    const onnx::NodeProto& act = m_graph.node(activation);
    if (act.op_type() == "Relu") {
        reduce = producerOf(activation);
    } else if (const auto silu = m_fusions.find(activation); silu != m_fusions.end() && silu->second.kind == LayerKind::SiLU) {
        const auto producer = m_producer.find(act.input(silu->second.dataSlot));
        reduce = producer == m_producer.end() ? -1 : producer->second;
    }
    if (reduce < 0 || m_graph.node(reduce).op_type() != "Conv")
        return std::nullopt;
    squeezed = reduce;
    const int pool = producerOf(reduce);
    if (pool < 0)
        return std::nullopt;
    const onnx::NodeProto& poolNode = m_graph.node(pool);
    const bool reduceMean = poolNode.op_type() == "ReduceMean" && intAttribute(poolNode, "keepdims", 1) == 1;
    if (poolNode.op_type() != "GlobalAveragePool" && !reduceMean)
        return std::nullopt;
    return pool;
}

/// For an Add node @p add that reads Erf(Div(@p data, sqrt 2)) and the constant 1, the pattern's
/// nodes {Div, Erf, Add}: PyTorch's exact GELU up to its final halving (x * that, then * 0.5);
/// nullopt for any other Add. O(1).
std::optional<std::vector<int>> GraphImport::geluInner(int add, const std::string& data) const
{
    const onnx::NodeProto& addNode = m_graph.node(add);
    if (addNode.op_type() != "Add" || addNode.input_size() != 2)
        return std::nullopt;
    for (int slot : {0, 1}) {
        const std::optional<double> one = constantValue(addNode.input(1 - slot));
        const auto erf = m_producer.find(addNode.input(slot));
        if (!one || *one != 1.0 || erf == m_producer.end() || singleConsumer(addNode.input(slot)) != add)
            continue;
        const onnx::NodeProto& erfNode = m_graph.node(erf->second);
        if (erfNode.op_type() != "Erf" || erfNode.input_size() != 1)
            continue;
        const auto div = m_producer.find(erfNode.input(0));
        if (div == m_producer.end() || singleConsumer(erfNode.input(0)) != erf->second)
            continue;
        const onnx::NodeProto& divNode = m_graph.node(div->second);
        if (divNode.op_type() != "Div" || divNode.input_size() != 2 || divNode.input(0) != data)
            continue;
        const std::optional<double> root2 = constantValue(divNode.input(1));
        if (root2 && std::fabs(*root2 - std::sqrt(2.0)) < 1e-6)
            return std::vector<int>{div->second, erf->second, add};
    }
    return std::nullopt;
}

/// Whether node @p n is the Mul by 0.5 that ends a fused GELU (the fused Mul's one reader).
bool GraphImport::isGeluHalving(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    if (node.op_type() != "Mul" || node.input_size() != 2)
        return false;
    for (int slot : {0, 1}) {
        const auto producer = m_producer.find(node.input(slot));
        const std::optional<double> half = constantValue(node.input(1 - slot));
        if (producer != m_producer.end() && half && *half == 0.5 && singleConsumer(node.input(slot)) == n)
            if (const auto fused = m_fusions.find(producer->second); fused != m_fusions.end())
                return fused->second.kind == LayerKind::Gelu;
    }
    return false;
}

/// Finds the patterns among the activation nodes, in topological order so that a SiLU inside a
/// squeeze-and-excitation is found before it. O(V) plus each pattern's length.
void GraphImport::findFusions()
{
    m_absorbed.assign(static_cast<size_t>(m_graph.node_size()), false);
    for (int n = 0; n < m_graph.node_size(); ++n) {
        const onnx::NodeProto& node = m_graph.node(n);
        if (!m_activationNode[static_cast<size_t>(n)] || node.op_type() != "Mul" || node.input_size() != 2)
            continue;
        for (int slot : {0, 1}) {
            const std::string& gateTensor = node.input(slot);
            const std::string& data = node.input(1 - slot);
            const auto producer = m_producer.find(gateTensor);
            if (!m_activations.count(data) || producer == m_producer.end() || singleConsumer(gateTensor) != n)
                continue;
            const int gate = producer->second;
            const std::string& gateOp = m_graph.node(gate).op_type();
            if (std::optional<std::vector<int>> gelu = geluInner(gate, data)) {
                Fusion fusion{LayerKind::Gelu, 1 - slot, std::move(*gelu)};
                for (int inner : fusion.inner)
                    m_absorbed[static_cast<size_t>(inner)] = true;
                m_fusions[n] = std::move(fusion);
                break;
            }
            // A gate without an input (a malformed node, found by fuzz_onnx) fuses with nothing.
            if ((gateOp != "Sigmoid" && gateOp != "HardSigmoid") || m_graph.node(gate).input_size() < 1)
                continue;
            Fusion fusion;
            fusion.dataSlot = 1 - slot;
            if (m_graph.node(gate).input(0) == data) {
                fusion.kind = gateOp == "Sigmoid" ? LayerKind::SiLU : LayerKind::HardSwish;
                fusion.inner = {gate};
            } else {
                int squeeze = -1;
                const std::optional<int> pool = gateSource(gate, squeeze);
                if (!pool || m_graph.node(*pool).input_size() < 1 || m_graph.node(*pool).input(0) != data)
                    continue;
                fusion.kind = LayerKind::SqueezeExcite;
                const int expand = m_producer.at(m_graph.node(gate).input(0));
                const int activation = m_producer.at(m_graph.node(expand).input(0));
                fusion.inner = {*pool, squeeze, activation, expand, gate};
                if (const auto silu = m_fusions.find(activation); silu != m_fusions.end()) {
                    fusion.inner.insert(fusion.inner.begin() + 2, silu->second.inner.front());
                    m_fusions.erase(silu);
                }
            }
            for (int inner : fusion.inner)
                m_absorbed[static_cast<size_t>(inner)] = true;
            m_fusions[n] = std::move(fusion);
            break;
        }
    }
}

/// The layer a fused Mul @p n makes; refuses a squeeze-and-excitation whose convolutions are not
/// 1x1 with a bias, or a hardsigmoid gate on x that is not PyTorch's hardswish.
Layer GraphImport::mapFused(int n) const
{
    const Fusion& fusion = m_fusions.at(n);
    const onnx::NodeProto& gate = m_graph.node(fusion.inner.back());
    const double alpha = floatAttribute(gate, "alpha").value_or(0.2f), beta = floatAttribute(gate, "beta").value_or(0.5f);
    if (fusion.kind == LayerKind::SiLU)
        return plainLayer(LayerKind::SiLU);
    if (fusion.kind == LayerKind::Gelu) {
        const int reader = singleConsumer(m_graph.node(n).output(0));
        if (reader < 0 || !isGeluHalving(reader))
            failNode(n, "computes x * (1 + erf(x / sqrt 2)) without halving it right after; only GELU (then * 0.5) is "
                        "supported");
        return plainLayer(LayerKind::Gelu);
    }
    if (fusion.kind == LayerKind::HardSwish) {
        if (std::fabs(alpha - 1.0 / 6) > 1e-6 || std::fabs(beta - 0.5) > 1e-6)
            failNode(n, "multiplies x by HardSigmoid(x) with alpha " + std::to_string(alpha) + " and beta " +
                            std::to_string(beta) + "; only hardswish (alpha 1/6, beta 1/2) is supported");
        return plainLayer(LayerKind::HardSwish);
    }
    const int squeeze = fusion.inner[1], expand = fusion.inner[fusion.inner.size() - 2];
    const Dims& in = activationDims(n);
    for (int conv : {squeeze, expand}) {
        const onnx::NodeProto& node = m_graph.node(conv);
        const auto weight = node.input_size() > 1 ? m_shapes.find(node.input(1)) : m_shapes.end();
        const bool pointwise = weight != m_shapes.end() && weight->second.size() == 4 && weight->second[2] == 1 &&
                               weight->second[3] == 1 && intAttribute(node, "group", 1) == 1;
        if (!pointwise || node.input_size() < 3 || node.input(2).empty())
            failNode(conv, "is a convolution of a squeeze-and-excitation; only 1x1 convolutions with a bias are supported there");
    }
    const int squeezed = sampleShape(m_graph.node(squeeze).output(0), squeeze).c;
    if (sampleShape(m_graph.node(expand).output(0), expand).c != in[1])
        failNode(expand, "gives other channels than the squeeze-and-excitation's input " + dimsText(in));
    const LayerKind activation = m_graph.node(fusion.inner[2]).op_type() == "Relu" ? LayerKind::Relu : LayerKind::SiLU;
    const LayerKind gateKind = gate.op_type() == "Sigmoid" ? LayerKind::Sigmoid : LayerKind::HardSigmoid;
    // A sigmoid gate has no slope: the layer keeps the defaults, as a file without them reads.
    return gateKind == LayerKind::HardSigmoid ? squeezeExciteLayer(squeezed, activation, gateKind, alpha, beta)
                                              : squeezeExciteLayer(squeezed, activation, gateKind);
}

/// ReduceMean over height and width: global average pooling (kept dimensions or not, one sample
/// is C values either way).
Layer GraphImport::mapReduceMean(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    Dims axes = intsAttribute(node, "axes");
    for (std::int64_t& axis : axes)
        axis = axis < 0 ? axis + static_cast<std::int64_t>(in.size()) : axis;
    std::sort(axes.begin(), axes.end());
    if (in.size() != 4 || axes != Dims{2, 3})
        failNode(n, "averages " + dimsText(in) + " over axes " + dimsText(intsAttribute(node, "axes")) +
                        "; only the mean over height and width (global pooling) is supported");
    return plainLayer(LayerKind::GlobalAvgPool);
}

/// Softmax along one axis of the sample; refuses the batch axis, and before opset 13 (where
/// Softmax flattens every axis from its own onwards) any axis but the last.
Layer GraphImport::mapSoftmax(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const auto rank = static_cast<std::int64_t>(activationDims(n).size());
    std::int64_t axis = intAttribute(node, "axis", m_opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += rank;
    if (axis < 1 || axis >= rank)
        failNode(n, "normalises over axis " + std::to_string(intAttribute(node, "axis", -1)) + " of a rank-" +
                        std::to_string(rank) + " tensor; only an axis of each sample is supported, not the batch");
    if (m_opset < 13 && axis != rank - 1)
        failNode(n, "normalises over several axes (Softmax before opset 13 flattens from its axis on); only the last "
                    "axis is supported there");
    return softmaxLayer(static_cast<int>(axis - 1));
}

/// Whether node @p n is a Pad whose one reader is a Conv or an AveragePool it folds into.
bool GraphImport::isFoldedPad(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    if (node.op_type() != "Pad")
        return false;
    const int reader = singleConsumer(node.output(0));
    return reader >= 0 && (m_graph.node(reader).op_type() == "Conv" || m_graph.node(reader).op_type() == "AveragePool");
}

/// The padding a zero Pad @p n adds on every side of height and width; refuses any other Pad.
/// Folding it into the convolution or the average pooling that reads it is exact: both pad with
/// zeros, and Coinfer's average pooling counts padded positions, as PyTorch's default does.
int GraphImport::foldedPadding(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    if (!isFoldedPad(n))
        failNode(n, "pads a tensor that no single Conv or AveragePool reads; only such a Pad is supported");
    if (stringAttribute(node, "mode", "constant") != "constant")
        failNode(n, "mode " + stringAttribute(node, "mode", "constant") + " is not supported (only constant zero padding)");
    std::optional<Dims> pads;
    if (m_opset < 11) {
        pads = intsAttribute(node, "pads");
        if (floatAttribute(node, "value").value_or(0.0f) != 0.0f)
            failNode(n, "pads with a value other than 0; not supported");
    } else {
        pads = node.input_size() > 1 ? constantInts(node.input(1)) : std::nullopt;
        if (node.input_size() > 2 && !node.input(2).empty() && constantValue(node.input(2)).value_or(1.0) != 0.0)
            failNode(n, "pads with a value that is not a constant 0; not supported");
    }
    const bool same = pads && pads->size() == 8 && (*pads)[0] == 0 && (*pads)[1] == 0 && (*pads)[4] == 0 && (*pads)[5] == 0 &&
                      (*pads)[2] == (*pads)[3] && (*pads)[2] == (*pads)[6] && (*pads)[2] == (*pads)[7] && (*pads)[2] >= 0 &&
                      (*pads)[2] <= 1000;
    if (!same)
        failNode(n, "pads " + (pads ? dimsText(*pads) : std::string("that are not constant")) +
                        ": only the same constant padding on all four sides of height and width is supported");
    return static_cast<int>((*pads)[2]);
}

/// The ONNX tensors of @p layer's weights (OnnxLayerTensors' order). O(pattern length).
OnnxLayerTensors GraphImport::layerTensors(const Layer& layer) const
{
    OnnxLayerTensors tensors;
    if (layer.sourceNode < 0)
        return tensors;
    const onnx::NodeProto& node = m_graph.node(layer.sourceNode);
    auto input = [&](const onnx::NodeProto& from, int i) { return from.input_size() > i ? from.input(i) : std::string(); };
    switch (layer.kind) {
    case LayerKind::Conv:
        tensors.names = {input(node, 1), layer.bias ? input(node, 2) : ""};
        break;
    case LayerKind::BatchNorm:
        tensors.names = {input(node, 1), input(node, 2), input(node, 3), input(node, 4)};
        break;
    case LayerKind::Linear:
        tensors.names = {input(node, 1), ""};
        if (node.op_type() == "Gemm") {
            tensors.transposed = intAttribute(node, "transB", 0) == 0;
            tensors.weightScale = floatAttribute(node, "alpha").value_or(1.0f);
            tensors.biasScale = floatAttribute(node, "beta").value_or(1.0f);
            tensors.names[1] = layer.bias ? input(node, 2) : "";
        } else {
            tensors.transposed = true; // MatMul: x (N x in) times B (in x out)
            if (layer.biasSourceNode >= 0) {
                const onnx::NodeProto& add = m_graph.node(layer.biasSourceNode);
                tensors.names[1] = add.input_size() < 2 ? "" : m_activations.count(add.input(0)) ? add.input(1) : add.input(0);
            }
        }
        break;
    case LayerKind::Attention:
        return attentionTensors(layer.sourceNode);
    case LayerKind::WindowAttention:
        tensors.names = m_windowAttention.at(layer.sourceNode).weights;
        break;
    case LayerKind::Prepend: {
        // The learned rows, through the Expand to the batch when there is one.
        const auto expand = m_producer.find(input(node, 0));
        const bool expanded = expand != m_producer.end() && m_graph.node(expand->second).op_type() == "Expand";
        tensors.names = {expanded ? input(m_graph.node(expand->second), 0) : input(node, 0)};
        break;
    }
    case LayerKind::Offset:
        tensors.names = {m_activations.count(input(node, 0)) ? input(node, 1) : input(node, 0)};
        break;
    case LayerKind::AxisLinear:
        tensors.names = {input(node, 1), ""};
        tensors.transposed = true; // MatMul: x (... x in) times B (in x out)
        if (layer.biasSourceNode >= 0) {
            const onnx::NodeProto& add = m_graph.node(layer.biasSourceNode);
            tensors.names[1] = add.input_size() < 2 ? "" : m_activations.count(add.input(0)) ? add.input(1) : add.input(0);
        }
        break;
    case LayerKind::LayerNorm:
    case LayerKind::Scale: {
        // The constant input of the Mul (the weight or the scale) and of the Add (the bias).
        const auto constantOf = [&](int n) {
            const onnx::NodeProto& from = m_graph.node(n);
            return from.input_size() < 2 ? "" : m_activations.count(from.input(0)) ? from.input(1) : from.input(0);
        };
        if (node.op_type() == "LayerNormalization")
            tensors.names = {input(node, 1), input(node, 2)};
        else if (node.op_type() == "Mul")
            tensors.names = {constantOf(layer.sourceNode), layer.biasSourceNode >= 0 ? constantOf(layer.biasSourceNode) : ""};
        break;
    }
    case LayerKind::SqueezeExcite: {
        const Fusion& fusion = m_fusions.at(layer.sourceNode);
        const onnx::NodeProto& squeeze = m_graph.node(fusion.inner[1]);
        const onnx::NodeProto& expand = m_graph.node(fusion.inner[fusion.inner.size() - 2]);
        tensors.names = {input(squeeze, 1), input(squeeze, 2), input(expand, 1), input(expand, 2)};
        break;
    }
    default:
        break;
    }
    return tensors;
}

/// Every layer's tensors of @p subtask in makeSubtaskWeights' order: per block its layers, then
/// its branches or its shortcut, then after_add. O(layers).
std::vector<OnnxLayerTensors> GraphImport::subtaskTensors(const SubtaskDescription& subtask) const
{
    std::vector<OnnxLayerTensors> tensors;
    auto add = [&](const std::vector<Layer>& layers) {
        for (const Layer& layer : layers)
            tensors.push_back(layerTensors(layer));
    };
    for (const Block& block : subtask.blocks) {
        add(block.layers);
        for (const std::vector<Layer>& branch : block.branches)
            add(branch);
        if (block.residual)
            add(block.shortcut);
        if (block.residual || block.concatenates())
            add(block.afterAdd);
    }
    return tensors;
}

} // namespace coinfer::onnxdetail
