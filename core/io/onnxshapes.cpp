// The ONNX importer's shape arithmetic (core/io/onnxgraph.h): exporters compute a Slice's bounds
// or a Reshape's target from Shape(x) at run time (ShuffleNet's x.chunk(2, dim=1) becomes
// Shape, Gather, Add, Div, Mul and Slice). With a fixed input shape every such value is a
// constant: the nodes are replaced by Constant nodes, so the rest of the import sees constants.
// Also which graph input is the data input, and Slice and channel shuffles (fixed shapes again).
#include "core/dnn/dnn.h"
#include "core/io/onnxgraph.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
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

/// An integer tensor of rank 0 (a scalar) or 1.
struct IntValue {
    Dims values;
    bool scalar = false;
};

/// The integers of an INT64 or INT32 tensor of rank 0 or 1 with inline or raw data; nullopt for
/// anything else (a float, external data, a larger rank). O(size).
std::optional<IntValue> intsOf(const onnx::TensorProto& tensor)
{
    const bool int64 = tensor.data_type() == onnx::TensorProto::INT64;
    if ((!int64 && tensor.data_type() != onnx::TensorProto::INT32) || tensor.dims_size() > 1 ||
        tensor.data_location() == onnx::TensorProto::EXTERNAL)
        return std::nullopt;
    const std::int64_t count = tensor.dims_size() == 0 ? 1 : tensor.dims(0);
    if (count < 0 || count > 64)
        return std::nullopt;
    IntValue value{{}, tensor.dims_size() == 0};
    const size_t width = int64 ? sizeof(std::int64_t) : sizeof(std::int32_t);
    if (tensor.raw_data().size() == static_cast<size_t>(count) * width) {
        for (std::int64_t i = 0; i < count; ++i) {
            std::int64_t v = 0;
            std::int32_t v32 = 0;
            if (int64)
                std::memcpy(&v, tensor.raw_data().data() + i * 8, 8); // little-endian, as ONNX stores it
            else
                std::memcpy(&v32, tensor.raw_data().data() + i * 4, 4);
            value.values.push_back(int64 ? v : v32);
        }
    } else if (int64 && tensor.int64_data_size() == count) {
        value.values.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    } else if (!int64 && tensor.int32_data_size() == count) {
        value.values.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    } else {
        return std::nullopt;
    }
    return value;
}

/// Elementwise Add, Sub, Mul or Div (truncating, as C++ and ONNX runtimes divide integers) of
/// @p a and @p b, one of them possibly a single value broadcast; nullopt for other sizes or a
/// division by zero. O(size).
std::optional<IntValue> arithmetic(const std::string& op, const IntValue& a, const IntValue& b)
{
    const size_t size = std::max(a.values.size(), b.values.size());
    if ((a.values.size() != size && a.values.size() != 1) || (b.values.size() != size && b.values.size() != 1))
        return std::nullopt;
    IntValue result{{}, a.scalar && b.scalar};
    for (size_t i = 0; i < size; ++i) {
        const std::int64_t x = a.values[a.values.size() == 1 ? 0 : i], y = b.values[b.values.size() == 1 ? 0 : i];
        // A hostile graph's values may overflow: such a value folds to nothing (and is refused later).
        std::int64_t value = 0;
        const bool overflow = op == "Add"   ? __builtin_add_overflow(x, y, &value)
                              : op == "Sub" ? __builtin_sub_overflow(x, y, &value)
                              : op == "Mul" ? __builtin_mul_overflow(x, y, &value)
                                            : (y == 0 || (x == INT64_MIN && y == -1));
        if (overflow)
            return std::nullopt;
        result.values.push_back(op == "Div" ? x / y : value);
    }
    return result;
}

/// Gather along axis 0 of a 1-D @p data at @p indices (negative counting from the end).
std::optional<IntValue> gather(const IntValue& data, const IntValue& indices)
{
    IntValue result{{}, indices.scalar};
    for (std::int64_t index : indices.values) {
        const auto size = static_cast<std::int64_t>(data.values.size());
        if (index < -size || index >= size)
            return std::nullopt;
        result.values.push_back(data.values[static_cast<size_t>(index < 0 ? index + size : index)]);
    }
    return result;
}

std::optional<IntValue> foldedSelection(const onnx::NodeProto& node, const std::vector<const IntValue*>& in);

