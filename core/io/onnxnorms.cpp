// The ONNX importer's layer normalisation, permutes and layers along one axis (core/io/onnxgraph.h),
// as ConvNeXt and vision transformers export them: PyTorch's LayerNorm at opset 13 is
// ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt and Div, then Mul by its weight and Add of its bias;
// a channels-last block is framed by Transposes; its Linear layers are MatMuls on the last axis.
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

/// The value of a scalar constant (an initializer or a Constant node, before the import indexes
/// initializers). O(initializers).
std::optional<double> GraphImport::scalarConstant(const std::string& tensor) const
{
    for (const onnx::TensorProto& initializer : m_graph.initializer())
        if (initializer.name() == tensor)
            return scalarValue(initializer);
    const auto producer = m_producer.find(tensor);
    if (producer == m_producer.end() || m_graph.node(producer->second).op_type() != "Constant")
        return std::nullopt;
    const onnx::AttributeProto* value = findAttribute(m_graph.node(producer->second), "value");
    return value && value->has_t() ? scalarValue(value->t()) : std::nullopt;
}

/// For a Div node @p div that ends an expanded layer normalisation over the last axis,
/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + epsilon), its Sub node (which reads x);
/// @p inner receives the pattern's other nodes and @p epsilon its epsilon. nullopt for any other
/// Div. O(1).
std::optional<int> GraphImport::layerNormData(int div, std::vector<int>& inner, double& epsilon) const
{
    const onnx::NodeProto& node = m_graph.node(div);
    const auto producerOf = [&](const std::string& tensor, const char* op) {
        const auto producer = m_producer.find(tensor);
        return producer != m_producer.end() && m_graph.node(producer->second).op_type() == op ? producer->second : -1;
    };
    const auto lastAxisMean = [&](int n) {
        const onnx::NodeProto& mean = m_graph.node(n);
        return intsAttribute(mean, "axes") == Dims{-1} && intAttribute(mean, "keepdims", 1) == 1 && mean.input_size() == 1;
    };
    if (node.op_type() != "Div" || node.input_size() != 2)
        return std::nullopt;
    const int sub = producerOf(node.input(0), "Sub"), sqrt = producerOf(node.input(1), "Sqrt");
    if (sub < 0 || sqrt < 0 || m_graph.node(sub).input_size() != 2)
        return std::nullopt;
    const std::string& x = m_graph.node(sub).input(0);
    const int mean = producerOf(m_graph.node(sub).input(1), "ReduceMean");
    const int add = producerOf(m_graph.node(sqrt).input(0), "Add");
    if (mean < 0 || add < 0 || !lastAxisMean(mean) || m_graph.node(mean).input(0) != x || m_graph.node(add).input_size() != 2)
        return std::nullopt;
    const int variance = producerOf(m_graph.node(add).input(0), "ReduceMean");
    const std::optional<double> eps = scalarConstant(m_graph.node(add).input(1));
    if (variance < 0 || !eps || !lastAxisMean(variance))
        return std::nullopt;
    const int pow = producerOf(m_graph.node(variance).input(0), "Pow");
    if (pow < 0 || m_graph.node(pow).input_size() != 2 || m_graph.node(pow).input(0) != node.input(0) ||
        scalarConstant(m_graph.node(pow).input(1)) != 2.0)
        return std::nullopt;
    // The pattern's inner tensors must be read only inside it.
    const auto readers = [&](int n) {
        const auto consumers = m_consumers.find(m_graph.node(n).output(0));
        return consumers == m_consumers.end() ? size_t{0} : consumers->second.size();
    };
    if (readers(sub) != 2 || readers(mean) != 1 || readers(pow) != 1 || readers(variance) != 1 || readers(add) != 1 ||
        readers(sqrt) != 1)
        return std::nullopt;
    inner = {mean, sub, pow, variance, add, sqrt};
    epsilon = *eps;
    return sub;
}

/// Rewrites each expanded layer normalisation into Identity(x) at its Div, remembered in
/// m_layerNorms with its epsilon; the pattern's other nodes lose their inputs (nothing reads
/// them any more), so shape inference and the cuts see one node on one activation. O(V).
void GraphImport::rewriteLayerNorms()
{
    bool changed = false;
    for (int n = 0; n < m_graph.node_size(); ++n) {
        std::vector<int> inner;
        double epsilon = 0;
        const std::optional<int> sub = layerNormData(n, inner, epsilon);
        if (!sub)
            continue;
        const std::string x = m_graph.node(*sub).input(0);
        for (int dead : inner)
            m_graph.mutable_node(dead)->clear_input();
        onnx::NodeProto& div = *m_graph.mutable_node(n);
        div.set_op_type("Identity");
        div.clear_input();
        div.add_input(x);
        div.clear_attribute();
        m_layerNorms[n] = epsilon;
        changed = true;
    }
    if (changed)
        indexTensors();
}

