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

namespace {

/// The most values one folded integer tensor may hold: shape arithmetic needs a few, and a
/// hostile graph's Range or ConstantOfShape must not make the import allocate without bound.
constexpr size_t kMaxFoldedValues = 4096;

/// An integer tensor: its values in row-major order and its dimensions (none for a scalar).
struct IntValue {
    Dims values;
    Dims dims;
    bool scalar() const { return dims.empty(); }
};

/// A 1-D IntValue of @p values.
IntValue vectorValue(Dims values)
{
    const auto size = static_cast<std::int64_t>(values.size());
    return IntValue{std::move(values), {size}};
}

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
    IntValue value{{}, tensor.dims_size() == 0 ? Dims{} : Dims{count}};
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

/// The shape of an elementwise operation on @p parts where each has the same shape or a single
/// value (broadcast, with leading 1s up to the largest rank); nullopt for any other broadcast.
/// O(parts x rank).
std::optional<Dims> broadcastDims(const std::vector<const IntValue*>& parts)
{
    Dims dims;
    size_t rank = 0;
    for (const IntValue* part : parts)
        rank = std::max(rank, part->dims.size());
    for (const IntValue* part : parts)
        if (part->values.size() != 1) {
            if (!dims.empty() && part->dims != dims)
                return std::nullopt;
            dims = part->dims;
        }
    if (dims.size() < rank)
        dims.insert(dims.begin(), rank - dims.size(), 1);
    for (const IntValue* part : parts)
        if (part->values.size() != 1 && part->dims.size() != rank)
            return std::nullopt;
    return dims;
}

/// Elementwise Add, Sub, Mul, Div (truncating, as C++ and ONNX runtimes divide integers) or Mod
/// (the divisor's sign, as Python's %, unless @p fmod: the dividend's, as C's) of @p a and @p b,
/// one of them possibly a single value broadcast; nullopt for other sizes, a division by zero or
/// an overflow. O(size).
std::optional<IntValue> arithmetic(const std::string& op, const IntValue& a, const IntValue& b, bool fmod = false)
{
    const std::optional<Dims> dims = broadcastDims({&a, &b});
    if (!dims)
        return std::nullopt;
    const size_t size = std::max(a.values.size(), b.values.size());
    IntValue result{{}, *dims};
    for (size_t i = 0; i < size; ++i) {
        const std::int64_t x = a.values[a.values.size() == 1 ? 0 : i], y = b.values[b.values.size() == 1 ? 0 : i];
        // A hostile graph's values may overflow: such a value folds to nothing (and is refused later).
        std::int64_t value = 0;
        const bool divides = op == "Div" || op == "Mod";
        const bool overflow = op == "Add"   ? __builtin_add_overflow(x, y, &value)
                              : op == "Sub" ? __builtin_sub_overflow(x, y, &value)
                              : op == "Mul" ? __builtin_mul_overflow(x, y, &value)
                                            : (y == 0 || (x == INT64_MIN && y == -1));
        if (overflow || (!divides && op != "Add" && op != "Sub" && op != "Mul"))
            return std::nullopt;
        if (op == "Div")
            value = x / y;
        else if (op == "Mod")
            value = fmod || x % y == 0 || (x % y < 0) == (y < 0) ? x % y : x % y + y;
        result.values.push_back(value);
    }
    return result;
}

/// Gather along axis 0 of a 1-D @p data at @p indices (negative counting from the end).
std::optional<IntValue> gather(const IntValue& data, const IntValue& indices)
{
    IntValue result{{}, indices.dims};
    for (std::int64_t index : indices.values) {
        const auto size = static_cast<std::int64_t>(data.values.size());
        if (index < -size || index >= size)
            return std::nullopt;
        result.values.push_back(data.values[static_cast<size_t>(index < 0 ? index + size : index)]);
    }
    return result;
}

/// Row-major strides of @p dims. O(rank).
Dims stridesOf(const Dims& dims)
{
    Dims strides(dims.size(), 1);
    for (size_t a = dims.size(); a-- > 1;)
        strides[a - 1] = strides[a] * dims[a];
    return strides;
}

/// The values of @p data read at output positions of @p outDims, where output index i along axis
/// a reads input index from[a] + i * step[a] along axis source[a]. O(output size x rank).
IntValue gatherAxes(const IntValue& data, const Dims& outDims, const Dims& source, const Dims& from, const Dims& step)
{
    const Dims inStrides = stridesOf(data.dims);
    IntValue result{{}, outDims};
    std::int64_t total = 1;
    for (std::int64_t d : outDims)
        total *= d;
    Dims index(outDims.size(), 0);
    for (std::int64_t k = 0; k < total; ++k) {
        std::int64_t at = 0;
        for (size_t a = 0; a < outDims.size(); ++a)
            at += (from[a] + index[a] * step[a]) * inStrides[static_cast<size_t>(source[a])];
        result.values.push_back(data.values[static_cast<size_t>(at)]);
        for (size_t a = outDims.size(); a-- > 0;) {
            if (++index[a] < outDims[a])
                break;
            index[a] = 0;
        }
    }
    return result;
}

/// Reshape of @p data to @p shape (0 copies the input's size, -1 takes the rest), as ONNX
/// defines it without allowzero; nullopt when the sizes do not match. O(size).
std::optional<IntValue> reshaped(const IntValue& data, const IntValue& shape)
{
    Dims dims;
    std::int64_t known = 1, rest = -1;
    for (size_t a = 0; a < shape.values.size(); ++a) {
        std::int64_t d = shape.values[a];
        if (d == 0 && a < data.dims.size())
            d = data.dims[a];
        if (d == -1 && rest < 0) {
            rest = static_cast<std::int64_t>(a);
        } else if (d < 1 || __builtin_mul_overflow(known, d, &known) || known > static_cast<std::int64_t>(kMaxFoldedValues)) {
            return std::nullopt; // more values than any folded tensor holds
        }
        dims.push_back(d);
    }
    const auto size = static_cast<std::int64_t>(data.values.size());
    if (rest >= 0) {
        if (known == 0 || size % known != 0)
            return std::nullopt;
        dims[static_cast<size_t>(rest)] = size / known;
    } else if (known != size) {
        return std::nullopt;
    }
    return IntValue{data.values, dims};
}

/// Transpose of @p data by @p perm (empty: the axes reversed). O(size x rank).
std::optional<IntValue> transposed(const IntValue& data, Dims perm)
{
    const size_t rank = data.dims.size();
    if (perm.empty())
        for (size_t a = rank; a-- > 0;)
            perm.push_back(static_cast<std::int64_t>(a));
    Dims sorted = perm, outDims;
    std::sort(sorted.begin(), sorted.end());
    for (size_t a = 0; a < rank && sorted.size() == rank; ++a)
        if (sorted[a] != static_cast<std::int64_t>(a))
            return std::nullopt;
    if (sorted.size() != rank)
        return std::nullopt;
    for (std::int64_t a : perm)
        outDims.push_back(data.dims[static_cast<size_t>(a)]);
    return gatherAxes(data, outDims, perm, Dims(rank, 0), Dims(rank, 1));
}

/// Slice of @p data ([data, starts, ends, axes, steps] in @p in, the last two optional), with
/// ONNX's clamping for either sign of step. O(output size x rank).
std::optional<IntValue> sliced(const std::vector<const IntValue*>& in)
{
    const IntValue& data = *in[0];
    const size_t rank = data.dims.size(), count = in[1]->values.size();
    Dims outDims = data.dims, source, from(rank, 0), step(rank, 1);
    for (size_t a = 0; a < rank; ++a)
        source.push_back(static_cast<std::int64_t>(a));
    if (rank == 0 || in[2]->values.size() != count || (in.size() > 3 && in[3]->values.size() != count) ||
        (in.size() > 4 && in[4]->values.size() != count))
        return std::nullopt;
    for (size_t i = 0; i < count; ++i) {
        std::int64_t axis = in.size() > 3 ? in[3]->values[i] : static_cast<std::int64_t>(i);
        axis = axis < 0 ? axis + static_cast<std::int64_t>(rank) : axis;
        const std::int64_t stride = in.size() > 4 ? in[4]->values[i] : 1;
        if (axis < 0 || axis >= static_cast<std::int64_t>(rank) || stride == 0 || stride == INT64_MIN)
            return std::nullopt;
        const std::int64_t size = data.dims[static_cast<size_t>(axis)];
        std::int64_t first = in[1]->values[i], last = in[2]->values[i];
        first = first < 0 ? first + size : first;
        last = last < 0 ? last + size : last;
        first = stride > 0 ? std::clamp<std::int64_t>(first, 0, size) : std::clamp<std::int64_t>(first, 0, size - 1);
        last = stride > 0 ? std::clamp<std::int64_t>(last, 0, size) : std::clamp<std::int64_t>(last, -1, size - 1);
        const std::int64_t span = stride > 0 ? last - first : first - last, magnitude = stride > 0 ? stride : -stride;
        outDims[static_cast<size_t>(axis)] = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
        from[static_cast<size_t>(axis)] = first;
        step[static_cast<size_t>(axis)] = stride;
    }
    return gatherAxes(data, outDims, source, from, step);
}

/// Range(start, limit, delta) of scalars; nullopt beyond kMaxFoldedValues values. O(values).
std::optional<IntValue> ranged(const IntValue& start, const IntValue& limit, const IntValue& delta)
{
    if (!start.scalar() || !limit.scalar() || !delta.scalar() || delta.values[0] == 0)
        return std::nullopt;
    const std::int64_t first = start.values[0], end = limit.values[0], step = delta.values[0];
    const double count = std::ceil((static_cast<double>(end) - static_cast<double>(first)) / static_cast<double>(step));
    if (count > static_cast<double>(kMaxFoldedValues))
        return std::nullopt;
    Dims values;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(count); ++i)
        values.push_back(first + i * step);
    return vectorValue(std::move(values));
}

