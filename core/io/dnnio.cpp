#include "core/io/dnnio.h"

#include "core/io/fileio.h"
#include "core/io/jsonfields.h"
#include "core/io/onnximport.h"

#include <nlohmann/json.hpp>

#include <array>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>
#include <variant>

namespace coinfer {

using detail::Field;
using detail::InputError;
using nlohmann::json;

namespace {

/// A window's width, when it differs from its height, and its dilation, when not 1: written only
/// then, so square windows keep their descriptions' signatures.
void addWindowShape(const Layer& layer, json& entry)
{
    if (layer.kernelW() != layer.kernel)
        entry["kernel_width"] = layer.kernelW();
    if (layer.strideW() != layer.stride)
        entry["stride_width"] = layer.strideW();
    if (layer.paddingW() != layer.padding)
        entry["padding_width"] = layer.paddingW();
    if (layer.dilation != 1)
        entry["dilation"] = layer.dilation;
}

/// Reads what addWindowShape writes.
void readWindowShape(const Field& entry, Layer& layer)
{
    if (entry.has("kernel_width"))
        layer.kernelWidth = static_cast<int>(entry.at("kernel_width").integer(1, 1'000));
    if (entry.has("stride_width"))
        layer.strideWidth = static_cast<int>(entry.at("stride_width").integer(1, 1'000'000));
    if (entry.has("padding_width"))
        layer.paddingWidth = static_cast<int>(entry.at("padding_width").integer(0, 1'000'000));
    if (entry.has("dilation"))
        layer.dilation = static_cast<int>(entry.at("dilation").integer(1, 1'000));
}

json layersToJson(const std::vector<Layer>& layers)
{
    json out = json::array();
    for (const Layer& layer : layers) {
        json entry = {{"type", layerKindName(layer.kind)}};
        switch (layer.kind) {
        case LayerKind::Conv:
            entry.update({{"out_channels", layer.outChannels},
                          {"kernel", layer.kernel},
                          {"stride", layer.stride},
                          {"padding", layer.padding},
                          {"groups", layer.groups},
                          {"bias", layer.bias}});
            addWindowShape(layer, entry);
            break;
        case LayerKind::MaxPool:
        case LayerKind::AvgPool:
            entry.update({{"kernel", layer.kernel}, {"stride", layer.stride}, {"padding", layer.padding}});
            // Written only when set, so descriptions without it keep their signatures.
            if (layer.ceilMode)
                entry["ceil_mode"] = true;
            addWindowShape(layer, entry);
            break;
        case LayerKind::Linear:
            entry.update({{"out_features", layer.outFeatures}, {"bias", layer.bias}});
            break;
        case LayerKind::Clip:
            entry.update({{"min", layer.clipMin}, {"max", layer.clipMax}});
            break;
        case LayerKind::HardSigmoid:
            entry.update({{"alpha", layer.alpha}, {"beta", layer.beta}});
            break;
        case LayerKind::Softmax:
            entry["axis"] = layer.axis;
            break;
        case LayerKind::Slice:
            entry.update({{"axis", layer.axis}, {"begin", layer.sliceBegin}, {"end", layer.sliceEnd}});
            break;
        case LayerKind::ChannelShuffle:
            entry["groups"] = layer.groups;
            break;
        case LayerKind::Permute:
            entry["order"] = layer.order;
            break;
        case LayerKind::LayerNorm:
            entry.update({{"axis", layer.axis}, {"epsilon", layer.epsilon}, {"affine", layer.bias}});
            break;
        case LayerKind::AxisLinear:
            entry.update({{"axis", layer.axis}, {"out_features", layer.outFeatures}, {"bias", layer.bias}});
            break;
        case LayerKind::Scale:
            entry["axis"] = layer.axis;
            break;
        case LayerKind::Reshape:
            entry["shape"] = layer.shape;
            break;
        case LayerKind::Prepend:
            entry["count"] = layer.outChannels;
            break;
        case LayerKind::Attention:
            entry["heads"] = layer.groups;
            break;
        case LayerKind::WindowAttention:
            entry.update({{"heads", layer.groups}, {"window", layer.kernel}, {"shift", layer.shift}});
            break;
        case LayerKind::BatchNorm:
            // Written only when not the default, so descriptions without it keep their signatures.
            if (layer.epsilon != 1e-5)
                entry["epsilon"] = layer.epsilon;
            break;
        case LayerKind::SqueezeExcite:
            entry.update({{"squeeze_channels", layer.outChannels},
                          {"activation", layerKindName(layer.activation)},
                          {"gate", layerKindName(layer.gate)}});
            if (layer.gate == LayerKind::HardSigmoid)
                entry.update({{"alpha", layer.alpha}, {"beta", layer.beta}});
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
            // A block without branches writes no "branches" key, so that the signatures of
            // descriptions from before concatenation blocks (and their shipped profiles) hold.
            if (block.concatenates()) {
                json branches = json::array();
                for (const std::vector<Layer>& branch : block.branches)
                    branches.push_back(branch.empty() ? json("identity") : layersToJson(branch));
                entry["branches"] = std::move(branches);
            }
            if (block.residual)
                entry["shortcut"] = block.shortcut.empty() ? json("identity") : layersToJson(block.shortcut);
            if ((block.residual || block.concatenates()) && !block.afterAdd.empty())
                entry["after_add"] = layersToJson(block.afterAdd);
            blocks.push_back(std::move(entry));
        }
        subtasks.push_back({{"name", subtask.name}, {"blocks", blocks}});
    }
    return {
        {"format", "coinfer-dnn"},
        {"version", 1},
        {"name", dnn.name},
        {"input",
         {{"channels", dnn.input.c}, {"height", dnn.input.h}, {"width", dnn.input.w}, {"element_bytes", dnn.inputElementBytes}}},
        {"activation_bytes", dnn.activationBytes},
        {"subtasks", subtasks}};
}

int readCount(const Field& parent, const char* key, int fallback, int min)
{
    return parent.has(key) ? static_cast<int>(parent.at(key).integer(min, 1'000'000)) : fallback;
}

/// An optional true/false member; anything else is refused ("bias": "yes" was read as false).
bool readFlag(const Field& parent, const char* key, bool fallback)
{
    const std::optional<Field> flag = parent.find(key);
    if (!flag)
        return fallback;
    if (!flag->json().is_boolean())
        flag->fail("must be true or false, not " + detail::describe(flag->json()));
    return flag->json().get<bool>();
}

/// A squeeze-and-excitation's activation or gate, one of @p allowed by file name.
LayerKind readSqueezeExciteKind(const Field& entry, const char* key, LayerKind fallback, std::initializer_list<LayerKind> allowed)
{
    if (!entry.has(key))
        return fallback;
    const std::string name = entry.at(key).string();
    std::string names;
    for (LayerKind kind : allowed) {
        if (layerKindName(kind) == name)
            return kind;
        names += (names.empty() ? "" : " or ") + layerKindName(kind);
    }
    entry.at(key).fail("must be " + names + ", not \"" + name + "\"");
}

/// The fields of one layer of kind @p kind from @p entry.
Layer readLayer(const Field& entry, LayerKind kind)
{
    Layer layer;
    layer.kind = kind;
    switch (layer.kind) {
    case LayerKind::Conv:
        layer.outChannels = static_cast<int>(entry.at("out_channels").integer(1, 1'000'000));
        layer.kernel = static_cast<int>(entry.at("kernel").integer(1, 1'000));
        layer.stride = readCount(entry, "stride", 1, 1);
        layer.padding = readCount(entry, "padding", 0, 0);
        layer.groups = readCount(entry, "groups", 1, 1);
        layer.bias = readFlag(entry, "bias", false);
        readWindowShape(entry, layer);
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
        layer.kernel = static_cast<int>(entry.at("kernel").integer(1, 1'000));
        layer.stride = readCount(entry, "stride", layer.kernel, 1);
        layer.padding = readCount(entry, "padding", 0, 0);
        layer.ceilMode = readFlag(entry, "ceil_mode", false);
        readWindowShape(entry, layer);
        break;
    case LayerKind::Linear:
        layer.outFeatures = static_cast<int>(entry.at("out_features").integer(1, 10'000'000));
        layer.bias = readFlag(entry, "bias", true);
        break;
    case LayerKind::Clip:
        // Both bounds are required: ONNX's defaults (the float range) are no finite JSON
        // number, and a silent 0..6 default would make every clip a relu6.
        layer.clipMin = entry.at("min").number();
        layer.clipMax = entry.at("max").number();
        if (layer.clipMin > layer.clipMax)
            entry.at("min").fail("must be at most max (" + entry.at("max").json().dump() + "), not " +
                                 entry.at("min").json().dump());
        break;
    case LayerKind::Softmax:
        layer.axis = static_cast<int>(entry.at("axis").integer(0, 2));
        break;
    case LayerKind::ChannelShuffle:
        layer.groups = static_cast<int>(entry.at("groups").integer(1, 1'000'000));
        break;
    case LayerKind::Permute: {
        const Field order = entry.at("order");
        if (order.arraySize() != 3)
            order.fail("must list 3 axes, not " + std::to_string(order.arraySize()));
        for (size_t k = 0; k < 3; ++k)
            layer.order[k] = static_cast<int>(order.at(k).integer(0, 2));
        break;
    }
    case LayerKind::LayerNorm:
        layer.axis = static_cast<int>(entry.at("axis").integer(0, 2));
        layer.epsilon = entry.at("epsilon").number(0.0, true);
        layer.bias = readFlag(entry, "affine", true);
        break;
    case LayerKind::AxisLinear:
        layer.axis = static_cast<int>(entry.at("axis").integer(0, 2));
        layer.outFeatures = static_cast<int>(entry.at("out_features").integer(1, 10'000'000));
        layer.bias = readFlag(entry, "bias", true);
        break;
    case LayerKind::Scale:
        layer.axis = static_cast<int>(entry.at("axis").integer(0, 2));
        break;
    case LayerKind::Reshape: {
        const Field shape = entry.at("shape");
        if (shape.arraySize() != 3)
            shape.fail("must list 3 sizes, not " + std::to_string(shape.arraySize()));
        for (size_t k = 0; k < 3; ++k)
            layer.shape[k] = static_cast<int>(shape.at(k).integer(1, INT_MAX));
        break;
    }
    case LayerKind::Prepend:
        layer.outChannels = static_cast<int>(entry.at("count").integer(1, 1'000'000));
        break;
    case LayerKind::Attention:
        layer.groups = static_cast<int>(entry.at("heads").integer(1, 100'000));
        break;
    case LayerKind::WindowAttention:
        layer.groups = static_cast<int>(entry.at("heads").integer(1, 100'000));
        layer.kernel = static_cast<int>(entry.at("window").integer(1, 1000));
        layer.shift = static_cast<int>(entry.at("shift").integer(0, 999));
        break;
    case LayerKind::Slice:
        layer.axis = static_cast<int>(entry.at("axis").integer(0, 2));
        layer.sliceBegin = static_cast<int>(entry.at("begin").integer(0, INT_MAX - 1));
        layer.sliceEnd = static_cast<int>(entry.at("end").integer(1, INT_MAX));
        if (layer.sliceEnd <= layer.sliceBegin)
            entry.at("end").fail("must be above begin (" + std::to_string(layer.sliceBegin) + "), not " +
                                 std::to_string(layer.sliceEnd));
        break;
    case LayerKind::BatchNorm:
        layer.epsilon = entry.has("epsilon") ? entry.at("epsilon").number(0.0, true) : 1e-5;
        break;
    case LayerKind::SqueezeExcite:
        layer.outChannels = static_cast<int>(entry.at("squeeze_channels").integer(1, 1'000'000));
        layer.activation = readSqueezeExciteKind(entry, "activation", LayerKind::Relu, {LayerKind::Relu, LayerKind::SiLU});
        layer.gate = readSqueezeExciteKind(entry, "gate", LayerKind::Sigmoid, {LayerKind::Sigmoid, LayerKind::HardSigmoid});
        [[fallthrough]];
    case LayerKind::HardSigmoid:
        // ONNX's defaults; a squeeze-and-excitation's hardsigmoid gate defaults to PyTorch's.
        layer.alpha = entry.has("alpha") ? entry.at("alpha").number() : kind == LayerKind::HardSigmoid ? 0.2 : 1.0 / 6;
        layer.beta = entry.has("beta") ? entry.at("beta").number() : 0.5;
        break;
    default:
        break;
    }
    return layer;
}

std::vector<Layer> readLayers(const Field& field)
{
    std::vector<Layer> layers;
    const size_t count = field.arraySize(true);
    for (size_t i = 0; i < count; ++i) {
        const Field entry = field.at(i);
        const std::string type = entry.at("type").string();
        const std::optional<LayerKind> kind = layerKindFromName(type);
        if (!kind)
            entry.at("type").fail("unknown layer type \"" + type + "\" (known: " + layerKindNames() + ")");
        layers.push_back(readLayer(entry, *kind));
    }
    return layers;
}

DnnDescription readDescription(const Field& root)
{
    detail::requireFormat(root, "coinfer-dnn");
    root.ignore("description");
    DnnDescription dnn;
    dnn.name = root.at("name").string(false);
    const Field input = root.at("input");
    dnn.input = {static_cast<int>(input.at("channels").integer(1, 1'000'000)),
                 static_cast<int>(input.at("height").integer(1, 1'000'000)),
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
            }
            if (auto branches = blockField.find("branches")) {
                const size_t branchCount = branches->arraySize();
                for (size_t r = 0; r < branchCount; ++r) {
                    const Field branch = branches->at(r);
                    if (branch.json().is_string()) {
                        if (branch.string() != "identity")
                            branch.fail("must be \"identity\" or a list of layers");
                        block.branches.emplace_back();
                    } else {
                        block.branches.push_back(readLayers(branch));
                    }
                }
            }
            if (block.residual || block.concatenates())
                if (auto after = blockField.find("after_add"))
                    block.afterAdd = readLayers(*after);
            subtask.blocks.push_back(std::move(block));
        }
        dnn.subtasks.push_back(std::move(subtask));
    }
    return dnn;
}

} // namespace

Expected<DnnDescription> parseDnnDescription(std::string_view text, const std::string& sourceName,
                                             std::vector<std::string>* warnings)
{
    Expected<DnnDescription> dnn =
        detail::readDocument<DnnDescription>(text, sourceName, readDescription, detail::kMaxInputMagnitude, warnings);
    if (!dnn)
        return dnn;
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*dnn);
    if (!stats)
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + stats.error().message});
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

Expected<DnnDescription> loadDnn(const std::string& nameOrPath, std::vector<std::string>* warnings)
{
    for (const std::string& name : builtinDnnNames())
        if (name == nameOrPath)
            return builtinDnn(name);
    if (isOnnxPath(nameOrPath))
        return importOnnx(nameOrPath).transform([](const OnnxImport& imported) { return imported.dnn; });
    Expected<std::string> text = readTextFile(nameOrPath);
    if (!text) {
        // A path that exists but cannot be read (a directory, a device, a file above the input
        // limit) says why; only a name that is neither a file nor a built-in lists the built-ins.
        std::error_code error;
        if (std::filesystem::exists(std::filesystem::path(nameOrPath), error))
            return Unexpected(Error{ErrorCode::BadInput, text.error().message});
        std::string names;
        for (const std::string& name : builtinDnnNames())
            names += (names.empty() ? "" : ", ") + name;
        return Unexpected(Error{ErrorCode::BadInput, "'" + nameOrPath + "' is neither a built-in DNN (" + names +
                                                         ") nor a readable description file"});
    }
    return parseDnnDescription(*text, nameOrPath, warnings);
}

} // namespace coinfer
