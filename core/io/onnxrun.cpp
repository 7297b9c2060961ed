// Running an ONNX model through the CPU reference (core/io/onnxrun.h).
#include "core/io/onnxrun.h"

#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/io/fileio.h"
#include "core/io/onnximport.h"

#ifdef COINFER_ONNX
#include <onnx/onnx_pb.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <utility>

namespace coinfer {

namespace {

Unexpected<Error> bad(const std::string& message)
{
    return Unexpected(Error{ErrorCode::BadInput, message});
}

#ifdef COINFER_ONNX

/// The values of a FLOAT or DOUBLE TensorProto, inline or raw; @p where starts every message.
Expected<OnnxTensor> tensorFromProto(const onnx::TensorProto& proto, const std::string& where)
{
    OnnxTensor tensor;
    tensor.name = proto.name();
    long long count = 1;
    for (std::int64_t d : proto.dims()) {
        if (d < 0 || d > kMaxTensorElements || count * d > kMaxTensorElements)
            return bad(where + ": dims hold " + std::to_string(d) + "; sizes from 0 up to " + std::to_string(kMaxTensorElements) +
                       " elements are read");
        count *= d;
        tensor.dims.push_back(d);
    }
    if (proto.data_location() == onnx::TensorProto::EXTERNAL)
        return bad(where + ": the values are in an external file, which Coinfer does not read");
    const auto elements = static_cast<size_t>(count);
    const std::string& raw = proto.raw_data();
    if (proto.data_type() == onnx::TensorProto::FLOAT) {
        if (proto.float_data_size() > 0 && static_cast<size_t>(proto.float_data_size()) == elements)
            tensor.values.assign(proto.float_data().begin(), proto.float_data().end());
        else if (raw.size() == elements * sizeof(float)) {
            tensor.values.resize(elements);
            if (!raw.empty()) // an empty tensor has no storage to copy into (memcpy of a null pointer)
                std::memcpy(tensor.values.data(), raw.data(), raw.size()); // little-endian, as ONNX stores it
        }
    } else if (proto.data_type() == onnx::TensorProto::DOUBLE) {
        std::vector<double> values(proto.double_data().begin(), proto.double_data().end());
        if (values.size() != elements && raw.size() == elements * sizeof(double)) {
            values.resize(elements);
            if (!raw.empty())
                std::memcpy(values.data(), raw.data(), raw.size());
        }
        if (values.size() == elements)
            tensor.values.assign(values.begin(), values.end());
    } else {
        return bad(where + ": holds ONNX data type " + std::to_string(proto.data_type()) +
                   "; Coinfer's CPU reference reads FLOAT (1) and DOUBLE (11) tensors");
    }
    if (tensor.values.size() != elements)
        return bad(where + ": has " + std::to_string(elements) + " elements by its dims but not as many values");
    return tensor;
}

/// Adds the values of Constant nodes, then what Identity nodes pass on: exporters write a weight
/// shared by several layers (or equal to another, as the zero biases of folded batch norms are)
/// once and route the copies through Identity. O(V) for a graph in topological order.
void addConstantNodes(const onnx::GraphProto& graph, std::map<std::string, OnnxTensor>& tensors, const std::string& modelPath)
{
    for (const onnx::NodeProto& node : graph.node()) {
        if (node.output_size() != 1 || tensors.count(node.output(0)))
            continue;
        if (node.op_type() == "Identity" && node.input_size() == 1 && tensors.count(node.input(0))) {
            tensors[node.output(0)] = tensors.at(node.input(0));
            continue;
        }
        if (node.op_type() != "Constant")
            continue;
        for (const onnx::AttributeProto& attribute : node.attribute())
            if (attribute.name() == "value" && attribute.has_t())
                if (Expected<OnnxTensor> tensor =
                        tensorFromProto(attribute.t(), modelPath + ": constant '" + node.output(0) + "'"))
                    tensors[node.output(0)] = std::move(*tensor);
    }
}

/// The named tensor's values, or an error naming the layer that needs it.
Expected<const std::vector<float>*> tensorValues(const std::map<std::string, OnnxTensor>& tensors, const std::string& name,
                                                 const std::string& where)
{
    const auto found = tensors.find(name);
    if (found == tensors.end())
        return bad(where + ": needs tensor '" + name + "', which is neither an initializer with data nor a given input");
    return &found->second.values;
}

/// Fills @p into, whose size is the layout's, from tensor @p name (a single value is broadcast).
Expected<void> fill(std::vector<float>& into, const std::map<std::string, OnnxTensor>& tensors, const std::string& name,
                    double scale, const std::string& where)
{
    const Expected<const std::vector<float>*> values = tensorValues(tensors, name, where);
    if (!values)
        return Unexpected(values.error());
    const std::vector<float>& from = **values;
    if (from.size() != into.size() && from.size() != 1)
        return bad(where + ": tensor '" + name + "' has " + std::to_string(from.size()) + " values where the layer needs " +
                   std::to_string(into.size()));
    for (size_t i = 0; i < into.size(); ++i)
        into[i] = static_cast<float>(from[from.size() == 1 ? 0 : i] * scale);
    return {};
}

/// An attention layer's weights: the in projection stored E x 3E (MatMul's) becomes 3E x E, then
/// the out projection (Gemm's, out x in); the biases after each other.
Expected<LayerWeights> attentionWeights(LayerWeights layout, const OnnxLayerTensors& where,
                                        const std::map<std::string, OnnxTensor>& tensors, const std::string& label)
{
    const size_t features = layout.bias.size() / 4;
    std::vector<float> inWeight(3 * features * features), inBias(3 * features), outWeight(features * features), outBias(features);
    const std::vector<std::vector<float>*> parts = {&inWeight, &inBias, &outWeight, &outBias};
    for (size_t i = 0; i < parts.size(); ++i)
        if (Expected<void> done = fill(*parts[i], tensors, where.names.at(i), 1.0, label); !done)
            return Unexpected(done.error());
    for (size_t i = 0; i < features; ++i)
        for (size_t o = 0; o < 3 * features; ++o)
            layout.weights[o * features + i] = inWeight[i * 3 * features + o];
    std::copy(outWeight.begin(), outWeight.end(), layout.weights.begin() + static_cast<std::ptrdiff_t>(3 * features * features));
    std::copy(inBias.begin(), inBias.end(), layout.bias.begin());
    std::copy(outBias.begin(), outBias.end(), layout.bias.begin() + static_cast<std::ptrdiff_t>(3 * features));
    return layout;
}

/// A window attention layer's weights: qkv stored C x 3C and the out projection C x C (MatMul's,
/// in x out) become 3C x C and C x C out x in, the biases after each other, and the relative
/// position bias 1 x heads x N x N as it is.
Expected<LayerWeights> windowAttentionWeights(LayerWeights layout, const OnnxLayerTensors& where,
                                              const std::map<std::string, OnnxTensor>& tensors, const std::string& label)
{
    const size_t features = layout.bias.size() / 4;
    std::vector<float> qkv(3 * features * features), qkvBias(3 * features), out(features * features), outBias(features);
    const std::vector<std::vector<float>*> parts = {&qkv, &qkvBias, &out, &outBias, &layout.positionBias};
    for (size_t i = 0; i < parts.size(); ++i)
        if (Expected<void> done = fill(*parts[i], tensors, where.names.at(i), 1.0, label); !done)
            return Unexpected(done.error());
    for (size_t i = 0; i < features; ++i) {
        for (size_t o = 0; o < 3 * features; ++o)
            layout.weights[o * features + i] = qkv[i * 3 * features + o];
        for (size_t o = 0; o < features; ++o)
            layout.weights[3 * features * features + o * features + i] = out[i * features + o];
    }
    std::copy(qkvBias.begin(), qkvBias.end(), layout.bias.begin());
    std::copy(outBias.begin(), outBias.end(), layout.bias.begin() + static_cast<std::ptrdiff_t>(3 * features));
    return layout;
}

/// One layer's weights from the model's tensors, in the layout of @p layout (makeSubtaskWeights).
Expected<LayerWeights> layerWeights(const Layer& layer, const OnnxLayerTensors& where, LayerWeights layout,
                                    const std::map<std::string, OnnxTensor>& tensors, const std::string& label)
{
    std::vector<std::vector<float>*> targets;
    switch (layer.kind) {
    case LayerKind::Conv:
    case LayerKind::Linear:
    case LayerKind::AxisLinear:
        targets = {&layout.weights, &layout.bias};
        break;
    case LayerKind::Prepend:
    case LayerKind::Offset:
        targets = {&layout.weights};
        break;
    case LayerKind::Attention:
        return attentionWeights(layout, where, tensors, label);
    case LayerKind::WindowAttention:
        return windowAttentionWeights(layout, where, tensors, label);
    case LayerKind::LayerNorm:
    case LayerKind::Scale:
        // A weight without a bias (a Mul after the normalisation and no Add) shifts by nothing.
        std::fill(layout.shift.begin(), layout.shift.end(), 0.0f);
        targets = {&layout.scale, &layout.shift};
        break;
    case LayerKind::BatchNorm:
        targets = {&layout.scale, &layout.shift, &layout.mean, &layout.variance};
        break;
    case LayerKind::SqueezeExcite: {
        // Two convolutions, each weight then bias, laid out as weights = [first, second], bias likewise.
        const size_t firstWeights = static_cast<size_t>(layer.outChannels) * (layout.weights.size() / 2 / layer.outChannels);
        std::vector<float> w1(firstWeights), b1(static_cast<size_t>(layer.outChannels));
        std::vector<float> w2(layout.weights.size() - firstWeights), b2(layout.bias.size() - b1.size());
        const std::vector<std::vector<float>*> parts = {&w1, &b1, &w2, &b2};
        for (size_t i = 0; i < parts.size(); ++i)
            if (Expected<void> done = fill(*parts[i], tensors, where.names.at(i), 1.0, label); !done)
                return Unexpected(done.error());
        layout.weights = w1;
        layout.weights.insert(layout.weights.end(), w2.begin(), w2.end());
        layout.bias = b1;
        layout.bias.insert(layout.bias.end(), b2.begin(), b2.end());
        return layout;
    }
    default:
        return layout;
    }
    for (size_t i = 0; i < targets.size() && i < where.names.size(); ++i) {
        if (where.names[i].empty() || targets[i]->empty())
            continue;
        const double scale = i == 0 ? where.weightScale : where.biasScale;
        if (Expected<void> done =
                fill(*targets[i], tensors, where.names[i], layer.kind == LayerKind::Linear ? scale : 1.0, label);
            !done)
            return Unexpected(done.error());
    }
    if ((layer.kind == LayerKind::Linear || layer.kind == LayerKind::AxisLinear) && where.transposed) {
        // Stored in x out; the reference reads out x in.
        const size_t out = static_cast<size_t>(layer.outFeatures), in = layout.weights.size() / out;
        std::vector<float> transposed(layout.weights.size());
        for (size_t i = 0; i < in; ++i)
            for (size_t o = 0; o < out; ++o)
                transposed[o * in + i] = layout.weights[i * out + o];
        layout.weights = std::move(transposed);
    }
    return layout;
}

#endif

} // namespace

#ifdef COINFER_ONNX

Expected<OnnxTensor> readOnnxTensor(const std::string& path)
{
    const Expected<std::string> bytes = readTextFile(path);
    if (!bytes)
        return Unexpected(bytes.error());
    onnx::TensorProto proto;
    if (!proto.ParseFromString(*bytes))
        return bad(path + ": not an ONNX TensorProto: the protobuf does not parse");
    return tensorFromProto(proto, path);
}

Expected<void> writeOnnxTensor(const std::string& path, const OnnxTensor& tensor)
{
    onnx::TensorProto proto;
    proto.set_name(tensor.name);
    proto.set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : tensor.dims)
        proto.add_dims(d);
    proto.set_raw_data(std::string(reinterpret_cast<const char*>(tensor.values.data()), tensor.values.size() * sizeof(float)));
    return writeFileAtomically(path, proto.SerializeAsString());
}

