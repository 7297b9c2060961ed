// The ONNX importer's Swin Transformer parts (core/io/onnxgraph.h). torchvision's
// shifted_window_attention, as torch.onnx.export writes it, pads the image to whole windows
// (Pad), rolls it (torch.roll as two Slices and a Concat per axis), partitions it into windows
// (Reshape, Transpose, Reshape), projects q, k and v (MatMul, Add), scales q, adds the relative
// position bias (a constant folded by the exporter) and, when shifted, the attention mask (built
// from the fixed shape by ConstantOfShape, Range, ScatterND and Where, none of which reads the
// data), applies Softmax, the out projection, and undoes the partition and the roll. With a fixed
// input every Pad is of zeros, and the whole region becomes one window_attention layer; Swin's
// patch merging (four strided Slices and a Concat on the last axis) becomes one patch_merge.
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnximport.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

/// The integers of a constant INT64 tensor of rank 0 or 1 (an initializer or a Constant node),
/// at most 64 of them; nullopt otherwise. O(initializers + size).
std::optional<Dims> GraphImport::foldedInts(const std::string& tensor) const
{
    const onnx::TensorProto* constant = nullptr;
    for (const onnx::TensorProto& initializer : m_graph.initializer())
        if (initializer.name() == tensor)
            constant = &initializer;
    if (const auto producer = m_producer.find(tensor); !constant && producer != m_producer.end()) {
        const onnx::NodeProto& node = m_graph.node(producer->second);
        const onnx::AttributeProto* value = node.op_type() == "Constant" ? findAttribute(node, "value") : nullptr;
        constant = value && value->has_t() ? &value->t() : nullptr;
    }
    if (!constant || constant->data_type() != onnx::TensorProto::INT64 || constant->dims_size() > 1 ||
        constant->data_location() == onnx::TensorProto::EXTERNAL)
        return std::nullopt;
    const std::int64_t count = constant->dims_size() == 0 ? 1 : constant->dims(0);
    if (count < 0 || count > 64)
        return std::nullopt;
    if (constant->int64_data_size() == count)
        return Dims(constant->int64_data().begin(), constant->int64_data().end());
    if (constant->raw_data().size() != static_cast<size_t>(count) * sizeof(std::int64_t))
        return std::nullopt;
    Dims values(static_cast<size_t>(count));
    std::memcpy(values.data(), constant->raw_data().data(), values.size() * sizeof(std::int64_t)); // little-endian
    return values;
}

/// Node @p n as a Slice of one axis with constant bounds and a positive step, clamped to the
/// input's inferred shape; nullopt for anything else. O(1).
std::optional<GraphImport::AxisSlice> GraphImport::axisSlice(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const auto in = node.op_type() == "Slice" && node.input_size() >= 3 ? m_shapes.find(node.input(0)) : m_shapes.end();
    if (in == m_shapes.end())
        return std::nullopt;
    const auto input = [&](int i) {
        return node.input_size() > i && !node.input(i).empty() ? foldedInts(node.input(i)) : std::optional<Dims>(Dims{});
    };
    const std::optional<Dims> starts = input(1), ends = input(2), axes = input(3), steps = input(4);
    if (!starts || !ends || !axes || !steps || starts->size() != 1 || ends->size() != 1 || axes->size() > 1 || steps->size() > 1)
        return std::nullopt;
    const auto rank = static_cast<std::int64_t>(in->second.size());
    AxisSlice slice;
    slice.axis = axes->empty() ? 0 : (*axes)[0] < 0 ? (*axes)[0] + rank : (*axes)[0];
    slice.step = steps->empty() ? 1 : (*steps)[0];
    if (slice.axis < 0 || slice.axis >= rank || slice.step < 1)
        return std::nullopt;
    slice.size = in->second[static_cast<size_t>(slice.axis)];
    const auto clamp = [&](std::int64_t index) {
        return std::clamp<std::int64_t>(index < 0 ? index + slice.size : index, 0, slice.size);
    };
    slice.first = clamp((*starts)[0]);
    slice.last = clamp((*ends)[0]);
    return slice;
}

