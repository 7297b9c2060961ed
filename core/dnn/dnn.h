#pragma once
// Chain DNNs described layer by layer (docs/formats.md#dnn-description). One description gives the FLOPs and
// output sizes that feed the device model, and the layers the GPU profiler runs.

#include "core/util/expected.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

enum class LayerKind {
    Conv,
    BatchNorm,
    Relu,
    Relu6,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    Flatten,
    Linear,
    Clip,           ///< y = min(max(x, clipMin), clipMax)
    HardSwish,      ///< y = x * relu6(x + 3) / 6 (ONNX HardSwish)
    Sigmoid,        ///< y = 1 / (1 + exp(-x))
    HardSigmoid,    ///< y = max(0, min(1, alpha x + beta)) (ONNX HardSigmoid)
    SiLU,           ///< y = x * sigmoid(x) (Swish)
    SqueezeExcite,  ///< y = x * gate(conv1x1(activation(conv1x1(global_avgpool(x))))), convs with bias
    Softmax,        ///< y = exp(x) / sum of exp(x) along one axis of the sample (Layer::axis)
    Gelu,           ///< y = x (1 + erf(x / sqrt 2)) / 2 (exact GELU, ONNX's Erf form)
    Slice,          ///< the part [sliceBegin, sliceEnd) of one axis of the sample (Layer::axis): a copy
    ChannelShuffle, ///< channels regrouped (ShuffleNet): y[i g + j] = x[j C/g + i] for g = groups
    Permute,        ///< the sample's axes reordered: output axis k is input axis order[k] (a copy)
    LayerNorm,      ///< (x - mean) / sqrt(variance + epsilon) along Layer::axis; * scale + shift when bias (affine)
    AxisLinear,     ///< a linear layer along the sample's Layer::axis at every other position (channels-last, tokens)
    Scale,          ///< y = x * s[i], i the index along Layer::axis (ConvNeXt's layer scale)
    Reshape,        ///< the same values as Layer::shape (its elements equal the input's): a copy
    Prepend,        ///< outChannels learned rows placed before the sample along axis 0 (a class token)
    Offset,         ///< y = x + b, b a learned tensor of the sample's shape (a positional embedding)
    Attention,      ///< multi-head self-attention over a sequence of C tokens of H features (Layer::groups heads)
    /// torchvision's shifted-window attention on an H x W x C sample (channels last): the image
    /// rolled by -shift on both axes, attention within each window x window patch (Layer::groups
    /// heads, a learned bias per head and pair of positions, and for shift > 0 torchvision's mask
    /// of -100 between positions that came from different regions of the unrolled image), rolled back
    WindowAttention,
    PatchMerge ///< H x W x C to H/2 x W/2 x 4C: each 2x2 patch's pixels (0,0), (1,0), (0,1), (1,1) side by side (Swin)
};

/// One layer. Fields that a kind does not use are ignored.
struct Layer {
    LayerKind kind = LayerKind::Relu;
    int outChannels = 0; ///< Conv
    int kernel = 1;      ///< Conv, MaxPool, AvgPool; WindowAttention: the window's side
    int stride = 1;      ///< Conv, MaxPool, AvgPool
    int padding = 0;     ///< Conv, MaxPool, AvgPool
    int groups = 1;      ///< Conv: groups = in = out channels is a depthwise convolution; ChannelShuffle; the attentions: heads
    bool bias = false;   ///< Conv, Linear, AxisLinear; LayerNorm: with scale and shift
    int outFeatures = 0; ///< Linear, AxisLinear
    double clipMin = 0;  ///< Clip
    double clipMax = 6;  ///< Clip
    /// MaxPool, AvgPool: output sizes rounded up (ONNX ceil_mode, PyTorch's rule: a window that
    /// would start in the right or bottom padding is dropped). An average divides by the window's
    /// part inside the padded input.
    bool ceilMode = false;
    double alpha = 0.2; ///< HardSigmoid, and SqueezeExcite's hardsigmoid gate
    double beta = 0.5;  ///< HardSigmoid, and SqueezeExcite's hardsigmoid gate
    /// SqueezeExcite: the squeezed channels are outChannels; the activation between the two
    /// convolutions (Relu or SiLU) and the gate (Sigmoid or HardSigmoid).
    LayerKind activation = LayerKind::Relu;
    LayerKind gate = LayerKind::Sigmoid;
    double epsilon = 1e-5; ///< BatchNorm, LayerNorm: added to the variance
    /// Conv, MaxPool, AvgPool: kernel, stride and padding are the height's; the width's differ
    /// when set here (0, or -1 for the padding: as the height's). Dilation spaces the kernel's
    /// taps on both axes (a window of extent dilation (k - 1) + 1).
    int kernelWidth = 0;
    int strideWidth = 0;
    int paddingWidth = -1;
    int dilation = 1;
    /// Softmax: the sample's axis it normalises along (0 channels or features, 1 height or
    /// sequence, 2 width); Slice: the axis it cuts.
    int axis = 0;
    int sliceBegin = 0; ///< Slice: the first index kept along axis
    int sliceEnd = 0;   ///< Slice: one past the last index kept along axis
    /// Permute: output axis k is input axis order[k] (0 channels, 1 height, 2 width).
    std::array<int, 3> order{0, 1, 2};
    /// Reshape: the output's channels, height and width.
    std::array<int, 3> shape{0, 0, 0};
    int shift = 0; ///< WindowAttention: the cyclic shift of the windows on both axes (0 <= shift < kernel)
    int kernelW() const { return kernelWidth > 0 ? kernelWidth : kernel; }
    int strideW() const { return strideWidth > 0 ? strideWidth : stride; }
    int paddingW() const { return paddingWidth >= 0 ? paddingWidth : padding; }
    /// The ONNX importer's node that made this layer, and the node that gave a MatMul its bias
    /// (core/io/onnxrun.h reads their weights); -1 elsewhere, never written to files.
    int sourceNode = -1;
    int biasSourceNode = -1;
};

