#include "core/dnn.h"

#include "core/fileio.h"
#include "core/jsonfields.h"

#include <cstdio>

namespace coinfer {

using detail::Field;
using detail::InputError;
using nlohmann::json;

namespace {

struct LayerKindName {
    LayerKind kind;
    const char* name;
};

constexpr LayerKindName kKindNames[] = {
    {LayerKind::Conv, "conv"},         {LayerKind::BatchNorm, "batchnorm"},
    {LayerKind::Relu, "relu"},         {LayerKind::Relu6, "relu6"},
    {LayerKind::MaxPool, "maxpool"},   {LayerKind::AvgPool, "avgpool"},
    {LayerKind::GlobalAvgPool, "global_avgpool"}, {LayerKind::Flatten, "flatten"},
    {LayerKind::Linear, "linear"},
};

int windowOutput(int size, int kernel, int stride, int padding)
{
    return (size + 2 * padding - kernel) / stride + 1;
}

struct Cost {
    double macs = 0, flops = 0;
    long long parameters = 0;
};

Cost layerCost(const Layer& layer, const TensorShape& in, const TensorShape& out)
{
    Cost cost;
    switch (layer.kind) {
    case LayerKind::Conv: {
        const double perOutput = static_cast<double>(in.c / layer.groups) * layer.kernel * layer.kernel;
        cost.macs = perOutput * static_cast<double>(out.elements());
        cost.flops = 2 * cost.macs + (layer.bias ? static_cast<double>(out.elements()) : 0.0);
        cost.parameters = static_cast<long long>(out.c) * (in.c / layer.groups) * layer.kernel * layer.kernel
            + (layer.bias ? out.c : 0);
        break;
    }
    case LayerKind::Linear:
        cost.macs = static_cast<double>(in.elements()) * out.c;
        cost.flops = 2 * cost.macs + (layer.bias ? out.c : 0);
        cost.parameters = in.elements() * out.c + (layer.bias ? out.c : 0);
        break;
    case LayerKind::BatchNorm:
        cost.flops = 2.0 * static_cast<double>(out.elements());
        cost.parameters = 2LL * in.c;
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
        cost.flops = static_cast<double>(out.elements()) * layer.kernel * layer.kernel;
        break;
    case LayerKind::GlobalAvgPool:
        cost.flops = static_cast<double>(in.elements());
        break;
    case LayerKind::Relu:
    case LayerKind::Relu6:
        cost.flops = static_cast<double>(out.elements());
        break;
    case LayerKind::Flatten:
        break;
    }
    return cost;
}

/// Runs a list of layers over a shape, adding their costs; the error names the layer.
Expected<TensorShape> runLayers(const std::vector<Layer>& layers, TensorShape shape, Cost& total, const std::string& where)
{
    for (size_t i = 0; i < layers.size(); ++i) {
        Expected<TensorShape> out = layerOutput(layers[i], shape);
        if (!out)
            return Error{ErrorCode::BadInput, where + "[" + std::to_string(i) + "] (" + layerKindName(layers[i].kind) + "): " + out.error().message};
        const Cost cost = layerCost(layers[i], shape, *out);
        total.macs += cost.macs;
        total.flops += cost.flops;
        total.parameters += cost.parameters;
        shape = *out;
    }
    return shape;
}

std::string shapeText(const TensorShape& shape)
{
    return std::to_string(shape.c) + "x" + std::to_string(shape.h) + "x" + std::to_string(shape.w);
}

} // namespace

Layer convLayer(int out, int kernel, int stride, int padding, int groups, bool bias)
{
    Layer layer;
    layer.kind = LayerKind::Conv;
    layer.outChannels = out;
    layer.kernel = kernel;
    layer.stride = stride;
    layer.padding = padding;
    layer.groups = groups;
    layer.bias = bias;
    return layer;
}

Layer plainLayer(LayerKind kind)
{
    Layer layer;
    layer.kind = kind;
    return layer;
}

Layer poolLayer(LayerKind kind, int kernel, int stride, int padding)
{
    Layer layer = plainLayer(kind);
    layer.kernel = kernel;
    layer.stride = stride;
    layer.padding = padding;
    return layer;
}

Layer linearLayer(int out)
{
    Layer layer = plainLayer(LayerKind::Linear);
    layer.outFeatures = out;
    layer.bias = true;
    return layer;
}

std::string layerKindName(LayerKind kind)
{
    for (const auto& entry : kKindNames)
        if (entry.kind == kind)
            return entry.name;
    return "unknown";
}

Expected<TensorShape> layerOutput(const Layer& layer, const TensorShape& in)
{
    auto bad = [](std::string message) { return Error{ErrorCode::BadInput, std::move(message)}; };
    switch (layer.kind) {
    case LayerKind::Conv: {
        if (layer.outChannels < 1 || layer.kernel < 1 || layer.stride < 1 || layer.padding < 0 || layer.groups < 1)
            return bad("out_channels, kernel, stride and groups must be at least 1 and padding at least 0");
        if (in.c % layer.groups != 0 || layer.outChannels % layer.groups != 0)
            return bad("groups = " + std::to_string(layer.groups) + " must divide the " + std::to_string(in.c) + " input and "
                       + std::to_string(layer.outChannels) + " output channels");
        if (in.h + 2 * layer.padding < layer.kernel || in.w + 2 * layer.padding < layer.kernel)
            return bad("a " + std::to_string(layer.kernel) + "x" + std::to_string(layer.kernel) + " kernel does not fit the "
                       + shapeText(in) + " input with padding " + std::to_string(layer.padding));
        return TensorShape{layer.outChannels, windowOutput(in.h, layer.kernel, layer.stride, layer.padding),
                           windowOutput(in.w, layer.kernel, layer.stride, layer.padding)};
    }
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
        if (layer.kernel < 1 || layer.stride < 1 || layer.padding < 0 || 2 * layer.padding > layer.kernel)
            return bad("kernel and stride must be at least 1, and padding at most half the kernel");
        if (in.h + 2 * layer.padding < layer.kernel || in.w + 2 * layer.padding < layer.kernel)
            return bad("the window does not fit the " + shapeText(in) + " input");
        return TensorShape{in.c, windowOutput(in.h, layer.kernel, layer.stride, layer.padding),
                           windowOutput(in.w, layer.kernel, layer.stride, layer.padding)};
    case LayerKind::GlobalAvgPool:
        return TensorShape{in.c, 1, 1};
    case LayerKind::Flatten:
        return TensorShape{static_cast<int>(in.elements()), 1, 1};
    case LayerKind::Linear:
        if (layer.outFeatures < 1)
            return bad("out_features must be at least 1");
        if (in.h != 1 || in.w != 1)
            return bad("needs a flattened input, not " + shapeText(in) + " (add a flatten or global_avgpool layer)");
        return TensorShape{layer.outFeatures, 1, 1};
    case LayerKind::BatchNorm:
    case LayerKind::Relu:
    case LayerKind::Relu6:
        return in;
    }
    return bad("unknown layer kind");
}

Expected<std::vector<SubtaskStats>> analyzeDnn(const DnnDescription& dnn)
{
    if (dnn.input.elements() <= 0)
        return Error{ErrorCode::BadInput, "the input shape " + shapeText(dnn.input) + " is empty"};
    if (dnn.subtasks.empty())
        return Error{ErrorCode::BadInput, "the DNN has no sub-tasks"};
    std::vector<SubtaskStats> stats;
    TensorShape shape = dnn.input;
    for (size_t s = 0; s < dnn.subtasks.size(); ++s) {
        const SubtaskDescription& subtask = dnn.subtasks[s];
        if (subtask.blocks.empty())
            return Error{ErrorCode::BadInput, "subtasks[" + std::to_string(s) + "] has no blocks"};
        Cost cost;
        for (size_t b = 0; b < subtask.blocks.size(); ++b) {
            const Block& block = subtask.blocks[b];
            const std::string where = "subtasks[" + std::to_string(s) + "].blocks[" + std::to_string(b) + "]";
            Expected<TensorShape> main = runLayers(block.layers, shape, cost, where + ".layers");
            if (!main)
                return main.error();
            if (block.residual) {
                Expected<TensorShape> side = runLayers(block.shortcut, shape, cost, where + ".shortcut");
                if (!side)
                    return side.error();
                if (!(*side == *main))
                    return Error{ErrorCode::BadInput, where + ": the residual adds a " + shapeText(*main) + " branch to a "
                                                          + shapeText(*side) + " shortcut"};
                cost.flops += static_cast<double>(main->elements()); // the addition
                Expected<TensorShape> after = runLayers(block.afterAdd, *main, cost, where + ".after_add");
                if (!after)
                    return after.error();
                main = after;
            }
            shape = *main;
        }
        SubtaskStats entry;
        entry.name = subtask.name;
        entry.output = shape;
        entry.macs = cost.macs;
        entry.flops = cost.flops;
        entry.parameters = cost.parameters;
        entry.outputBytes = static_cast<double>(shape.elements()) * dnn.activationBytes;
        stats.push_back(std::move(entry));
    }
    return stats;
}

namespace {

json layersToJson(const std::vector<Layer>& layers)
{
    json out = json::array();
    for (const Layer& layer : layers) {
        json entry = {{"type", layerKindName(layer.kind)}};
        switch (layer.kind) {
        case LayerKind::Conv:
            entry.update({{"out_channels", layer.outChannels}, {"kernel", layer.kernel}, {"stride", layer.stride},
                          {"padding", layer.padding}, {"groups", layer.groups}, {"bias", layer.bias}});
            break;
        case LayerKind::MaxPool:
        case LayerKind::AvgPool:
            entry.update({{"kernel", layer.kernel}, {"stride", layer.stride}, {"padding", layer.padding}});
            break;
        case LayerKind::Linear:
            entry.update({{"out_features", layer.outFeatures}, {"bias", layer.bias}});
            break;
        default:
            break;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

json descriptionJson(const DnnDescription& dnn)
{
    json subtasks = json::array();
    for (const SubtaskDescription& subtask : dnn.subtasks) {
        json blocks = json::array();
        for (const Block& block : subtask.blocks) {
            json entry = {{"layers", layersToJson(block.layers)}};
            if (block.residual) {
                entry["shortcut"] = block.shortcut.empty() ? json("identity") : layersToJson(block.shortcut);
                if (!block.afterAdd.empty())
                    entry["after_add"] = layersToJson(block.afterAdd);
            }
            blocks.push_back(std::move(entry));
        }
        subtasks.push_back({{"name", subtask.name}, {"blocks", blocks}});
    }
    return {{"format", "coinfer-dnn"}, {"version", 1}, {"name", dnn.name},
            {"input", {{"channels", dnn.input.c}, {"height", dnn.input.h}, {"width", dnn.input.w},
                       {"element_bytes", dnn.inputElementBytes}}},
            {"activation_bytes", dnn.activationBytes}, {"subtasks", subtasks}};
}

int readCount(const Field& parent, const char* key, int fallback, int min)
{
    return parent.has(key) ? static_cast<int>(parent.at(key).integer(min, 1'000'000)) : fallback;
}

std::vector<Layer> readLayers(const Field& field)
{
    std::vector<Layer> layers;
    const size_t count = field.arraySize(true);
    for (size_t i = 0; i < count; ++i) {
        const Field entry = field.at(i);
        const std::string type = entry.at("type").string();
        Layer layer;
        bool known = false;
        for (const auto& kind : kKindNames)
            if (type == kind.name) {
                layer.kind = kind.kind;
                known = true;
            }
        if (!known) {
            std::string names;
            for (const auto& kind : kKindNames)
                names += (names.empty() ? "" : ", ") + std::string(kind.name);
            entry.at("type").fail("unknown layer type \"" + type + "\" (known: " + names + ")");
        }
        switch (layer.kind) {
        case LayerKind::Conv:
            layer.outChannels = static_cast<int>(entry.at("out_channels").integer(1, 1'000'000));
            layer.kernel = static_cast<int>(entry.at("kernel").integer(1, 1'000));
            layer.stride = readCount(entry, "stride", 1, 1);
            layer.padding = readCount(entry, "padding", 0, 0);
            layer.groups = readCount(entry, "groups", 1, 1);
            layer.bias = entry.has("bias") && entry.at("bias").json().is_boolean() && entry.at("bias").json().get<bool>();
            break;
        case LayerKind::MaxPool:
        case LayerKind::AvgPool:
            layer.kernel = static_cast<int>(entry.at("kernel").integer(1, 1'000));
            layer.stride = readCount(entry, "stride", layer.kernel, 1);
            layer.padding = readCount(entry, "padding", 0, 0);
            break;
        case LayerKind::Linear:
            layer.outFeatures = static_cast<int>(entry.at("out_features").integer(1, 10'000'000));
            layer.bias = !entry.has("bias") || (entry.at("bias").json().is_boolean() && entry.at("bias").json().get<bool>());
            break;
        default:
            break;
        }
        layers.push_back(layer);
    }
    return layers;
}

DnnDescription readDescription(const Field& root)
{
    detail::requireFormat(root, "coinfer-dnn");
    DnnDescription dnn;
    dnn.name = root.at("name").string(false);
    const Field input = root.at("input");
    dnn.input = {static_cast<int>(input.at("channels").integer(1, 1'000'000)), static_cast<int>(input.at("height").integer(1, 1'000'000)),
                 static_cast<int>(input.at("width").integer(1, 1'000'000))};
    dnn.inputElementBytes = readCount(input, "element_bytes", 1, 1);
    dnn.activationBytes = readCount(root, "activation_bytes", 4, 1);
    const Field subtasks = root.at("subtasks");
    const size_t count = subtasks.arraySize();
    for (size_t s = 0; s < count; ++s) {
        const Field entry = subtasks.at(s);
        SubtaskDescription subtask;
        subtask.name = entry.has("name") ? entry.at("name").string() : "s" + std::to_string(s + 1);
        const Field blocks = entry.at("blocks");
        const size_t blockCount = blocks.arraySize();
        for (size_t b = 0; b < blockCount; ++b) {
            const Field blockField = blocks.at(b);
            Block block;
            block.layers = readLayers(blockField.at("layers"));
            if (auto shortcut = blockField.find("shortcut")) {
                block.residual = true;
                if (shortcut->json().is_string()) {
                    if (shortcut->string() != "identity")
                        shortcut->fail("must be \"identity\" or a list of layers");
                } else {
                    block.shortcut = readLayers(*shortcut);
                }
                if (auto after = blockField.find("after_add"))
                    block.afterAdd = readLayers(*after);
            }
            subtask.blocks.push_back(std::move(block));
        }
        dnn.subtasks.push_back(std::move(subtask));
    }
    return dnn;
}

} // namespace

Expected<DnnDescription> parseDnnDescription(std::string_view text, const std::string& sourceName)
{
    Expected<DnnDescription> dnn = detail::readDocument<DnnDescription>(text, sourceName, readDescription);
    if (!dnn)
        return dnn;
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*dnn);
    if (!stats)
        return Error{ErrorCode::BadInput, sourceName + ": " + stats.error().message};
    return dnn;
}

std::string dnnDescriptionToJson(const DnnDescription& dnn)
{
    return descriptionJson(dnn).dump(1) + "\n";
}

std::string dnnSignature(const DnnDescription& dnn)
{
    // FNV-1a over the canonical JSON of the layers and shapes (the name is not part of it).
    json canonical = descriptionJson(dnn);
    canonical.erase("name");
    for (auto& subtask : canonical["subtasks"])
        subtask.erase("name");
    const std::string text = canonical.dump();
    std::uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

Expected<DnnDescription> loadDnn(const std::string& nameOrPath)
{
    for (const std::string& name : builtinDnnNames())
        if (name == nameOrPath)
            return builtinDnn(name);
    Expected<std::string> text = readTextFile(nameOrPath);
    if (!text) {
        std::string names;
        for (const std::string& name : builtinDnnNames())
            names += (names.empty() ? "" : ", ") + name;
        return Error{ErrorCode::BadInput, "'" + nameOrPath + "' is neither a built-in DNN (" + names + ") nor a readable description file"};
    }
    return parseDnnDescription(*text, nameOrPath);
}

} // namespace coinfer