/// The value of @p node when every input it reads is a known integer in @p known (or, for Shape,
/// a tensor of a fixed shape in @p shapes); nullopt when it cannot be folded. O(size of the values).
std::optional<IntValue> foldedValue(const onnx::NodeProto& node, const std::unordered_map<std::string, IntValue>& known,
                                    const std::unordered_map<std::string, Dims>& shapes)
{
    const std::string& op = node.op_type();
    if (op == "Shape") {
        const auto shape = node.input_size() == 1 ? shapes.find(node.input(0)) : shapes.end();
        if (shape == shapes.end() || findAttribute(node, "start") || findAttribute(node, "end") ||
            std::any_of(shape->second.begin(), shape->second.end(), [](std::int64_t d) { return d < 0; }))
            return std::nullopt;
        return IntValue{shape->second, false};
    }
    std::vector<const IntValue*> in;
    for (const std::string& input : node.input()) {
        const auto value = known.find(input);
        if (value == known.end())
            return std::nullopt;
        in.push_back(&value->second);
    }
    if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && in.size() == 2)
        return arithmetic(op, *in[0], *in[1]);
    if (op == "Gather" && in.size() == 2 && intAttribute(node, "axis", 0) == 0 && !in[0]->scalar)
        return gather(*in[0], *in[1]);
    if (op == "Unsqueeze" && !in.empty() && in[0]->scalar)
        return IntValue{in[0]->values, false}; // a scalar becomes a 1-D tensor of one value
    if (op == "Squeeze" && !in.empty() && !in[0]->scalar && in[0]->values.size() == 1)
        return IntValue{in[0]->values, true};
    if (op == "Concat" && intAttribute(node, "axis", 0) == 0) {
        IntValue result;
        for (const IntValue* part : in) {
            if (part->scalar)
                return std::nullopt;
            result.values.insert(result.values.end(), part->values.begin(), part->values.end());
        }
        return result;
    }
    if (op == "Cast" && in.size() == 1 &&
        (intAttribute(node, "to", 0) == onnx::TensorProto::INT64 || intAttribute(node, "to", 0) == onnx::TensorProto::INT32))
        return *in[0];
    return foldedSelection(node, in);
}

/// ConstantOfShape (of one dimension), Equal (as 0 and 1) and Where on integers, as exporters
/// build an Expand's target shape; nullopt for anything else. O(size of the values).
std::optional<IntValue> foldedSelection(const onnx::NodeProto& node, const std::vector<const IntValue*>& in)
{
    const std::string& op = node.op_type();
    if (op == "ConstantOfShape" && in.size() == 1 && in[0]->values.size() == 1 && in[0]->values[0] >= 0 &&
        in[0]->values[0] <= 64) {
        const onnx::AttributeProto* value = findAttribute(node, "value");
        const std::optional<IntValue> fill = value && value->has_t() ? intsOf(value->t()) : IntValue{{0}, false};
        if (!fill || fill->values.size() != 1)
            return std::nullopt;
        return IntValue{Dims(static_cast<size_t>(in[0]->values[0]), fill->values[0]), false};
    }
    const auto broadcast = [&](size_t i, size_t at) { return in[i]->values[in[i]->values.size() == 1 ? 0 : at]; };
    size_t size = 0;
    for (const IntValue* part : in)
        size = std::max(size, part->values.size());
    for (const IntValue* part : in)
        if (part->values.size() != size && part->values.size() != 1)
            return std::nullopt;
    IntValue result;
    if (op == "Equal" && in.size() == 2)
        for (size_t i = 0; i < size; ++i)
            result.values.push_back(broadcast(0, i) == broadcast(1, i) ? 1 : 0);
    else if (op == "Where" && in.size() == 3)
        for (size_t i = 0; i < size; ++i)
            result.values.push_back(broadcast(0, i) != 0 ? broadcast(1, i) : broadcast(2, i));
    else
        return std::nullopt;
    return result;
}

} // namespace