/// Rewrites every Pad that adds nothing (constant mode, all pads 0) into Identity: with a fixed
/// input, Swin's padding to whole windows and patch merging's to even sizes are such. O(V).
void GraphImport::rewriteZeroPads()
{
    bool changed = false;
    for (int n = 0; n < m_graph.node_size(); ++n) {
        onnx::NodeProto& node = *m_graph.mutable_node(n);
        if (node.op_type() != "Pad" || node.input_size() < 1 || stringAttribute(node, "mode", "constant") != "constant")
            continue;
        const std::optional<Dims> pads =
            node.input_size() > 1 ? foldedInts(node.input(1)) : std::optional<Dims>(intsAttribute(node, "pads"));
        if (!pads || pads->empty() || std::any_of(pads->begin(), pads->end(), [](std::int64_t p) { return p != 0; }))
            continue;
        const std::string data = node.input(0);
        node.set_op_type("Identity");
        node.clear_input();
        node.add_input(data);
        node.clear_attribute();
        changed = true;
    }
    if (changed)
        indexTensors();
}

/// For a Concat node @p concat of two Slices of one tensor along the Concat's axis, [k, size)
/// then [0, k) (torch.roll by -k along that axis): k, with the axis in @p axis and the rolled
/// tensor in @p source; nullopt otherwise. O(1).
std::optional<std::int64_t> GraphImport::rollOffset(int concat, std::int64_t& axis, std::string& source) const
{
    const onnx::NodeProto& node = m_graph.node(concat);
    if (node.op_type() != "Concat" || node.input_size() != 2)
        return std::nullopt;
    std::optional<AxisSlice> parts[2];
    std::string inputs[2];
    for (int i = 0; i < 2; ++i) {
        const auto producer = m_producer.find(node.input(i));
        if (producer == m_producer.end())
            return std::nullopt;
        parts[i] = axisSlice(producer->second);
        inputs[i] = m_graph.node(producer->second).input(0);
    }
    const auto rank = static_cast<std::int64_t>(knownDims(inputs[0]).size());
    axis = intAttribute(node, "axis", 0) < 0 ? intAttribute(node, "axis", 0) + rank : intAttribute(node, "axis", 0);
    if (!parts[0] || !parts[1] || inputs[0] != inputs[1] || parts[0]->axis != axis || parts[1]->axis != axis ||
        parts[0]->step != 1 || parts[1]->step != 1 || parts[0]->last != parts[0]->size || parts[1]->first != 0 ||
        parts[1]->last != parts[0]->first || parts[0]->first <= 0)
        return std::nullopt;
    source = inputs[0];
    return parts[0]->first;
}

/// The inferred shape of @p tensor, or empty when unknown. O(1).
Dims GraphImport::knownDims(const std::string& tensor) const
{
    const auto shape = m_shapes.find(tensor);
    return shape == m_shapes.end() ? Dims{} : shape->second;
}

/// The node that makes @p tensor when it is an @p op, else -1. O(1).
int GraphImport::producerIf(const std::string& tensor, const char* op) const
{
    const auto producer = m_producer.find(tensor);
    return producer != m_producer.end() && m_graph.node(producer->second).op_type() == op ? producer->second : -1;
}

/// Swin's patch merging ending at Concat node @p concat: x[:, 0::2, 0::2], x[:, 1::2, 0::2],
/// x[:, 0::2, 1::2], x[:, 1::2, 1::2] on the last axis of N x H x W x C, each a Slice of rows then
/// one of columns, read by nothing else. The Slices go to @p slices, x to @p source. O(1).
bool GraphImport::isPatchMerge(int concat, std::vector<int>& slices, std::string& source) const
{
    const onnx::NodeProto& node = m_graph.node(concat);
    const Dims out = knownDims(node.output(0));
    if (node.op_type() != "Concat" || node.input_size() != 4 || out.size() != 4 ||
        (intAttribute(node, "axis", 0) != 3 && intAttribute(node, "axis", 0) != -1))
        return false;
    const std::int64_t rowOffset[4] = {0, 1, 0, 1}, columnOffset[4] = {0, 0, 1, 1};
    slices.clear();
    for (int i = 0; i < 4; ++i) {
        const int columns = producerIf(node.input(i), "Slice");
        const int rows = columns < 0 ? -1 : producerIf(m_graph.node(columns).input(0), "Slice");
        const std::optional<AxisSlice> column = columns < 0 ? std::nullopt : axisSlice(columns);
        const std::optional<AxisSlice> row = rows < 0 ? std::nullopt : axisSlice(rows);
        if (!row || !column || row->axis != 1 || column->axis != 2 || row->step != 2 || column->step != 2 ||
            row->first != rowOffset[i] || column->first != columnOffset[i] || row->last != row->size ||
            column->last != column->size || row->size % 2 != 0 || column->size % 2 != 0 ||
            (i > 0 && m_graph.node(rows).input(0) != source) || singleConsumer(node.input(i)) != concat)
            return false;
        source = m_graph.node(rows).input(0);
        slices.push_back(columns);
        if (std::find(slices.begin(), slices.end(), rows) == slices.end())
            slices.push_back(rows);
    }
    // Each row Slice feeds exactly two column Slices of the pattern.
    for (int s : slices)
        if (const auto readers = m_consumers.find(m_graph.node(s).output(0)); readers != m_consumers.end())
            for (const Consumer& reader : readers->second)
                if (reader.node != concat && std::find(slices.begin(), slices.end(), reader.node) == slices.end())
                    return false;
    return slices.size() == 6;
}

