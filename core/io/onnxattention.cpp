// The ONNX importer's vision-transformer parts (core/io/onnxgraph.h): PyTorch's
// nn.MultiheadAttention as torch.onnx.export writes it (sequence first: Transpose (1, 0, 2), one
// MatMul for q, k and v, three Slices, per-head Reshapes and Transposes, q divided by sqrt(d),
// MatMul, Softmax, MatMul, Gemm for the out projection, Transpose back) becomes one attention
// layer; the class token (Concat of a learned row), the positional embedding (Add of a learned
// tensor), token reshapes and the class token's Gather map onto layers of their own.
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnximport.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

namespace {

/// A Transpose swapping the first two axes of a rank-3 tensor (batch and sequence).
bool swapsFirstAxes(const onnx::NodeProto& node)
{
    return node.op_type() == "Transpose" && intsAttribute(node, "perm") == Dims{1, 0, 2};
}

} // namespace

/// The nodes strictly between @p start and @p end that lie on a path from one to the other
/// (following every input), or empty when @p end is not reached within the nodes before it.
/// O(V + E) over the nodes from start to end.
std::vector<int> GraphImport::regionBetween(int start, int end) const
{
    std::vector<bool> reaches(static_cast<size_t>(end + 1), false); // node -> reaches end
    reaches[static_cast<size_t>(end)] = true;
    for (int n = end; n > start; --n) {
        if (!reaches[static_cast<size_t>(n)])
            continue;
        for (const std::string& input : m_graph.node(n).input())
            if (const auto producer = m_producer.find(input); producer != m_producer.end() && producer->second >= start)
                reaches[static_cast<size_t>(producer->second)] = true;
    }
    if (!reaches[static_cast<size_t>(start)])
        return {};
    std::vector<bool> reached(static_cast<size_t>(end + 1), false); // node -> reached from start
    reached[static_cast<size_t>(start)] = true;
    std::vector<int> region;
    for (int n = start + 1; n < end; ++n) {
        for (const std::string& input : m_graph.node(n).input())
            if (const auto producer = m_producer.find(input);
                producer != m_producer.end() && producer->second >= start && reached[static_cast<size_t>(producer->second)])
                reached[static_cast<size_t>(n)] = true;
        if (reached[static_cast<size_t>(n)] && reaches[static_cast<size_t>(n)])
            region.push_back(n);
    }
    return region;
}

/// For a Transpose (1, 0, 2) node @p start on N x L x E, the attention that ends at the next
/// Transpose (1, 0, 2) giving N x L x E again: its nodes checked against PyTorch's export (the op
/// counts, the projections' weight shapes, the q scaling by sqrt(E / heads), Softmax over the
/// keys) and closed (nothing outside reads a tensor inside). nullopt for anything else. O(region).
std::optional<GraphImport::AttentionPattern> GraphImport::attentionFrom(int start) const
{
    const onnx::NodeProto& first = m_graph.node(start);
    const auto shapeOfTensor = [&](const std::string& tensor) {
        const auto shape = m_shapes.find(tensor);
        return shape == m_shapes.end() ? Dims{} : shape->second;
    };
    const Dims in = first.input_size() == 1 ? shapeOfTensor(first.input(0)) : Dims{};
    if (!swapsFirstAxes(first) || in.size() != 3)
        return std::nullopt;
    int end = -1;
    for (int n = start + 1; n < m_graph.node_size() && n < start + 64 && end < 0; ++n)
        if (swapsFirstAxes(m_graph.node(n)) && shapeOfTensor(m_graph.node(n).output(0)) == in)
            end = n;
    if (end < 0)
        return std::nullopt;
    std::vector<int> region = regionBetween(start, end);
    std::map<std::string, std::vector<int>> byOp;
    for (int n : region)
        byOp[m_graph.node(n).op_type()].push_back(n);
    const auto count = [&](const char* op) { return byOp.count(op) ? byOp.at(op).size() : size_t{0}; };
    if (count("MatMul") != 3 || count("Gemm") != 1 || count("Softmax") != 1 || count("Slice") != 3 || count("Add") != 1 ||
        count("Div") != 1 || region.size() != 3 + 1 + 1 + 3 + 1 + 1 + count("Reshape") + count("Transpose"))
        return std::nullopt;
    AttentionPattern pattern;
    pattern.start = start;
    pattern.end = end;
    pattern.inProjection = byOp.at("MatMul").front(); // the first in topological order reads the Transpose
    pattern.inBias = byOp.at("Add").front();
    pattern.outProjection = byOp.at("Gemm").front();
    const std::int64_t features = in[2];
    const Dims inWeight = shapeOfTensor(m_graph.node(pattern.inProjection).input(1));
    const Dims outWeight = shapeOfTensor(m_graph.node(pattern.outProjection).input(1));
    if (m_graph.node(pattern.inProjection).input(0) != first.output(0) || inWeight != Dims{features, 3 * features} ||
        outWeight != Dims{features, features} || intAttribute(m_graph.node(pattern.outProjection), "transB", 0) != 1)
        return std::nullopt;
    // The heads: q's Reshape gives L x N*heads x E/heads.
    const int divide = byOp.at("Div").front();
    const Dims perHead = shapeOfTensor(m_graph.node(divide).input(0));
    const std::optional<double> root = scalarConstant(m_graph.node(divide).input(1));
    if (perHead.size() != 3 || perHead[2] < 1 || features % perHead[2] != 0 || !root ||
        std::fabs(*root - std::sqrt(static_cast<double>(perHead[2]))) > 1e-4 * *root ||
        intAttribute(m_graph.node(byOp.at("Softmax").front()), "axis", -1) != -1)
        return std::nullopt;
    pattern.heads = static_cast<int>(features / perHead[2]);
    for (int n : region)
        for (const std::string& output : m_graph.node(n).output())
            if (const auto readers = m_consumers.find(output); readers != m_consumers.end())
                for (const Consumer& reader : readers->second)
                    if (reader.node != end && !std::binary_search(region.begin(), region.end(), reader.node))
                        return std::nullopt;
    pattern.inner = std::move(region);
    return pattern;
}