/// Folds the graph's integer shape arithmetic into Constant nodes: ONNX's shape inference gives
/// the shapes that Shape nodes read, the values are computed here, and inference runs again on
/// the graph with the new constants (a Slice whose bounds were unknown gets a shape, which a
/// later Shape reads), until nothing more folds. O(rounds x (V + E + shape inference)), a round
/// per chain of Shape nodes that depend on each other.
void GraphImport::foldShapeArithmetic()
{
    const auto readsShape = [&] {
        for (const onnx::NodeProto& node : m_graph.node())
            if (node.op_type() == "Shape")
                return true;
        return false;
    };
    if (!readsShape())
        return;
    setInputShape();
    std::unordered_map<std::string, IntValue> known;
    for (const onnx::TensorProto& initializer : m_graph.initializer())
        if (const auto value = intsOf(initializer))
            known.emplace(initializer.name(), *value);
    for (bool folded = true; folded && readsShape();) {
        inferShapes();
        collectShapes();
        folded = false;
        for (onnx::NodeProto& node : *m_graph.mutable_node()) {
            if (node.output_size() != 1)
                continue;
            const onnx::AttributeProto* constant = node.op_type() == "Constant" ? findAttribute(node, "value") : nullptr;
            std::optional<IntValue> value =
                constant && constant->has_t() ? intsOf(constant->t()) : foldedValue(node, known, m_shapes);
            if (!value || known.count(node.output(0)))
                continue;
            known.emplace(node.output(0), *value);
            if (node.op_type() == "Constant")
                continue;
            // The node becomes a Constant holding its value (an INT64 scalar or vector).
            node.set_op_type("Constant");
            node.clear_input();
            node.clear_attribute();
            onnx::AttributeProto* attribute = node.add_attribute();
            attribute->set_name("value");
            attribute->set_type(onnx::AttributeProto::TENSOR);
            onnx::TensorProto* tensor = attribute->mutable_t();
            tensor->set_data_type(onnx::TensorProto::INT64);
            if (!value->scalar)
                tensor->add_dims(static_cast<std::int64_t>(value->values.size()));
            for (std::int64_t v : value->values)
                tensor->add_int64_data(v);
            folded = true;
        }
        indexTensors();
    }
}

} // namespace coinfer::onnxdetail