/// Rewrites each patch merging (isPatchMerge) into a Reshape of its input to the Concat's shape
/// (a new initializer), so that ONNX's shape inference still gives the merged shape; remembered
/// in m_patchMerges, which maps it to patch_merge. Its Slices lose their inputs. O(V).
void GraphImport::rewritePatchMerges()
{
    bool changed = false;
    for (int n = 0; n < m_graph.node_size(); ++n) {
        std::vector<int> slices;
        std::string source;
        if (!isPatchMerge(n, slices, source))
            continue;
        for (int s : slices)
            m_graph.mutable_node(s)->clear_input();
        onnx::NodeProto& concat = *m_graph.mutable_node(n);
        onnx::TensorProto* shape = m_graph.add_initializer();
        shape->set_name(concat.output(0) + "::coinfer_patch_merge_shape");
        shape->set_data_type(onnx::TensorProto::INT64);
        shape->add_dims(4);
        for (std::int64_t d : knownDims(concat.output(0)))
            shape->add_int64_data(d);
        m_initializers.insert(shape->name());
        concat.set_op_type("Reshape");
        concat.clear_input();
        concat.add_input(source);
        concat.add_input(shape->name());
        concat.clear_attribute();
        m_patchMerges.insert(n);
        changed = true;
    }
    if (changed)
        indexTensors();
}

/// The window partition before MatMul node @p qkv: Reshape to N x H/w x w x W/w x w x C,
/// Transpose (0, 1, 3, 2, 4, 5), Reshape to windows x w^2 x C, after torch.roll by -shift on
/// axes 1 and 2 (or none) of the zero Pad (now an Identity) that starts the region. Fills
/// @p pattern's start, window and shift and @p image with N x H x W x C; false otherwise. O(1).
bool GraphImport::windowPartitionBefore(int qkv, WindowAttentionPattern& pattern, Dims& image) const
{
    const onnx::NodeProto& matmul = m_graph.node(qkv);
    const int flatten = matmul.op_type() == "MatMul" && matmul.input_size() == 2 ? producerIf(matmul.input(0), "Reshape") : -1;
    const int partition = flatten < 0 ? -1 : producerIf(m_graph.node(flatten).input(0), "Transpose");
    const int split = partition < 0 ? -1 : producerIf(m_graph.node(partition).input(0), "Reshape");
    if (split < 0 || intsAttribute(m_graph.node(partition), "perm") != Dims{0, 1, 3, 2, 4, 5})
        return false;
    const Dims grid = knownDims(m_graph.node(split).output(0));
    std::string tensor = m_graph.node(split).input(0);
    if (grid.size() != 6 || grid[2] != grid[4] || grid[2] < 1 || grid[2] > 1000)
        return false;
    pattern.window = static_cast<int>(grid[2]);
    pattern.shift = 0;
    std::int64_t axis2 = -1, axis1 = -1;
    std::string middle, source;
    if (const int second = producerIf(tensor, "Concat"); second >= 0) {
        const std::optional<std::int64_t> k2 = rollOffset(second, axis2, middle);
        const int first = k2 ? producerIf(middle, "Concat") : -1;
        const std::optional<std::int64_t> k1 = first < 0 ? std::nullopt : rollOffset(first, axis1, source);
        if (!k1 || axis1 != 1 || axis2 != 2 || *k1 != *k2 || *k1 >= pattern.window)
            return false;
        pattern.shift = static_cast<int>(*k1);
        tensor = source;
    }
    pattern.start = producerIf(tensor, "Identity");
    image = knownDims(tensor);
    return pattern.start >= 0 && image.size() == 4 && image[1] == grid[1] * grid[2] && image[2] == grid[3] * grid[4] &&
           image[3] == grid[5];
}