Expected<OnnxTensor> runOnnxOnCpu(const std::string& modelPath, const std::vector<OnnxTensor>& inputs)
{
    const Expected<std::string> bytes = readTextFile(modelPath);
    if (!bytes)
        return Unexpected(bytes.error());
    OnnxImportOptions options;
    options.inputElementBytes = 4;
    const Expected<OnnxImport> imported = importOnnxBytes(*bytes, modelPath, options);
    if (!imported)
        return Unexpected(imported.error());
    onnx::ModelProto model;
    model.ParseFromString(*bytes); // the import parsed the same bytes
    std::map<std::string, OnnxTensor> tensors;
    for (const onnx::TensorProto& initializer : model.graph().initializer())
        if (initializer.data_location() != onnx::TensorProto::EXTERNAL)
            if (Expected<OnnxTensor> tensor =
                    tensorFromProto(initializer, modelPath + ": initializer '" + initializer.name() + "'"))
                tensors[initializer.name()] = std::move(*tensor);
    addConstantNodes(model.graph(), tensors, modelPath);
    std::vector<std::string> graphInputs;
    for (const onnx::ValueInfoProto& input : model.graph().input())
        if (!tensors.count(input.name()))
            graphInputs.push_back(input.name());
    for (size_t i = 0; i < inputs.size(); ++i) {
        const bool named = std::find(graphInputs.begin(), graphInputs.end(), inputs[i].name) != graphInputs.end();
        if (!named && i >= graphInputs.size())
            return bad(modelPath + ": " + std::to_string(inputs.size()) + " inputs given, but the graph has " +
                       std::to_string(graphInputs.size()) + " inputs that are not initializers");
        tensors[named ? inputs[i].name : graphInputs[i]] = inputs[i];
    }
    const auto data = tensors.find(imported->inputName);
    if (data == tensors.end())
        return bad(modelPath + ": no tensor given for the data input '" + imported->inputName + "'");
    if (data->second.dims != imported->inputDims)
        return bad(modelPath + ": the data input '" + imported->inputName + "' must have the model's shape " +
                   std::to_string(imported->inputDims.size()) + "-D as the graph states it");
    const DnnDescription& dnn = imported->dnn;
    const int batch = static_cast<int>(imported->inputDims.front());
    std::vector<float> x = data->second.values;
    for (size_t s = 0; s < dnn.subtasks.size(); ++s) {
        const std::vector<LayerWeights> layouts = makeSubtaskWeights(dnn, static_cast<int>(s), 1);
        std::vector<LayerWeights> weights;
        std::vector<Layer> layers;
        for (const Block& block : dnn.subtasks[s].blocks) {
            layers.insert(layers.end(), block.layers.begin(), block.layers.end());
            for (const std::vector<Layer>& branch : block.branches)
                layers.insert(layers.end(), branch.begin(), branch.end());
            if (block.residual)
                layers.insert(layers.end(), block.shortcut.begin(), block.shortcut.end());
            if (block.residual || block.concatenates())
                layers.insert(layers.end(), block.afterAdd.begin(), block.afterAdd.end());
        }
        for (size_t k = 0; k < layouts.size(); ++k) {
            const std::string label = modelPath + ": sub-task " + std::to_string(s + 1) + ", layer " + std::to_string(k + 1) +
                                      " (" + layerKindName(layers[k].kind) + ")";
            Expected<LayerWeights> w = layerWeights(layers[k], imported->layerTensors[s][k], layouts[k], tensors, label);
            if (!w)
                return Unexpected(w.error());
            weights.push_back(std::move(*w));
        }
        x = runSubtaskOnCpu(dnn, static_cast<int>(s), batch, x, weights);
    }
    return OnnxTensor{imported->outputName, imported->outputDims, std::move(x)};
}

#else

Expected<OnnxTensor> readOnnxTensor(const std::string& path)
{
    return bad(path + ": this Coinfer was built without ONNX support");
}

Expected<void> writeOnnxTensor(const std::string& path, const OnnxTensor&)
{
    return bad(path + ": this Coinfer was built without ONNX support");
}

Expected<OnnxTensor> runOnnxOnCpu(const std::string& modelPath, const std::vector<OnnxTensor>&)
{
    return bad(modelPath + ": this Coinfer was built without ONNX support");
}

#endif

} // namespace coinfer