std::optional<IntValue> foldedSelection(const onnx::NodeProto& node, const std::vector<const IntValue*>& in);
std::optional<IntValue> foldedLayout(const onnx::NodeProto& node, const std::vector<const IntValue*>& in);

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
        return vectorValue(shape->second);
    }
    std::vector<const IntValue*> in;
    for (const std::string& input : node.input()) {
        const auto value = known.find(input);
        if (value == known.end())
            return std::nullopt;
        in.push_back(&value->second);
    }
    if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Mod") && in.size() == 2)
        return arithmetic(op, *in[0], *in[1], intAttribute(node, "fmod", 0) != 0);
    if (op == "Gather" && in.size() == 2 && intAttribute(node, "axis", 0) == 0 && in[0]->dims.size() == 1)
        return gather(*in[0], *in[1]);
    if (op == "Unsqueeze" && !in.empty() && in[0]->scalar())
        return vectorValue(in[0]->values); // a scalar becomes a 1-D tensor of one value
    if (op == "Squeeze" && !in.empty() && in[0]->dims == Dims{1})
        return IntValue{in[0]->values, {}};
    if (op == "Concat" && intAttribute(node, "axis", 0) == 0) {
        Dims values;
        for (const IntValue* part : in) {
            if (part->dims.size() != 1)
                return std::nullopt;
            values.insert(values.end(), part->values.begin(), part->values.end());
        }
        return vectorValue(std::move(values));
    }
    if (op == "Cast" && in.size() == 1 &&
        (intAttribute(node, "to", 0) == onnx::TensorProto::INT64 || intAttribute(node, "to", 0) == onnx::TensorProto::INT32))
        return *in[0];
    return foldedLayout(node, in);
}