/// A convolution: @p out channels, square @p kernel, @p stride, @p padding, @p groups.
Layer convLayer(int out, int kernel, int stride = 1, int padding = 0, int groups = 1, bool bias = false);
/// A layer without parameters of its own (batchnorm, relu, relu6, global_avgpool, flatten).
Layer plainLayer(LayerKind kind);
/// Max or average pooling over a square window.
Layer poolLayer(LayerKind kind, int kernel, int stride, int padding = 0);
/// A softmax along the sample's @p axis (0 channels, 1 height, 2 width).
Layer softmaxLayer(int axis);
/// The indices [@p begin, @p end) of the sample's @p axis (0 channels, 1 height, 2 width).
Layer sliceLayer(int axis, int begin, int end);
/// A channel shuffle of @p groups groups (the channels must divide into them).
Layer channelShuffleLayer(int groups);
/// The sample's axes reordered: output axis k is input axis @p order[k].
Layer permuteLayer(std::array<int, 3> order);
/// Layer normalisation along @p axis with @p epsilon, affine (scale and shift) when @p affine.
Layer layerNormLayer(int axis, double epsilon, bool affine);
/// A linear layer to @p out features along @p axis, with a bias when @p bias.
Layer axisLinearLayer(int axis, int out, bool bias);
/// A product with one learned value per index of @p axis.
Layer scaleLayer(int axis);
/// The same values as a @p shape sample.
Layer reshapeLayer(std::array<int, 3> shape);
/// @p count learned rows before the sample along axis 0.
Layer prependLayer(int count);
/// Self-attention with @p heads heads (PyTorch's nn.MultiheadAttention: in and out projections with biases).
Layer attentionLayer(int heads);
/// torchvision's shifted-window attention with @p heads heads in @p window x @p window windows
/// shifted by @p shift (qkv and out projections with biases, a learned relative position bias).
Layer windowAttentionLayer(int heads, int window, int shift);
/// Swin's patch merging: 2x2 neighbours side by side along the last axis.
Layer patchMergeLayer();
/// A fully connected layer with a bias.
Layer linearLayer(int out);
/// An elementwise clamp to [@p min, @p max].
Layer clipLayer(double min, double max);
/// ONNX HardSigmoid with slope @p alpha and offset @p beta (PyTorch's is 1/6, 1/2).
Layer hardSigmoidLayer(double alpha, double beta);
/// Squeeze-and-excitation to @p squeezeChannels, with @p activation (Relu or SiLU) and @p gate
/// (Sigmoid or HardSigmoid: then with @p alpha and @p beta).
Layer squeezeExciteLayer(int squeezeChannels, LayerKind activation, LayerKind gate, double alpha = 1.0 / 6, double beta = 0.5);