/// Whether every Slice and Concat of the window attention @p region (ending at @p end) is a roll
/// (by -shift on axes 1 and 2 of the @p image before the qkv MatMul @p qkv, by +shift on each after
/// it) or a Slice that keeps its whole axis (the crop back from the padded size). O(region).
bool GraphImport::windowRollsFit(const std::vector<int>& region, int qkv, int end, const WindowAttentionPattern& pattern,
                                 const Dims& image) const
{
    std::vector<int> rollSlices;
    std::vector<std::pair<std::int64_t, std::int64_t>> before, after; // (axis, offset) of each roll
    for (int n : region) {
        if (m_graph.node(n).op_type() != "Concat")
            continue;
        std::int64_t axis = -1;
        std::string source;
        const std::optional<std::int64_t> k = rollOffset(n, axis, source);
        if (!k)
            return false;
        (n < qkv ? before : after).emplace_back(axis, *k);
        for (const std::string& input : m_graph.node(n).input())
            rollSlices.push_back(m_producer.at(input));
    }
    using Rolls = std::vector<std::pair<std::int64_t, std::int64_t>>;
    const std::int64_t shift = pattern.shift;
    if (shift > 0 ? before != Rolls{{1, shift}, {2, shift}} || after != Rolls{{1, image[1] - shift}, {2, image[2] - shift}}
                  : !before.empty() || !after.empty())
        return false;
    for (int n : region)
        if (m_graph.node(n).op_type() == "Slice" && std::find(rollSlices.begin(), rollSlices.end(), n) == rollSlices.end()) {
            const std::optional<AxisSlice> slice = axisSlice(n);
            if (!slice || slice->first != 0 || slice->last != slice->size || slice->step != 1)
                return false;
        }
    const std::optional<AxisSlice> last = m_graph.node(end).op_type() == "Slice" ? axisSlice(end) : std::nullopt;
    return m_graph.node(end).op_type() != "Slice" || (last && last->first == 0 && last->last == last->size && last->step == 1);
}

/// The constant input of two-input node @p n other than the tensor @p from. O(1).
std::string GraphImport::otherInput(int n, const std::string& from) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    return node.input_size() != 2 ? std::string() : node.input(0) == from ? node.input(1) : node.input(0);
}

/// The weights and heads of the window attention in @p region (byOp: its nodes by operator):
/// qkv MatMul C x 3C and its bias, the relative position bias 1 x heads x N x N added to q k^T,
/// the q scaling by (C / heads)^-0.5, the out projection C x C and its bias. False when any
/// differs from torchvision's. O(region).
bool GraphImport::windowWeightsFit(const std::map<std::string, std::vector<int>>& byOp, const Dims& image,
                                   WindowAttentionPattern& pattern) const
{
    const std::vector<int>& products = byOp.at("MatMul");
    const std::int64_t features = image[3], positions = static_cast<std::int64_t>(pattern.window) * pattern.window;
    const int qkv = products[0], scores = products[1], projection = products[3];
    const auto readerOf = [&](int n, const char* op) {
        const int reader = singleConsumer(m_graph.node(n).output(0));
        return reader >= 0 && m_graph.node(reader).op_type() == op ? reader : -1;
    };
    const int qkvBias = readerOf(qkv, "Add"), positionBias = readerOf(scores, "Add"),
              projectionBias = readerOf(projection, "Add");
    if (qkvBias < 0 || positionBias < 0 || projectionBias < 0)
        return false;
    pattern.weights = {m_graph.node(qkv).input(1), otherInput(qkvBias, m_graph.node(qkv).output(0)),
                       m_graph.node(projection).input(1), otherInput(projectionBias, m_graph.node(projection).output(0)),
                       otherInput(positionBias, m_graph.node(scores).output(0))};
    const Dims bias = knownDims(pattern.weights[4]);
    if (bias.size() < 3 || bias[bias.size() - 1] != positions || bias[bias.size() - 2] != positions ||
        bias[bias.size() - 3] < 1 || features % bias[bias.size() - 3] != 0 || m_producer.count(pattern.weights[4]))
        return false;
    pattern.heads = static_cast<int>(bias[bias.size() - 3]);
    if (knownDims(pattern.weights[0]) != Dims{features, 3 * features} || knownDims(pattern.weights[1]) != Dims{3 * features} ||
        knownDims(pattern.weights[2]) != Dims{features, features} || knownDims(pattern.weights[3]) != Dims{features})
        return false;
    // q * (C / heads)^-0.5: the exporter writes the factor as Pow(Cast(C / heads), -0.5).
    const onnx::NodeProto& scale = m_graph.node(byOp.at("Mul").front());
    const std::string factor = scale.input_size() == 2 && m_producer.count(scale.input(1)) ? scale.input(1) : "";
    const int pow = factor.empty() ? -1 : producerIf(factor, "Pow");
    std::string base = pow < 0 ? "" : m_graph.node(pow).input(0);
    while (producerIf(base, "Cast") >= 0)
        base = m_graph.node(producerIf(base, "Cast")).input(0);
    const std::optional<Dims> width = base.empty() ? std::nullopt : foldedInts(base);
    const std::optional<double> power = pow < 0 ? std::nullopt : scalarConstant(m_graph.node(pow).input(1));
    const std::optional<double> floatWidth = base.empty() ? std::nullopt : scalarConstant(base);
    const std::int64_t expected = features / pattern.heads;
    return power == -0.5 && ((width && *width == Dims{expected}) || floatWidth == static_cast<double>(expected));
}