namespace coinfer::onnxdetail {

/// Slice with constant bounds on one axis of each sample, step 1: the layer taking
/// [start, end) of that axis (negative bounds count from the end, bounds past it are clamped, as
/// ONNX defines). Refuses bounds computed at run time, several axes, steps, and the batch axis.
Layer GraphImport::mapSlice(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    const Dims& in = activationDims(n);
    const auto rank = static_cast<std::int64_t>(in.size());
    std::optional<Dims> starts, ends, axes = Dims{}, steps = Dims{};
    if (m_opset < 10) {
        starts = intsAttribute(node, "starts");
        ends = intsAttribute(node, "ends");
        axes = intsAttribute(node, "axes");
    } else {
        const auto input = [&](int i) {
            return node.input_size() > i && !node.input(i).empty() ? constantInts(node.input(i)) : std::optional<Dims>(Dims{});
        };
        starts = input(1);
        ends = input(2);
        axes = input(3);
        steps = input(4);
    }
    if (!starts || !ends || !axes || !steps || starts->size() != 1 || ends->size() != 1)
        failNode(n,
                 "slices with bounds that are not constant or on several axes; only a constant slice of one axis is supported");
    std::int64_t axis = axes->empty() ? 0 : (*axes)[0];
    axis = axis < 0 ? axis + rank : axis;
    if (axes->size() > 1 || axis < 1 || axis >= rank || axis > 3 || (!steps->empty() && (*steps)[0] != 1))
        failNode(n, "slices axes " + dimsText(*axes) + " with steps " + dimsText(*steps) + " of " + dimsText(in) +
                        "; only one axis of each sample with step 1 is supported");
    const std::int64_t size = in[static_cast<size_t>(axis)];
    const auto clamp = [size](std::int64_t index) { return std::clamp(index < 0 ? index + size : index, std::int64_t{0}, size); };
    const std::int64_t first = clamp((*starts)[0]), last = clamp((*ends)[0]);
    if (last <= first)
        failNode(n, "keeps nothing (from " + std::to_string(first) + " to " + std::to_string(last) + ")");
    return sliceLayer(static_cast<int>(axis - 1), static_cast<int>(first), static_cast<int>(last));
}

/// The groups of a channel shuffle whose Transpose is node @p transpose: Reshape N x C x H x W to
/// N x g x C/g x H x W, Transpose (0, 2, 1, 3, 4), Reshape back to N x C x H x W, each node the
/// one reader of the one before; 0 for anything else. Needs the inferred shapes. O(1).
int GraphImport::shuffleGroups(int transpose) const
{
    const onnx::NodeProto& node = m_graph.node(transpose);
    if (node.op_type() != "Transpose" || node.input_size() != 1 || intsAttribute(node, "perm") != Dims{0, 2, 1, 3, 4})
        return 0;
    const auto before = m_producer.find(node.input(0));
    const int after = singleConsumer(node.output(0));
    if (before == m_producer.end() || after < 0 || singleConsumer(node.input(0)) != transpose)
        return 0;
    const onnx::NodeProto& split = m_graph.node(before->second);
    const onnx::NodeProto& merge = m_graph.node(after);
    if (split.op_type() != "Reshape" || merge.op_type() != "Reshape" || split.input_size() < 1)
        return 0;
    const auto known = [&](const std::string& tensor) {
        const auto shape = m_shapes.find(tensor);
        return shape == m_shapes.end() ? Dims{} : shape->second;
    };
    const Dims in = known(split.input(0)), grouped = known(split.output(0)), out = known(merge.output(0));
    if (in.size() != 4 || grouped.size() != 5 || out != in || grouped[0] != in[0] || grouped[1] < 1 || grouped[1] > INT_MAX ||
        grouped[2] < 1 || grouped[2] > INT_MAX || grouped[1] * grouped[2] != in[1] || grouped[3] != in[2] || grouped[4] != in[3])
        return 0;
    return static_cast<int>(grouped[1]);
}

/// Whether node @p n is the first Reshape or the Transpose of a channel shuffle (shuffleGroups):
/// they make no layer of their own, the last Reshape makes the shuffle. O(1).
bool GraphImport::isInsideShuffle(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    if (node.op_type() == "Transpose")
        return shuffleGroups(n) > 0;
    if (node.op_type() != "Reshape")
        return false;
    const int reader = singleConsumer(node.output(0));
    return reader >= 0 && shuffleGroups(reader) > 0;
}

/// For the last Reshape @p n of a channel shuffle, its groups; else 0. O(1).
int GraphImport::shuffleEndingAt(int n) const
{
    const onnx::NodeProto& node = m_graph.node(n);
    if (node.op_type() != "Reshape" || node.input_size() < 1)
        return 0;
    const auto transpose = m_producer.find(node.input(0));
    return transpose == m_producer.end() ? 0 : shuffleGroups(transpose->second);
}

// Which graph input is the data: the one shape that the rest of the import follows.

/// Whether @p tensor reaches a data position of some node, looking through Identity nodes
/// (exporters route shared weights through them). Each Identity has one input, so the walk
/// visits every node at most once: O(V + E).
bool GraphImport::usedAsData(const std::string& tensor, bool beyondElementwise) const
{
    std::vector<const std::string*> pending = {&tensor};
    while (!pending.empty()) {
        const std::string* current = pending.back();
        pending.pop_back();
        auto consumers = m_consumers.find(*current);
        if (consumers == m_consumers.end())
            continue;
        for (const Consumer& c : consumers->second) {
            const onnx::NodeProto& node = m_graph.node(c.node);
            if (node.op_type() == "Identity") {
                if (node.output_size() > 0)
                    pending.push_back(&node.output(0));
            } else if (c.position == 0) {
                // Add's and Concat's other positions may hold a constant (a bias), so only
                // position 0 tells a data input from a weight; an elementwise product or sum may
                // hold a weight there too (ConvNeXt's layer_scale * x, bias + x W).
                static const std::unordered_set<std::string> elementwise = {"Add", "Sub",    "Mul",   "Div",
                                                                            "Pow", "Concat", "Expand"};
                if (!beyondElementwise || !elementwise.count(node.op_type()))
                    return true;
            }
        }
    }
    return false;
}

std::string GraphImport::findDataInput() const
{
    std::vector<std::string> data;
    for (const onnx::ValueInfoProto& input : m_graph.input())
        if (!m_initializers.count(input.name()) && usedAsData(input.name()))
            data.push_back(input.name());
    if (data.empty())
        fail("no graph input is read as data (every input is an initializer or feeds only weight positions)");
    if (data.size() > 1) {
        // Weights kept as graph inputs (export_params=False) may come first in a product or a
        // sum (ConvNeXt's layer_scale * x): the data input is then the one input that a layer
        // also reads, when every other input has a lower rank (a weight broadcast against it).
        std::vector<std::string> layerInputs;
        for (const std::string& name : data)
            if (usedAsData(name, true))
                layerInputs.push_back(name);
        const auto rankOf = [&](const std::string& name) {
            for (const onnx::ValueInfoProto& input : m_graph.input())
                if (input.name() == name && input.type().has_tensor_type() && input.type().tensor_type().has_shape())
                    return input.type().tensor_type().shape().dim_size();
            return -1;
        };
        const bool lowerRanks = layerInputs.size() == 1 && std::all_of(data.begin(), data.end(), [&](const std::string& name) {
                                    return name == layerInputs.front() || rankOf(name) < rankOf(layerInputs.front());
                                });
        if (lowerRanks)
            return layerInputs.front();
    }
    if (data.size() > 1) {
        std::string names;
        for (const std::string& name : data)
            names += (names.empty() ? "'" : ", '") + name + "'";
        fail("the graph has " + std::to_string(data.size()) + " data inputs (" + names +
             "); Coinfer imports networks with one input");
    }
    return data.front();
}

} // namespace coinfer::onnxdetail