/// Transpose keeping the batch axis first: the permute of the sample's axes (N x C x L is the
/// sample C x L x 1).
Layer GraphImport::mapTranspose(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    Dims perm = intsAttribute(node, "perm");
    if (perm.empty())
        for (std::int64_t a = static_cast<std::int64_t>(in.size()) - 1; a >= 0; --a)
            perm.push_back(a);
    if (perm.size() != in.size() || perm.size() < 2 || perm.size() > 4 || perm[0] != 0)
        failNode(n, "permutes axes " + dimsText(perm) + " of " + dimsText(in) +
                        "; only permutes of a sample's axes, keeping the batch first, are supported");
    std::array<int, 3> order{0, 1, 2};
    for (size_t k = 1; k < perm.size(); ++k)
        order[k - 1] = static_cast<int>(perm[k] - 1);
    return permuteLayer(order);
}

/// LayerNormalization (opset 17) over the last axis, with its scale and bias.
Layer GraphImport::mapLayerNormalization(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const auto rank = static_cast<std::int64_t>(activationDims(n).size());
    std::int64_t axis = intAttribute(node, "axis", -1);
    axis = axis < 0 ? axis + rank : axis;
    if (axis != rank - 1 || rank < 2 || rank > 4)
        failNode(n, "normalises from axis " + std::to_string(intAttribute(node, "axis", -1)) + " of a rank-" +
                        std::to_string(rank) + " tensor; only the last axis is supported");
    for (int i = 1; i < node.output_size(); ++i)
        if (!node.output(i).empty() && m_consumers.count(node.output(i)))
            failNode(n, "its mean or inverse deviation output is read; only the normalised values are supported");
    return layerNormLayer(static_cast<int>(rank - 2), floatAttribute(node, "epsilon").value_or(1e-5f), true);
}

/// Whether node @p n (an Add or a Mul of an activation and a constant) completes the last layer
/// of @p chain: a MatMul's bias, or a layer normalisation's weight (Mul) then bias (Add).
bool GraphImport::attachesToLast(int n, const std::vector<Layer>& chain) const
{
    if (chain.empty())
        return false;
    const Layer& last = chain.back();
    const bool add = m_graph.node(n).op_type() == "Add";
    if (last.kind == LayerKind::LayerNorm && last.sourceNode >= 0 && m_layerNorms.count(last.sourceNode))
        return !add; // the weight right after the normalisation
    if (last.kind == LayerKind::LayerNorm && last.sourceNode >= 0 && m_graph.node(last.sourceNode).op_type() == "Mul")
        return add && last.biasSourceNode < 0;
    return add && (last.kind == LayerKind::Linear || last.kind == LayerKind::AxisLinear) && !last.bias;
}

/// A Mul of an activation and a constant: a layer normalisation's weight (changing the last
/// layer of @p chain, so nullopt), or a scale along the one axis the constant varies along.
std::optional<Layer> GraphImport::mapConstantProduct(int n, std::vector<Layer>& chain) const
{
    if (attachesToLast(n, chain)) {
        chain.back().sourceNode = n;
        chain.back().bias = true;
        return std::nullopt;
    }
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    const std::string& constant = node.input(activationInputs(n).front() == 0 ? 1 : 0);
    const auto known = m_shapes.find(constant);
    Dims dims = known == m_shapes.end() ? Dims{-1} : known->second;
    while (dims.size() < in.size())
        dims.insert(dims.begin(), 1);
    int axis = -1, varying = 0;
    for (size_t a = 0; a < dims.size(); ++a)
        if (dims[a] != 1) {
            ++varying;
            axis = static_cast<int>(a);
        }
    if (dims.size() != in.size() || varying != 1 || axis < 1 || dims[static_cast<size_t>(axis)] != in[static_cast<size_t>(axis)])
        failNode(n, "multiplies an activation by a constant of shape " +
                        dimsText(known == m_shapes.end() ? Dims{} : known->second) +
                        "; supported as a layer norm's weight or a scale along one axis of each sample");
    return scaleLayer(axis - 1);
}

} // namespace coinfer::onnxdetail