/// For MatMul node @p qkv, torchvision's shifted_window_attention around it (docs/dnn-import.md):
/// the region from the zero Pad to the node read by the residual Add, closed (nothing outside
/// reads a tensor inside), holding exactly torchvision's operators. nullopt for anything else.
/// O(V) for the search of the residual Add.
std::optional<GraphImport::WindowAttentionPattern> GraphImport::windowAttentionAt(int qkv) const
{
    WindowAttentionPattern pattern;
    Dims image;
    if (!windowPartitionBefore(qkv, pattern, image))
        return std::nullopt;
    // The end: what the residual Add reads besides the block's input.
    int end = -1;
    for (int n = qkv + 1; n < m_graph.node_size() && end < 0; ++n) {
        const onnx::NodeProto& node = m_graph.node(n);
        if (node.op_type() == "Add" && node.input_size() == 2 && knownDims(node.input(0)) == image &&
            knownDims(node.input(1)) == image)
            for (const std::string& input : node.input())
                if (const auto producer = m_producer.find(input); producer != m_producer.end() && producer->second > qkv)
                    end = producer->second;
    }
    if (end < 0 || knownDims(m_graph.node(end).output(0)) != image)
        return std::nullopt;
    std::vector<int> region = regionBetween(pattern.start, end);
    std::map<std::string, std::vector<int>> byOp;
    for (int n : region)
        byOp[m_graph.node(n).op_type()].push_back(n);
    const auto count = [&](const char* op) { return byOp.count(op) ? byOp.at(op).size() : size_t{0}; };
    const size_t masked = pattern.shift > 0 ? 1 : 0;
    const size_t known = count("MatMul") + count("Add") + count("Mul") + count("Softmax") + count("Gather") + count("Transpose") +
                         count("Reshape") + count("Slice") + count("Concat") + count("Dropout") + count("Identity");
    if (count("MatMul") != 4 || byOp.at("MatMul").front() != qkv || count("Add") != 3 + masked || count("Mul") != 1 ||
        count("Softmax") != 1 || count("Gather") != 3 || known != region.size() ||
        (intAttribute(m_graph.node(byOp.at("Softmax").front()), "axis", -1) != -1 &&
         intAttribute(m_graph.node(byOp.at("Softmax").front()), "axis", -1) != 3) ||
        !windowRollsFit(region, qkv, end, pattern, image) || !windowWeightsFit(byOp, image, pattern))
        return std::nullopt;
    region.push_back(pattern.start);
    for (int n : region)
        for (const std::string& output : m_graph.node(n).output())
            if (const auto readers = m_consumers.find(output); readers != m_consumers.end())
                for (const Consumer& reader : readers->second)
                    if (reader.node != end && std::find(region.begin(), region.end(), reader.node) == region.end())
                        return std::nullopt;
    pattern.end = end;
    pattern.inner = std::move(region);
    return pattern;
}

/// Rewrites each window attention (windowAttentionAt) into Identity(the normalised tokens) at its
/// last node, remembered in m_windowAttention; its other nodes lose their inputs. Needs the
/// inferred shapes. O(V x region).
void GraphImport::rewriteWindowAttention()
{
    if (m_shapes.empty())
        return;
    rewritePatchMerges();
    bool changed = false;
    for (int n = 0; n < m_graph.node_size(); ++n) {
        std::optional<WindowAttentionPattern> pattern = windowAttentionAt(n);
        if (!pattern)
            continue;
        const std::string input = m_graph.node(pattern->start).input(0);
        for (int inner : pattern->inner)
            m_graph.mutable_node(inner)->clear_input();
        onnx::NodeProto& last = *m_graph.mutable_node(pattern->end);
        last.set_op_type("Identity");
        last.clear_input();
        last.add_input(input);
        last.clear_attribute();
        m_windowAttention[pattern->end] = std::move(*pattern);
        changed = true;
    }
    if (changed)
        indexTensors();
}

} // namespace coinfer::onnxdetail