/// Rewrites each attention (attentionFrom) into Identity(its input) at its last node, remembered
/// in m_attention; its other nodes lose their inputs. Needs the inferred shapes. O(V x region).
void GraphImport::rewriteAttention()
{
    if (m_shapes.empty())
        return;
    bool changed = false;
    for (int n = 0; n < m_graph.node_size(); ++n) {
        const std::optional<AttentionPattern> pattern = attentionFrom(n);
        if (!pattern)
            continue;
        const std::string input = m_graph.node(n).input(0);
        // The weights' names, before the nodes holding them are emptied: in projection (stored
        // E x 3E), its bias, out projection (E x E, out x in), its bias.
        const onnx::NodeProto& in = m_graph.node(pattern->inProjection);
        const onnx::NodeProto& bias = m_graph.node(pattern->inBias);
        const onnx::NodeProto& out = m_graph.node(pattern->outProjection);
        AttentionPattern found = *pattern;
        found.weights = {in.input(1), bias.input(0) == in.output(0) ? bias.input(1) : bias.input(0), out.input(1),
                         out.input_size() > 2 ? out.input(2) : ""};
        for (int inner : pattern->inner)
            m_graph.mutable_node(inner)->clear_input();
        m_graph.mutable_node(n)->clear_input();
        onnx::NodeProto& last = *m_graph.mutable_node(pattern->end);
        last.set_op_type("Identity");
        last.clear_input();
        last.add_input(input);
        last.clear_attribute();
        m_attention[pattern->end] = std::move(found);
        changed = true;
    }
    if (changed)
        indexTensors();
}

/// The ONNX tensors of an attention layer's weights (taken before its nodes were emptied).
OnnxLayerTensors GraphImport::attentionTensors(int end) const
{
    OnnxLayerTensors tensors;
    tensors.names = m_attention.at(end).weights;
    tensors.transposed = true;
    return tensors;
}

/// A Concat of a learned tensor (a graph input or initializer, possibly through an Expand to the
/// batch) before the activation on axis 1: the class token.
Layer GraphImport::mapPrepend(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    const std::int64_t axis = intAttribute(node, "axis", 1);
    const Dims constant = m_shapes.count(node.input(0)) ? m_shapes.at(node.input(0)) : Dims{};
    if (node.input_size() != 2 || activationInputs(n) != std::vector<int>{1} || (axis != 1 && axis != 1 - 3) || in.size() != 3 ||
        constant.size() != 3 || constant[0] != in[0] || constant[2] != in[2] || constant[1] < 1 || constant[1] > INT_MAX)
        failNode(n, "concatenates one activation with constants; supported only as learned tokens before a sequence "
                    "(N x k x E, then N x L x E, on axis 1)");
    return prependLayer(static_cast<int>(constant[1]));
}

/// Gather of one constant index on axis 1 of N x L x E: that token, as N x E.
std::optional<Layer> GraphImport::mapGather(int n, std::vector<Layer>& chain) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    const onnx::TensorProto* index = node.input_size() > 1 ? constantTensor(node.input(1)) : nullptr;
    std::optional<std::int64_t> value;
    if (index && index->dims_size() == 0 && index->data_type() == onnx::TensorProto::INT64) {
        if (index->int64_data_size() == 1) {
            value = index->int64_data(0);
        } else if (index->raw_data().size() == sizeof(std::int64_t)) {
            std::int64_t raw = 0;
            std::memcpy(&raw, index->raw_data().data(), sizeof raw); // little-endian, as ONNX stores it
            value = raw;
        }
    }
    if (in.size() != 3 || intAttribute(node, "axis", 0) != 1 || !value || *value < -in[1] || *value >= in[1])
        failNode(n, "gathers other than one constant index on axis 1 of N x L x E; only taking one token is supported");
    const int token = static_cast<int>(*value < 0 ? *value + in[1] : *value);
    Layer slice = sliceLayer(0, token, token + 1);
    slice.sourceNode = n;
    chain.push_back(slice);
    return reshapeLayer({static_cast<int>(in[2]), 1, 1});
}

/// An Add of an activation and a constant: the bias of the layer before (attachesToLast, changing
/// the last layer of @p chain, so nullopt), or a learned tensor of the sample's shape added to it.
std::optional<Layer> GraphImport::mapConstantSum(int n, std::vector<Layer>& chain) const
{
    if (attachesToLast(n, chain)) {
        chain.back().bias = true;
        chain.back().biasSourceNode = n;
        return std::nullopt;
    }
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    const auto known = m_shapes.find(node.input(activationInputs(n).front() == 0 ? 1 : 0));
    Dims dims = known == m_shapes.end() ? Dims{} : known->second;
    while (!dims.empty() && dims.size() < in.size())
        dims.insert(dims.begin(), 1);
    if (dims.size() != in.size() || dims[0] != 1 || !std::equal(dims.begin() + 1, dims.end(), in.begin() + 1))
        failNode(n, "adds a constant to an activation; supported as the bias right after a MatMul or a layer norm's weight, "
                    "or as a learned tensor of each sample's shape");
    return plainLayer(LayerKind::Offset);
}

} // namespace coinfer::onnxdetail
