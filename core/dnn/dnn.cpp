#include "core/dnn/dnn.h"

#include "core/dnn/windowlayers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>
#include <variant>

namespace coinfer {

namespace {

struct LayerKindName {
    LayerKind kind;
    const char* name;
};

constexpr LayerKindName kKindNames[] = {
    {LayerKind::Conv, "conv"},
    {LayerKind::BatchNorm, "batchnorm"},
    {LayerKind::Relu, "relu"},
    {LayerKind::Relu6, "relu6"},
    {LayerKind::MaxPool, "maxpool"},
    {LayerKind::AvgPool, "avgpool"},
    {LayerKind::GlobalAvgPool, "global_avgpool"},
    {LayerKind::Flatten, "flatten"},
    {LayerKind::Linear, "linear"},
    {LayerKind::Clip, "clip"},
    {LayerKind::HardSwish, "hardswish"},
    {LayerKind::Sigmoid, "sigmoid"},
    {LayerKind::HardSigmoid, "hardsigmoid"},
    {LayerKind::SiLU, "silu"},
    {LayerKind::SqueezeExcite, "squeeze_excite"},
    {LayerKind::Softmax, "softmax"},
    {LayerKind::Gelu, "gelu"},
    {LayerKind::Slice, "slice"},
    {LayerKind::ChannelShuffle, "channel_shuffle"},
    {LayerKind::Permute, "permute"},
    {LayerKind::LayerNorm, "layernorm"},
    {LayerKind::AxisLinear, "axis_linear"},
    {LayerKind::Scale, "scale"},
    {LayerKind::Reshape, "reshape"},
    {LayerKind::Prepend, "prepend"},
    {LayerKind::Offset, "offset"},
    {LayerKind::Attention, "attention"},
    {LayerKind::WindowAttention, "window_attention"},
    {LayerKind::PatchMerge, "patch_merge"},
};

/// PyTorch's and ONNX's pooled size; rounding up keeps a window only where it starts inside
/// the input or the left padding.
int windowOutput(int size, int kernel, int stride, int padding, bool ceilMode = false)
{
    const int span = size + 2 * padding - kernel;
    if (!ceilMode)
        return span / stride + 1;
    int out = (span + stride - 1) / stride + 1;
    if ((out - 1) * stride >= size + padding)
        --out;
    return out;
}

constexpr double kClipFlopsPerElement = 2;
constexpr double kHardSwishFlopsPerElement = 5;
constexpr double kSigmoidFlopsPerElement = 4;
constexpr double kHardSigmoidFlopsPerElement = 4;
constexpr double kSiluFlopsPerElement = 5;
constexpr double kSoftmaxFlopsPerElement = 5;
constexpr double kGeluFlopsPerElement = 8;

double elementwiseFlops(LayerKind kind)
{
    switch (kind) {
    case LayerKind::Relu:
    case LayerKind::Relu6:
        return 1;
    case LayerKind::SiLU:
        return kSiluFlopsPerElement;
    case LayerKind::HardSigmoid:
        return kHardSigmoidFlopsPerElement;
    default:
        return kSigmoidFlopsPerElement;
    }
}

struct Cost {
    double macs = 0, flops = 0;
    long long parameters = 0;
};

/// a x b, or LLONG_MAX when the product does not fit: a parameter count that large is refused
/// by the caller's limit check, where a wrapped product could come out negative and pass it.
long long saturatingProduct(long long a, long long b)
{
    long long product = 0;
    return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<long long>::max() : product;
}

long long saturatingSum(long long a, long long b)
{
    long long sum = 0;
    return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<long long>::max() : sum;
}

/// The size of @p shape along the sample's @p axis (0 channels, 1 height, 2 width).
long long axisSize(const TensorShape& shape, int axis)
{
    return axis == 0 ? shape.c : axis == 1 ? shape.h : shape.w;
}

/// layerCost for the layers that act along one axis of the sample or move its values (dnn.h's
/// SubtaskStats::flops states the conventions). O(1).
Cost axisLayerCost(const Layer& layer, const TensorShape& in, const TensorShape& out)
{
    Cost cost;
    switch (layer.kind) {
    case LayerKind::Slice: // a copy, as a concatenation's
    case LayerKind::ChannelShuffle:
    case LayerKind::Permute:
        break;
    case LayerKind::LayerNorm:
        cost.flops = (layer.bias ? 7.0 : 5.0) * static_cast<double>(out.elements());
        cost.parameters = layer.bias ? 2LL * axisSize(in, layer.axis) : 0;
        break;
    case LayerKind::AxisLinear: {
        const long long features = axisSize(in, layer.axis), positions = in.elements() / features;
        cost.macs = static_cast<double>(positions) * static_cast<double>(features) * layer.outFeatures;
        cost.flops = 2 * cost.macs + (layer.bias ? static_cast<double>(out.elements()) : 0.0);
        cost.parameters = saturatingSum(saturatingProduct(features, layer.outFeatures), layer.bias ? layer.outFeatures : 0);
        break;
    }
    case LayerKind::Scale:
        cost.flops = static_cast<double>(out.elements());
        cost.parameters = axisSize(in, layer.axis);
        break;
    case LayerKind::Reshape:
        break;
    case LayerKind::Prepend:
        cost.parameters = static_cast<long long>(layer.outChannels) * in.h * in.w;
        break;
    case LayerKind::Offset:
        cost.flops = static_cast<double>(out.elements());
        cost.parameters = in.elements();
        break;
    case LayerKind::Attention: {
        const double tokens = in.c, features = in.h;
        cost.macs = 4 * tokens * features * features + 2 * tokens * tokens * features;
        cost.flops = 2 * cost.macs + 5 * tokens * features + 5.0 * layer.groups * tokens * tokens;
        cost.parameters = 4LL * in.h * in.h + 4LL * in.h;
        break;
    }
    case LayerKind::WindowAttention:
    case LayerKind::PatchMerge: {
        const windowlayers::WindowCost window = windowlayers::windowLayerCost(layer, in);
        return Cost{window.macs, window.flops, window.parameters};
    }
    default:
        break;
    }
    return cost;
}

Cost layerCost(const Layer& layer, const TensorShape& in, const TensorShape& out)
{
    Cost cost;
    switch (layer.kind) {
    case LayerKind::Conv: {
        const double perOutput = static_cast<double>(in.c / layer.groups) * layer.kernel * layer.kernelW();
        cost.macs = perOutput * static_cast<double>(out.elements());
        cost.flops = 2 * cost.macs + (layer.bias ? static_cast<double>(out.elements()) : 0.0);
        // out.c x (in.c / groups) x kernel^2 reaches 10^6 x 2^31 x 10^6, beyond 2^63: saturated.
        const long long weights = saturatingProduct(saturatingProduct(out.c, in.c / layer.groups),
                                                    static_cast<long long>(layer.kernel) * layer.kernelW());
        cost.parameters = saturatingSum(weights, layer.bias ? out.c : 0);
        break;
    }
    case LayerKind::Linear:
        cost.macs = static_cast<double>(in.elements()) * out.c;
        cost.flops = 2 * cost.macs + (layer.bias ? out.c : 0);
        cost.parameters = saturatingSum(saturatingProduct(in.elements(), out.c), layer.bias ? out.c : 0);
        break;
    case LayerKind::BatchNorm:
        cost.flops = 2.0 * static_cast<double>(out.elements());
        cost.parameters = 2LL * in.c;
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
        cost.flops = static_cast<double>(out.elements()) * layer.kernel * layer.kernelW();
        break;
    case LayerKind::GlobalAvgPool:
        cost.flops = static_cast<double>(in.elements());
        break;
    case LayerKind::Relu:
    case LayerKind::Relu6:
        cost.flops = static_cast<double>(out.elements());
        break;
    // Elementwise operations per element, counting a comparison, an add, a multiply, a divide
    // or an exp as one each (as relu's max counts one): clip is a max and a min; hardswish adds
    // 3, clamps to [0, 6] (2), multiplies by x and divides by 6; sigmoid negates, exps, adds 1
    // and divides. An exp costs a GPU several instructions more: a convention, not a timing.
    case LayerKind::Clip:
        cost.flops = kClipFlopsPerElement * static_cast<double>(out.elements());
        break;
    case LayerKind::HardSwish:
        cost.flops = kHardSwishFlopsPerElement * static_cast<double>(out.elements());
        break;
    case LayerKind::Sigmoid:
        cost.flops = kSigmoidFlopsPerElement * static_cast<double>(out.elements());
        break;
    case LayerKind::HardSigmoid:
        cost.flops = kHardSigmoidFlopsPerElement * static_cast<double>(out.elements());
        break;
    case LayerKind::SiLU:
        cost.flops = kSiluFlopsPerElement * static_cast<double>(out.elements());
        break;
    // Softmax: the running max (a comparison), x - max, exp, the sum and the division, one
    // each per element. GELU: x / sqrt 2, erf (counted as 5, a polynomial), + 1, x *, / 2.
    case LayerKind::Softmax:
        cost.flops = kSoftmaxFlopsPerElement * static_cast<double>(out.elements());
        break;
    case LayerKind::Gelu:
        cost.flops = kGeluFlopsPerElement * static_cast<double>(out.elements());
        break;
    case LayerKind::SqueezeExcite: {
        // Pooling and the gating product touch every element once; the two 1x1 convolutions
        // on one value per channel with their biases; the activation on the squeezed values,
        // the gate on one value per channel.
        const double squeezed = layer.outChannels, channels = in.c;
        cost.macs = 2 * squeezed * channels;
        cost.flops = 2 * static_cast<double>(in.elements()) + 2 * cost.macs + squeezed + channels +
                     elementwiseFlops(layer.activation) * squeezed + elementwiseFlops(layer.gate) * channels;
        cost.parameters = saturatingSum(saturatingProduct(2LL * in.c, layer.outChannels), layer.outChannels + in.c);
        break;
    }
    case LayerKind::Flatten:
    default: // slice, channel_shuffle, permute, layernorm, axis_linear, scale, reshape, prepend, offset, attention
        return axisLayerCost(layer, in, out);
    }
    return cost;
}

/// Runs a list of layers over a shape, adding their costs; the error names the layer. Refuses a
/// tensor or a parameter count above the limits of dnn.h, so no count can overflow downstream.
Expected<TensorShape> runLayers(const std::vector<Layer>& layers, TensorShape shape, Cost& total, const std::string& where)
{
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string layerName = where + "[" + std::to_string(i) + "] (" + layerKindName(layers[i].kind) + ")";
        Expected<TensorShape> out = layerOutput(layers[i], shape);
        if (!out)
            return Unexpected(Error{ErrorCode::BadInput, layerName + ": " + out.error().message});
        if (out->elements() > kMaxTensorElements)
            return Unexpected(Error{ErrorCode::BadInput, layerName + ": produces " + std::to_string(out->elements()) +
                                                             " elements per sample, more than the limit of " +
                                                             std::to_string(kMaxTensorElements)});
        const Cost cost = layerCost(layers[i], shape, *out);
        if (cost.parameters > kMaxParameters - total.parameters)
            return Unexpected(Error{ErrorCode::BadInput, layerName + ": brings the parameters to more than the limit of " +
                                                             std::to_string(kMaxParameters)});
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

std::string numberText(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
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

Layer hardSigmoidLayer(double alpha, double beta)
{
    Layer layer = plainLayer(LayerKind::HardSigmoid);
    layer.alpha = alpha;
    layer.beta = beta;
    return layer;
}

Layer squeezeExciteLayer(int squeezeChannels, LayerKind activation, LayerKind gate, double alpha, double beta)
{
    Layer layer = plainLayer(LayerKind::SqueezeExcite);
    layer.outChannels = squeezeChannels;
    layer.activation = activation;
    layer.gate = gate;
    layer.alpha = alpha;
    layer.beta = beta;
    return layer;
}

Layer softmaxLayer(int axis)
{
    Layer layer = plainLayer(LayerKind::Softmax);
    layer.axis = axis;
    return layer;
}

Layer sliceLayer(int axis, int begin, int end)
{
    Layer layer = plainLayer(LayerKind::Slice);
    layer.axis = axis;
    layer.sliceBegin = begin;
    layer.sliceEnd = end;
    return layer;
}

Layer channelShuffleLayer(int groups)
{
    Layer layer = plainLayer(LayerKind::ChannelShuffle);
    layer.groups = groups;
    return layer;
}

Layer permuteLayer(std::array<int, 3> order)
{
    Layer layer = plainLayer(LayerKind::Permute);
    layer.order = order;
    return layer;
}

Layer layerNormLayer(int axis, double epsilon, bool affine)
{
    Layer layer = plainLayer(LayerKind::LayerNorm);
    layer.axis = axis;
    layer.epsilon = epsilon;
    layer.bias = affine;
    return layer;
}

Layer axisLinearLayer(int axis, int out, bool bias)
{
    Layer layer = plainLayer(LayerKind::AxisLinear);
    layer.axis = axis;
    layer.outFeatures = out;
    layer.bias = bias;
    return layer;
}

Layer scaleLayer(int axis)
{
    Layer layer = plainLayer(LayerKind::Scale);
    layer.axis = axis;
    return layer;
}

Layer reshapeLayer(std::array<int, 3> shape)
{
    Layer layer = plainLayer(LayerKind::Reshape);
    layer.shape = shape;
    return layer;
}

Layer prependLayer(int count)
{
    Layer layer = plainLayer(LayerKind::Prepend);
    layer.outChannels = count;
    return layer;
}

Layer attentionLayer(int heads)
{
    Layer layer = plainLayer(LayerKind::Attention);
    layer.groups = heads;
    return layer;
}

Layer linearLayer(int out)
{
    Layer layer = plainLayer(LayerKind::Linear);
    layer.outFeatures = out;
    layer.bias = true;
    return layer;
}

Layer clipLayer(double min, double max)
{
    Layer layer = plainLayer(LayerKind::Clip);
    layer.clipMin = min;
    layer.clipMax = max;
    return layer;
}

std::string layerKindName(LayerKind kind)
{
    for (const auto& entry : kKindNames)
        if (entry.kind == kind)
            return entry.name;
    return "unknown";
}

std::optional<LayerKind> layerKindFromName(std::string_view name)
{
    for (const auto& entry : kKindNames)
        if (name == entry.name)
            return entry.kind;
    return std::nullopt;
}

std::string layerKindNames()
{
    std::string names;
    for (const auto& entry : kKindNames)
        names += (names.empty() ? "" : ", ") + std::string(entry.name);
    return names;
}

/// layerOutput for the layers that act along one axis of the sample or move its values (slice,
/// permute, layernorm, axis_linear, scale, channel_shuffle). O(1).
static Expected<TensorShape> axisLayerOutput(const Layer& layer, const TensorShape& in)
{
    auto bad = [](std::string message) { return Unexpected(Error{ErrorCode::BadInput, std::move(message)}); };
    switch (layer.kind) {
    case LayerKind::Slice: {
        if (layer.axis < 0 || layer.axis > 2)
            return bad("axis must be 0 (channels), 1 (height) or 2 (width), not " + std::to_string(layer.axis));
        const int size = layer.axis == 0 ? in.c : layer.axis == 1 ? in.h : in.w;
        if (layer.sliceBegin < 0 || layer.sliceEnd <= layer.sliceBegin || layer.sliceEnd > size)
            return bad("keeps [" + std::to_string(layer.sliceBegin) + ", " + std::to_string(layer.sliceEnd) +
                       ") of an axis of size " + std::to_string(size) + "; needs 0 <= begin < end <= size");
        TensorShape out = in;
        (layer.axis == 0 ? out.c : layer.axis == 1 ? out.h : out.w) = layer.sliceEnd - layer.sliceBegin;
        return out;
    }
    case LayerKind::Permute: {
        std::array<int, 3> sorted = layer.order;
        std::sort(sorted.begin(), sorted.end());
        if (sorted != std::array<int, 3>{0, 1, 2})
            return bad("order must list the axes 0, 1 and 2 once each");
        const int sizes[3] = {in.c, in.h, in.w};
        return TensorShape{sizes[layer.order[0]], sizes[layer.order[1]], sizes[layer.order[2]]};
    }
    case LayerKind::LayerNorm:
    case LayerKind::AxisLinear:
    case LayerKind::Scale: {
        if (layer.axis < 0 || layer.axis > 2)
            return bad("axis must be 0 (channels), 1 (height) or 2 (width), not " + std::to_string(layer.axis));
        if (layer.kind == LayerKind::LayerNorm && !(layer.epsilon > 0 && std::isfinite(layer.epsilon)))
            return bad("epsilon must be a positive number");
        if (layer.kind != LayerKind::AxisLinear)
            return in;
        if (layer.outFeatures < 1)
            return bad("out_features must be at least 1");
        TensorShape out = in;
        (layer.axis == 0 ? out.c : layer.axis == 1 ? out.h : out.w) = layer.outFeatures;
        if (out.elements() > kMaxTensorElements)
            return bad("gives " + std::to_string(out.elements()) + " elements, more than the limit");
        return out;
    }
    case LayerKind::ChannelShuffle:
        if (layer.groups < 1 || in.c % layer.groups != 0)
            return bad("shuffles " + std::to_string(in.c) + " channels in " + std::to_string(layer.groups) +
                       " groups; needs at least 1 group and channels divisible by the groups");
        return in;
    case LayerKind::Reshape: {
        const TensorShape out{layer.shape[0], layer.shape[1], layer.shape[2]};
        if (out.c < 1 || out.h < 1 || out.w < 1 || out.elements() != in.elements())
            return bad("gives " + shapeText(out) + " from " + shapeText(in) +
                       "; the shape must be positive with as many elements");
        return out;
    }
    case LayerKind::Prepend:
        if (layer.outChannels < 1 || static_cast<long long>(in.c) + layer.outChannels > kMaxTensorElements / in.h / in.w)
            return bad("count must be at least 1 and keep the tensor within the limit");
        return TensorShape{in.c + layer.outChannels, in.h, in.w};
    case LayerKind::Offset:
        return in;
    case LayerKind::Attention:
        if (in.w != 1 || layer.groups < 1 || in.h % layer.groups != 0)
            return bad("needs tokens x features x 1 with features divisible by the heads, not " + shapeText(in) + " and " +
                       std::to_string(layer.groups) + " heads");
        return in;
    case LayerKind::WindowAttention:
    case LayerKind::PatchMerge:
        return windowlayers::windowLayerOutput(layer, in);
    default:
        return bad("unknown layer kind");
    }
}

Expected<TensorShape> layerOutput(const Layer& layer, const TensorShape& in)
{
    auto bad = [](std::string message) { return Unexpected(Error{ErrorCode::BadInput, std::move(message)}); };
    switch (layer.kind) {
    case LayerKind::Conv:
    case LayerKind::MaxPool:
    case LayerKind::AvgPool: {
        const bool conv = layer.kind == LayerKind::Conv;
        if (layer.kernel < 1 || layer.stride < 1 || layer.padding < 0 || layer.kernelWidth < 0 || layer.kernelWidth > 1000 ||
            layer.strideWidth < 0 || layer.paddingWidth < -1 || layer.dilation < 1 || layer.dilation > 1000)
            return bad("kernel, stride and dilation must be at least 1 and padding at least 0");
        // The window's extent: dilation spreads the taps.
        const int extentH = layer.dilation * (layer.kernel - 1) + 1, extentW = layer.dilation * (layer.kernelW() - 1) + 1;
        if (conv && (layer.outChannels < 1 || layer.groups < 1))
            return bad("out_channels and groups must be at least 1");
        if (conv && (in.c % layer.groups != 0 || layer.outChannels % layer.groups != 0))
            return bad("groups = " + std::to_string(layer.groups) + " must divide the " + std::to_string(in.c) + " input and " +
                       std::to_string(layer.outChannels) + " output channels");
        if (!conv && (2 * layer.padding > extentH || 2 * layer.paddingW() > extentW))
            return bad("kernel and stride must be at least 1, and padding at most half the kernel");
        if (in.h + 2 * layer.padding < extentH || in.w + 2 * layer.paddingW() < extentW)
            return bad("a " + std::to_string(layer.kernel) + "x" + std::to_string(layer.kernelW()) + " " +
                       (conv ? "kernel" : "window") + " does not fit the " + shapeText(in) + " input with padding " +
                       std::to_string(layer.padding));
        return TensorShape{conv ? layer.outChannels : in.c,
                           windowOutput(in.h, extentH, layer.stride, layer.padding, !conv && layer.ceilMode),
                           windowOutput(in.w, extentW, layer.strideW(), layer.paddingW(), !conv && layer.ceilMode)};
    }
    case LayerKind::GlobalAvgPool:
        return TensorShape{in.c, 1, 1};
    case LayerKind::Flatten:
        if (in.elements() > kMaxTensorElements)
            return bad("flattens " + std::to_string(in.elements()) + " elements, more than the limit of " +
                       std::to_string(kMaxTensorElements));
        return TensorShape{static_cast<int>(in.elements()), 1, 1};
    case LayerKind::Linear:
        if (layer.outFeatures < 1)
            return bad("out_features must be at least 1");
        if (in.h != 1 || in.w != 1)
            return bad("needs a flattened input, not " + shapeText(in) + " (add a flatten or global_avgpool layer)");
        return TensorShape{layer.outFeatures, 1, 1};
    case LayerKind::Clip:
        // !(a <= b) also refuses a NaN bound.
        if (!std::isfinite(layer.clipMin) || !std::isfinite(layer.clipMax) || !(layer.clipMin <= layer.clipMax))
            return bad("needs finite bounds with min <= max, not min = " + numberText(layer.clipMin) +
                       ", max = " + numberText(layer.clipMax));
        return in;
    case LayerKind::HardSigmoid:
        if (!std::isfinite(layer.alpha) || !std::isfinite(layer.beta))
            return bad("needs finite alpha and beta, not " + numberText(layer.alpha) + " and " + numberText(layer.beta));
        return in;
    case LayerKind::Softmax:
        if (layer.axis < 0 || layer.axis > 2)
            return bad("axis must be 0 (channels), 1 (height) or 2 (width), not " + std::to_string(layer.axis));
        return in;
    default: // slice, permute, layernorm, axis_linear, scale, channel_shuffle, reshape, prepend, offset, attention
        return axisLayerOutput(layer, in);
    case LayerKind::SqueezeExcite:
        if (layer.outChannels < 1)
            return bad("squeeze_channels must be at least 1");
        if ((layer.activation != LayerKind::Relu && layer.activation != LayerKind::SiLU) ||
            (layer.gate != LayerKind::Sigmoid && layer.gate != LayerKind::HardSigmoid))
            return bad("the activation must be relu or silu and the gate sigmoid or hardsigmoid");
        if (!std::isfinite(layer.alpha) || !std::isfinite(layer.beta))
            return bad("needs a finite alpha and beta, not " + numberText(layer.alpha) + " and " + numberText(layer.beta));
        return in;
    case LayerKind::BatchNorm:
    case LayerKind::Relu:
    case LayerKind::Relu6:
    case LayerKind::HardSwish:
    case LayerKind::Sigmoid:
    case LayerKind::SiLU:
    case LayerKind::Gelu:
        return in;
    }
    return bad("unknown layer kind");
}

namespace {

/// The output shape of one block on input @p in, adding its cost to @p cost; @p where names the
/// block in messages. O(layers of the block).
Expected<TensorShape> runBlock(const Block& block, const TensorShape& in, Cost& cost, const std::string& where)
{
    if (block.residual && block.concatenates())
        return Unexpected(Error{ErrorCode::BadInput, where + ": a block is residual (shortcut) or concatenating (branches), "
                                                             "never both"});
    Expected<TensorShape> main = runLayers(block.layers, in, cost, where + ".layers");
    if (!main)
        return main;
    if (block.concatenates()) {
        long long channels = main->c;
        for (size_t r = 0; r < block.branches.size(); ++r) {
            const std::string branchWhere = where + ".branches[" + std::to_string(r) + "]";
            Expected<TensorShape> part = runLayers(block.branches[r], in, cost, branchWhere);
            if (!part)
                return part;
            if (part->h != main->h || part->w != main->w)
                return Unexpected(Error{ErrorCode::BadInput, branchWhere + ": gives a " + shapeText(*part) +
                                                                 " output where the block's layers give " + shapeText(*main) +
                                                                 "; a concatenation needs the same height and width"});
            channels += part->c;
        }
        // Copying into the joined tensor is data movement, not arithmetic: no FLOPs.
        const long long joinedElements = saturatingProduct(channels, static_cast<long long>(main->h) * main->w);
        if (joinedElements > kMaxTensorElements)
            return Unexpected(Error{ErrorCode::BadInput, where + ": the concatenation gives " + std::to_string(joinedElements) +
                                                             " elements per sample, more than the limit of " +
                                                             std::to_string(kMaxTensorElements)});
        const TensorShape joined{static_cast<int>(channels), main->h, main->w};
        return runLayers(block.afterAdd, joined, cost, where + ".after_add");
    }
    if (!block.residual)
        return main;
    Expected<TensorShape> side = runLayers(block.shortcut, in, cost, where + ".shortcut");
    if (!side)
        return side;
    if (!(*side == *main))
        return Unexpected(Error{ErrorCode::BadInput, where + ": the residual adds a " + shapeText(*main) + " branch to a " +
                                                         shapeText(*side) + " shortcut"});
    cost.flops += static_cast<double>(main->elements()); // the addition
    return runLayers(block.afterAdd, *main, cost, where + ".after_add");
}

} // namespace

Expected<std::vector<SubtaskStats>> analyzeDnn(const DnnDescription& dnn)
{
    if (dnn.input.elements() <= 0)
        return Unexpected(Error{ErrorCode::BadInput, "the input shape " + shapeText(dnn.input) + " is empty"});
    // The input is a tensor of one sample like any other: held to the same limit, so that its
    // byte count (elements x element bytes) fits a 64-bit integer.
    if (dnn.input.elements() > kMaxTensorElements)
        return Unexpected(
            Error{ErrorCode::BadInput, "input: " + shapeText(dnn.input) + " has " + std::to_string(dnn.input.elements()) +
                                           " elements per sample, more than the limit of " + std::to_string(kMaxTensorElements)});
    if (dnn.subtasks.empty())
        return Unexpected(Error{ErrorCode::BadInput, "the DNN has no sub-tasks"});
    std::vector<SubtaskStats> stats;
    TensorShape shape = dnn.input;
    long long dnnParameters = 0;
    for (size_t s = 0; s < dnn.subtasks.size(); ++s) {
        const SubtaskDescription& subtask = dnn.subtasks[s];
        if (subtask.blocks.empty())
            return Unexpected(Error{ErrorCode::BadInput, "subtasks[" + std::to_string(s) + "] has no blocks"});
        Cost cost;
        for (size_t b = 0; b < subtask.blocks.size(); ++b) {
            const std::string where = "subtasks[" + std::to_string(s) + "].blocks[" + std::to_string(b) + "]";
            Expected<TensorShape> out = runBlock(subtask.blocks[b], shape, cost, where);
            if (!out)
                return Unexpected(out.error());
            shape = *out;
        }
        if (cost.parameters > kMaxParameters - dnnParameters)
            return Unexpected(Error{ErrorCode::BadInput, "subtasks[" + std::to_string(s) +
                                                             "]: brings the DNN's parameters to more than the limit of " +
                                                             std::to_string(kMaxParameters)});
        dnnParameters += cost.parameters;
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

} // namespace coinfer