/// Layers applied in order; with a residual, out = afterAdd(layers(x) + shortcut(x)), where an
/// empty shortcut is the identity. With branches (a concatenation, as in Inception or
/// SqueezeNet's Fire module), out = afterAdd(concat over channels of layers(x), branches[0](x),
/// branches[1](x), ...), where an empty branch is the identity; every part must give the same
/// height and width. A block is either residual or concatenating, never both.
struct Block {
    std::vector<Layer> layers;
    bool residual = false;
    std::vector<Layer> shortcut;
    std::vector<Layer> afterAdd; ///< after the addition or the concatenation
    /// Non-empty: a concatenation block. (The braces keep Block{layers, residual, shortcut,
    /// afterAdd} free of missing-initializer warnings.)
    std::vector<std::vector<Layer>> branches{};
    bool concatenates() const { return !branches.empty(); }
};

/// One sub-task of the chain: one or more blocks.
struct SubtaskDescription {
    std::string name;
    std::vector<Block> blocks;
};

/// The most elements one sample's tensor may have (so every shape fits an int and every byte
/// count a 64-bit integer), and the most parameters a whole DNN may have. analyzeDnn refuses
/// a description beyond either, naming the layer (or "input" for the input itself).
inline constexpr long long kMaxTensorElements = 2'147'483'647;
inline constexpr long long kMaxParameters = 1'000'000'000'000'000; // 10^15

/// Tensor shape of one sample (channels x height x width; features are c with h = w = 1).
struct TensorShape {
    int c = 0, h = 0, w = 0;
    long long elements() const { return static_cast<long long>(c) * h * w; }
    bool operator==(const TensorShape& other) const { return c == other.c && h == other.h && w == other.w; }
};

/// A chain DNN.
struct DnnDescription {
    std::string name;
    TensorShape input;
    int inputElementBytes = 1; ///< bytes per input element (1: an 8-bit camera frame)
    int activationBytes = 4;   ///< bytes per element of intermediate results (fp32)
    std::vector<SubtaskDescription> subtasks;
};

/// What one sub-task costs and produces, for one sample.
struct SubtaskStats {
    std::string name;
    TensorShape output;
    double macs = 0; ///< multiply-accumulates of convolutions and linear layers
    /// 2 x MACs plus the other operations (layerCost in dnn.cpp): per element one for relu,
    /// relu6 and a residual addition, 2 for batch norm and clip, 4 for sigmoid and hardsigmoid,
    /// 5 for hardswish and silu, 5 for softmax (max, subtract, exp, sum, divide), 8 for gelu
    /// (divide, erf as 5, add, multiply, halve); k^2 per pooled output; none for flatten, a slice, a channel
    /// shuffle, a permute and a concatenation's copies. Layer norm: 5 per element (mean, subtract, square,
    /// sum, divide), 2 more when affine; axis_linear: 2 x MACs plus its bias; scale and offset: 1;
    /// reshape and prepend: none. Attention on L tokens of E features, H heads: MACs 4 L E^2 (the
    /// projections) + 2 L^2 E (scores and context); FLOPs 2 x MACs + 5 L E (biases, scaling) + 5 H L^2 (softmax). Squeeze-and-excitation: one per input element for the pooling and one for the
    /// gating product, its convolutions as convolutions, its activation and gate as above.
    double flops = 0;
    long long parameters = 0; ///< learnable weights (batch norm: scale and shift)
    double outputBytes = 0;
};

/// Shapes, MACs, FLOPs and parameters of every sub-task. Fails (BadInput) naming the sub-task,
/// block and layer (or branch) when shapes do not chain: a kernel larger than its padded input,
/// channels not divisible by groups, a residual whose branches differ in shape, a concatenation
/// whose parts differ in height or width, a block both residual and concatenating, a clip with
/// min > max or a bound that is not finite, a linear layer on an unflattened tensor.
/// O(number of layers).
Expected<std::vector<SubtaskStats>> analyzeDnn(const DnnDescription& dnn);

/// Output shape of one layer, or an error message (a clip's bounds are checked here). O(1).
Expected<TensorShape> layerOutput(const Layer& layer, const TensorShape& input);

/// Names of the built-in DNNs ("mobilenetv2", "resnet18", "vgg16", ...).
std::vector<std::string> builtinDnnNames();

/// A built-in DNN by name, split at block boundaries; nullopt-like error for an unknown name.
Expected<DnnDescription> builtinDnn(const std::string& name);

/// Lower-case name of a layer kind as used in files ("conv", "batchnorm", ...).
std::string layerKindName(LayerKind kind);

/// The kind a file names ("conv", ...), or nullopt for an unknown name. O(kinds).
std::optional<LayerKind> layerKindFromName(std::string_view name);

/// Every kind's file name, comma-separated, for error messages.
std::string layerKindNames();

} // namespace coinfer