/// Reshape, Transpose, Slice and Range on integers, as exporters compute a Pad's pads (PyTorch
/// reverses its pairs with Reshape, Slice with step -1, Transpose and Reshape). O(size x rank).
std::optional<IntValue> foldedLayout(const onnx::NodeProto& node, const std::vector<const IntValue*>& in)
{
    const std::string& op = node.op_type();
    if (op == "Reshape" && in.size() == 2 && in[1]->dims.size() == 1)
        return reshaped(*in[0], *in[1]);
    if (op == "Transpose" && in.size() == 1)
        return transposed(*in[0], intsAttribute(node, "perm"));
    if (op == "Slice" && in.size() >= 3 && in.size() <= 5)
        return sliced(in);
    if (op == "Range" && in.size() == 3)
        return ranged(*in[0], *in[1], *in[2]);
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
        const std::optional<IntValue> fill = value && value->has_t() ? intsOf(value->t()) : IntValue{{0}, {1}};
        if (!fill || fill->values.size() != 1)
            return std::nullopt;
        return vectorValue(Dims(static_cast<size_t>(in[0]->values[0]), fill->values[0]));
    }
    const auto broadcast = [&](size_t i, size_t at) { return in[i]->values[in[i]->values.size() == 1 ? 0 : at]; };
    const std::optional<Dims> dims = broadcastDims(in);
    if (!dims || in.empty())
        return std::nullopt;
    size_t size = 0;
    for (const IntValue* part : in)
        size = std::max(size, part->values.size());
    IntValue result{{}, *dims};
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
            if (!value || value->values.size() > kMaxFoldedValues || known.count(node.output(0)))
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
            for (std::int64_t d : value->dims)
                tensor->add_dims(d);
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
