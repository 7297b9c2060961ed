#include "core/dnn/cpureference.h"

#include "core/dnn/windowlayers.h"

#include "core/util/expected.h"
#include "core/util/random.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <utility>

namespace coinfer {
namespace {

float uniformSigned(SeededRandom& random)
{
    return static_cast<float>(2.0 * random.uniform() - 1.0);
}

/// The size of @p shape along the sample's @p axis (0 channels, 1 height, 2 width).
int axisExtent(const TensorShape& shape, int axis)
{
    return axis == 0 ? shape.c : axis == 1 ? shape.h : shape.w;
}

/// A sample axis as a layout: batch x outer positions, each with extent x inner values, where the
/// axis's neighbours lie inner apart.
struct AxisLayout {
    size_t outer = 1, extent = 1, inner = 1;
    AxisLayout(const TensorShape& shape, int axis, int batch)
    {
        const size_t sizes[3] = {static_cast<size_t>(shape.c), static_cast<size_t>(shape.h), static_cast<size_t>(shape.w)};
        extent = sizes[axis];
        for (int a = axis + 1; a < 3; ++a)
            inner *= sizes[a];
        outer = static_cast<size_t>(shape.elements() * batch) / (extent * inner);
    }
};

LayerWeights weightsFor(const Layer& layer, const TensorShape& in, SeededRandom& random)
{
    LayerWeights w;
    auto fill = [&](std::vector<float>& values, long long count, float scale) {
        values.resize(static_cast<size_t>(count));
        for (float& v : values)
            v = uniformSigned(random) * scale;
    };
    switch (layer.kind) {
    case LayerKind::Conv: {
        const long long fanIn = static_cast<long long>(in.c / layer.groups) * layer.kernel * layer.kernelW();
        const float scale = std::sqrt(3.0f / static_cast<float>(fanIn));
        fill(w.weights, layer.outChannels * fanIn, scale);
        if (layer.bias)
            fill(w.bias, layer.outChannels, 0.1f);
        break;
    }
    case LayerKind::Linear: {
        const float scale = std::sqrt(3.0f / static_cast<float>(in.elements()));
        fill(w.weights, in.elements() * layer.outFeatures, scale);
        if (layer.bias)
            fill(w.bias, layer.outFeatures, 0.1f);
        break;
    }
    case LayerKind::SqueezeExcite: {
        std::vector<float> second, secondBias;
        fill(w.weights, static_cast<long long>(layer.outChannels) * in.c, std::sqrt(3.0f / static_cast<float>(in.c)));
        fill(second, static_cast<long long>(layer.outChannels) * in.c, std::sqrt(3.0f / static_cast<float>(layer.outChannels)));
        fill(w.bias, layer.outChannels, 0.1f);
        fill(secondBias, in.c, 0.1f);
        w.weights.insert(w.weights.end(), second.begin(), second.end());
        w.bias.insert(w.bias.end(), secondBias.begin(), secondBias.end());
        break;
    }
    case LayerKind::AxisLinear: {
        const int features = axisExtent(in, layer.axis);
        fill(w.weights, static_cast<long long>(features) * layer.outFeatures, std::sqrt(3.0f / static_cast<float>(features)));
        if (layer.bias)
            fill(w.bias, layer.outFeatures, 0.1f);
        break;
    }
    case LayerKind::LayerNorm:
        if (!layer.bias)
            break;
        fill(w.scale, axisExtent(in, layer.axis), 0.2f);
        for (float& v : w.scale)
            v += 1.0f;
        fill(w.shift, axisExtent(in, layer.axis), 0.1f);
        break;
    case LayerKind::Scale:
        fill(w.scale, axisExtent(in, layer.axis), 0.5f);
        break;
    case LayerKind::Prepend:
        fill(w.weights, static_cast<long long>(layer.outChannels) * in.h * in.w, 0.5f);
        break;
    case LayerKind::Offset:
        fill(w.weights, in.elements(), 0.5f);
        break;
    case LayerKind::Attention: // in projection [3E][E] then out projection [E][E]; biases likewise
        fill(w.weights, 4LL * in.h * in.h, std::sqrt(3.0f / static_cast<float>(in.h)));
        fill(w.bias, 4LL * in.h, 0.1f);
        break;
    case LayerKind::WindowAttention:
        windowlayers::windowAttentionWeights(layer, in, w, fill);
        break;
    case LayerKind::BatchNorm:
        fill(w.scale, in.c, 0.2f);
        for (float& v : w.scale)
            v += 1.0f;
        fill(w.shift, in.c, 0.1f);
        fill(w.mean, in.c, 0.1f);
        fill(w.variance, in.c, 0.2f);
        for (float& v : w.variance)
            v += 1.0f;
        break;
    default:
        break;
    }
    return w;
}

/// Visits every layer of a sub-task in the canonical order with its input shape.
template<class Visit> void forEachLayer(const DnnDescription& dnn, int subtask, Visit visit)
{
    TensorShape shape = subtaskInputShape(dnn, subtask);
    for (const Block& block : dnn.subtasks[static_cast<size_t>(subtask)].blocks) {
        const TensorShape blockIn = shape;
        for (const Layer& layer : block.layers) {
            visit(layer, shape);
            shape = *layerOutput(layer, shape);
        }
        if (block.concatenates()) {
            int channels = shape.c;
            for (const std::vector<Layer>& branch : block.branches) {
                TensorShape side = blockIn;
                for (const Layer& layer : branch) {
                    visit(layer, side);
                    side = *layerOutput(layer, side);
                }
                channels += side.c;
            }
            shape.c = channels;
        }
        if (block.residual) {
            TensorShape side = blockIn;
            for (const Layer& layer : block.shortcut) {
                visit(layer, side);
                side = *layerOutput(layer, side);
            }
        }
        if (block.residual || block.concatenates()) {
            for (const Layer& layer : block.afterAdd) {
                visit(layer, shape);
                shape = *layerOutput(layer, shape);
            }
        }
    }
}

/// Convolution, grouped and depthwise too, accumulated in double. O(batch * outputs * C_in/groups * k^2).
void convolve(const Layer& layer, const LayerWeights& w, const TensorShape& in, const TensorShape& out, int batch,
              const std::vector<float>& x, std::vector<float>& y)
{
    const long long inSize = in.elements(), outSize = out.elements();
    const int inPerGroup = in.c / layer.groups, outPerGroup = out.c / layer.groups, kw = layer.kernelW();
    for (int n = 0; n < batch; ++n)
        for (int oc = 0; oc < out.c; ++oc) {
            const int g = oc / outPerGroup;
            for (int oy = 0; oy < out.h; ++oy)
                for (int ox = 0; ox < out.w; ++ox) {
                    double sum = layer.bias ? w.bias[static_cast<size_t>(oc)] : 0.0;
                    for (int ic = 0; ic < inPerGroup; ++ic)
                        for (int ky = 0; ky < layer.kernel; ++ky) {
                            const int iy = oy * layer.stride - layer.padding + ky * layer.dilation;
                            if (iy < 0 || iy >= in.h)
                                continue;
                            for (int kx = 0; kx < kw; ++kx) {
                                const int ix = ox * layer.strideW() - layer.paddingW() + kx * layer.dilation;
                                if (ix < 0 || ix >= in.w)
                                    continue;
                                const float xv =
                                    x[static_cast<size_t>(n * inSize + ((g * inPerGroup + ic) * in.h + iy) * in.w + ix)];
                                const float wv =
                                    w.weights[static_cast<size_t>(((oc * inPerGroup + ic) * layer.kernel + ky) * kw + kx)];
                                sum += static_cast<double>(xv) * wv;
                            }
                        }
                    y[static_cast<size_t>(n * outSize + (oc * out.h + oy) * out.w + ox)] = static_cast<float>(sum);
                }
        }
}

/// Fully connected layer on the flattened input. O(batch * inputs * outputs).
void fullyConnected(const Layer& layer, const LayerWeights& w, const TensorShape& in, const TensorShape& out, int batch,
                    const std::vector<float>& x, std::vector<float>& y)
{
    const long long inSize = in.elements(), outSize = out.elements();
    for (int n = 0; n < batch; ++n)
        for (int o = 0; o < out.c; ++o) {
            double sum = layer.bias ? w.bias[static_cast<size_t>(o)] : 0.0;
            for (long long i = 0; i < inSize; ++i)
                sum +=
                    static_cast<double>(x[static_cast<size_t>(n * inSize + i)]) * w.weights[static_cast<size_t>(o * inSize + i)];
            y[static_cast<size_t>(n * outSize + o)] = static_cast<float>(sum);
        }
}

/// Batch normalisation with the stored statistics (inference form). O(batch * elements).
void batchNormalize(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
                    std::vector<float>& y)
{
    const long long inSize = in.elements();
    for (int n = 0; n < batch; ++n)
        for (int c = 0; c < in.c; ++c) {
            const float factor = w.scale[static_cast<size_t>(c)] /
                                 std::sqrt(w.variance[static_cast<size_t>(c)] + static_cast<float>(layer.epsilon));
            for (int i = 0; i < in.h * in.w; ++i) {
                const size_t at = static_cast<size_t>(n * inSize + c * in.h * in.w + i);
                y[at] = (x[at] - w.mean[static_cast<size_t>(c)]) * factor + w.shift[static_cast<size_t>(c)];
            }
        }
}

/// Max or average pooling; padded positions are skipped, the average divides by the window's
/// part inside the padded input (k^2 unless a rounded-up window passes its end, as PyTorch
/// does). O(batch * outputs * k^2).
void pool(const Layer& layer, const TensorShape& in, const TensorShape& out, int batch, const std::vector<float>& x,
          std::vector<float>& y)
{
    const long long inSize = in.elements(), outSize = out.elements();
    const int extentH = layer.dilation * (layer.kernel - 1) + 1, extentW = layer.dilation * (layer.kernelW() - 1) + 1;
    for (int n = 0; n < batch; ++n)
        for (int c = 0; c < in.c; ++c)
            for (int oy = 0; oy < out.h; ++oy)
                for (int ox = 0; ox < out.w; ++ox) {
                    double best = -INFINITY, sum = 0;
                    const int y0 = oy * layer.stride - layer.padding, x0 = ox * layer.strideW() - layer.paddingW();
                    const double divisor = static_cast<double>(std::min(y0 + extentH, in.h + layer.padding) - y0) *
                                           (std::min(x0 + extentW, in.w + layer.paddingW()) - x0);
                    for (int ky = 0; ky < layer.kernel; ++ky)
                        for (int kx = 0; kx < layer.kernelW(); ++kx) {
                            const int iy = y0 + ky * layer.dilation, ix = x0 + kx * layer.dilation;
                            if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w)
                                continue;
                            const float v = x[static_cast<size_t>(n * inSize + (c * in.h + iy) * in.w + ix)];
                            best = std::max(best, static_cast<double>(v));
                            sum += v;
                        }
                    y[static_cast<size_t>(n * outSize + (c * out.h + oy) * out.w + ox)] =
                        static_cast<float>(layer.kind == LayerKind::MaxPool ? best : sum / divisor);
                }
}

/// Global average pooling to one value per channel. O(batch * elements).
void globalAveragePool(const TensorShape& in, const TensorShape& out, int batch, const std::vector<float>& x,
                       std::vector<float>& y)
{
    const long long inSize = in.elements(), outSize = out.elements();
    for (int n = 0; n < batch; ++n)
        for (int c = 0; c < in.c; ++c) {
            double sum = 0;
            for (int i = 0; i < in.h * in.w; ++i)
                sum += x[static_cast<size_t>(n * inSize + c * in.h * in.w + i)];
            y[static_cast<size_t>(n * outSize + c)] = static_cast<float>(sum / (in.h * in.w));
        }
}

/// NCHW tensors of equal height and width joined along the channels, sample by sample.
/// O(batch * total elements).
std::vector<float> concatenateChannels(const std::vector<std::vector<float>>& parts, const std::vector<TensorShape>& shapes,
                                       int batch)
{
    long long sampleSize = 0;
    for (const TensorShape& shape : shapes)
        sampleSize += shape.elements();
    std::vector<float> joined(static_cast<size_t>(sampleSize * batch));
    auto out = joined.begin();
    for (int n = 0; n < batch; ++n)
        for (size_t p = 0; p < parts.size(); ++p) {
            const auto first = parts[p].begin() + static_cast<std::ptrdiff_t>(n * shapes[p].elements());
            out = std::copy(first, first + static_cast<std::ptrdiff_t>(shapes[p].elements()), out);
        }
    return joined;
}

float sigmoid(float x)
{
    return 1.0f / (1.0f + std::exp(-x));
}

float hardSigmoid(float x, const Layer& layer)
{
    return std::clamp(static_cast<float>(layer.alpha) * x + static_cast<float>(layer.beta), 0.0f, 1.0f);
}

/// Squeeze-and-excitation, weights as makeSubtaskWeights lays them out (first convolution
/// [squeezed][c], second [c][squeezed], then their biases). O(batch * (elements + 2 c squeezed)).
void squeezeExcite(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
                   std::vector<float>& y)
{
    const int squeezed = layer.outChannels, area = in.h * in.w;
    const size_t secondWeights = static_cast<size_t>(squeezed) * static_cast<size_t>(in.c);
    std::vector<float> pooled(static_cast<size_t>(in.c)), hidden(static_cast<size_t>(squeezed));
    for (int n = 0; n < batch; ++n) {
        const size_t sample = static_cast<size_t>(n) * static_cast<size_t>(in.elements());
        for (int c = 0; c < in.c; ++c) {
            double sum = 0;
            for (int i = 0; i < area; ++i)
                sum += x[sample + static_cast<size_t>(c * area + i)];
            pooled[static_cast<size_t>(c)] = static_cast<float>(sum / area);
        }
        for (int h = 0; h < squeezed; ++h) {
            double sum = w.bias[static_cast<size_t>(h)];
            for (int c = 0; c < in.c; ++c)
                sum += static_cast<double>(w.weights[static_cast<size_t>(h * in.c + c)]) * pooled[static_cast<size_t>(c)];
            const float v = static_cast<float>(sum);
            hidden[static_cast<size_t>(h)] = layer.activation == LayerKind::SiLU ? v * sigmoid(v) : std::max(v, 0.0f);
        }
        for (int c = 0; c < in.c; ++c) {
            double sum = w.bias[static_cast<size_t>(squeezed + c)];
            for (int h = 0; h < squeezed; ++h)
                sum += static_cast<double>(w.weights[secondWeights + static_cast<size_t>(c * squeezed + h)]) *
                       hidden[static_cast<size_t>(h)];
            const float v = static_cast<float>(sum);
            const float gate = layer.gate == LayerKind::HardSigmoid ? hardSigmoid(v, layer) : sigmoid(v);
            for (int i = 0; i < area; ++i)
                y[sample + static_cast<size_t>(c * area + i)] = x[sample + static_cast<size_t>(c * area + i)] * gate;
        }
    }
}

/// Softmax along the sample axis layer.axis of a channels x height x width sample, in double
/// with the maximum subtracted first (no overflow for large inputs). O(batch * elements).
void softmax(const Layer& layer, const TensorShape& in, int batch, const std::vector<float>& x, std::vector<float>& y)
{
    const size_t sizes[3] = {static_cast<size_t>(in.c), static_cast<size_t>(in.h), static_cast<size_t>(in.w)};
    const size_t extent = sizes[layer.axis];
    size_t inner = 1; // the distance between neighbours along the axis
    for (int a = layer.axis + 1; a < 3; ++a)
        inner *= sizes[a];
    const size_t outer = static_cast<size_t>(in.elements() * batch) / (extent * inner);
    for (size_t o = 0; o < outer; ++o)
        for (size_t i = 0; i < inner; ++i) {
            const size_t first = o * extent * inner + i;
            float largest = x[first];
            for (size_t k = 1; k < extent; ++k)
                largest = std::max(largest, x[first + k * inner]);
            double sum = 0;
            for (size_t k = 0; k < extent; ++k)
                sum += std::exp(static_cast<double>(x[first + k * inner]) - largest);
            for (size_t k = 0; k < extent; ++k)
                y[first + k * inner] = static_cast<float>(std::exp(static_cast<double>(x[first + k * inner]) - largest) / sum);
        }
}

/// The indices [sliceBegin, sliceEnd) of the sample axis layer.axis, copied. O(batch * outputs).
void slice(const Layer& layer, const TensorShape& in, const TensorShape& out, int batch, const std::vector<float>& x,
           std::vector<float>& y)
{
    const size_t sizes[3] = {static_cast<size_t>(in.c), static_cast<size_t>(in.h), static_cast<size_t>(in.w)};
    size_t inner = 1; // the elements of one index along the axis
    for (int a = layer.axis + 1; a < 3; ++a)
        inner *= sizes[a];
    const size_t kept = static_cast<size_t>(layer.sliceEnd - layer.sliceBegin) * inner;
    const size_t outer = static_cast<size_t>(out.elements() * batch) / kept;
    for (size_t o = 0; o < outer; ++o) {
        const auto from =
            x.begin() + static_cast<std::ptrdiff_t>((o * sizes[layer.axis] + static_cast<size_t>(layer.sliceBegin)) * inner);
        std::copy(from, from + static_cast<std::ptrdiff_t>(kept), y.begin() + static_cast<std::ptrdiff_t>(o * kept));
    }
}

/// Layer normalisation along layer.axis in double, then the scale and shift when affine.
/// O(batch * elements).
void layerNormalize(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
                    std::vector<float>& y)
{
    const AxisLayout axis(in, layer.axis, batch);
    for (size_t o = 0; o < axis.outer; ++o)
        for (size_t i = 0; i < axis.inner; ++i) {
            const size_t first = o * axis.extent * axis.inner + i;
            double mean = 0, variance = 0;
            for (size_t k = 0; k < axis.extent; ++k)
                mean += x[first + k * axis.inner];
            mean /= static_cast<double>(axis.extent);
            for (size_t k = 0; k < axis.extent; ++k)
                variance += (x[first + k * axis.inner] - mean) * (x[first + k * axis.inner] - mean);
            const double deviation = std::sqrt(variance / static_cast<double>(axis.extent) + layer.epsilon);
            for (size_t k = 0; k < axis.extent; ++k) {
                const double normal = (x[first + k * axis.inner] - mean) / deviation;
                y[first + k * axis.inner] = static_cast<float>(layer.bias ? normal * w.scale[k] + w.shift[k] : normal);
            }
        }
}

/// A linear layer along layer.axis at every other position, accumulated in double; weights
/// [out][in]. O(batch * positions * in * out).
void axisLinear(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
                std::vector<float>& y)
{
    const AxisLayout axis(in, layer.axis, batch);
    const auto out = static_cast<size_t>(layer.outFeatures);
    for (size_t o = 0; o < axis.outer; ++o)
        for (size_t i = 0; i < axis.inner; ++i)
            for (size_t f = 0; f < out; ++f) {
                double sum = layer.bias ? w.bias[f] : 0.0;
                for (size_t k = 0; k < axis.extent; ++k)
                    sum += static_cast<double>(w.weights[f * axis.extent + k]) *
                           x[o * axis.extent * axis.inner + k * axis.inner + i];
                y[o * out * axis.inner + f * axis.inner + i] = static_cast<float>(sum);
            }
}

/// The sample's axes reordered (output axis k is input axis order[k]). O(batch * elements).
void permute(const Layer& layer, const TensorShape& in, int batch, const std::vector<float>& x, std::vector<float>& y)
{
    const size_t sizes[3] = {static_cast<size_t>(in.c), static_cast<size_t>(in.h), static_cast<size_t>(in.w)};
    const size_t strides[3] = {sizes[1] * sizes[2], sizes[2], 1};
    const size_t a = static_cast<size_t>(layer.order[0]), b = static_cast<size_t>(layer.order[1]),
                 c = static_cast<size_t>(layer.order[2]);
    const size_t sample = sizes[0] * sizes[1] * sizes[2];
    size_t at = 0;
    for (size_t n = 0; n < static_cast<size_t>(batch); ++n)
        for (size_t i = 0; i < sizes[a]; ++i)
            for (size_t j = 0; j < sizes[b]; ++j)
                for (size_t k = 0; k < sizes[c]; ++k)
                    y[at++] = x[n * sample + i * strides[a] + j * strides[b] + k * strides[c]];
}

/// applyLayer for the layers that act along one axis of the sample or move its values.
void applyAxisLayer(const Layer& layer, const LayerWeights& w, const TensorShape& in, const TensorShape& out, int batch,
                    const std::vector<float>& x, std::vector<float>& y)
{
    switch (layer.kind) {
    case LayerKind::Slice:
        slice(layer, in, out, batch, x, y);
        break;
    case LayerKind::Permute:
        permute(layer, in, batch, x, y);
        break;
    case LayerKind::LayerNorm:
        layerNormalize(layer, w, in, batch, x, y);
        break;
    case LayerKind::AxisLinear:
        axisLinear(layer, w, in, batch, x, y);
        break;
    case LayerKind::Scale: {
        const AxisLayout axis(in, layer.axis, batch);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = x[i] * w.scale[(i / axis.inner) % axis.extent];
        break;
    }
    case LayerKind::ChannelShuffle: {
        // Channel j C/g + i moves to i g + j: a reshape to g x C/g, a transpose and a flatten.
        const size_t area = static_cast<size_t>(in.h) * in.w, perGroup = static_cast<size_t>(in.c / layer.groups);
        const auto groups = static_cast<size_t>(layer.groups);
        for (size_t n = 0; n < static_cast<size_t>(batch); ++n)
            for (size_t j = 0; j < groups; ++j)
                for (size_t i = 0; i < perGroup; ++i) {
                    const auto from = x.begin() + static_cast<std::ptrdiff_t>((n * in.c + j * perGroup + i) * area);
                    std::copy(from, from + static_cast<std::ptrdiff_t>(area),
                              y.begin() + static_cast<std::ptrdiff_t>((n * in.c + i * groups + j) * area));
                }
        break;
    }
    case LayerKind::Reshape:
        y = x;
        break;
    case LayerKind::Prepend: {
        // Per sample: the learned rows, then the input.
        const size_t added = w.weights.size(), sample = static_cast<size_t>(in.elements());
        for (size_t n = 0; n < static_cast<size_t>(batch); ++n) {
            std::copy(w.weights.begin(), w.weights.end(), y.begin() + static_cast<std::ptrdiff_t>(n * (added + sample)));
            std::copy(x.begin() + static_cast<std::ptrdiff_t>(n * sample),
                      x.begin() + static_cast<std::ptrdiff_t>((n + 1) * sample),
                      y.begin() + static_cast<std::ptrdiff_t>(n * (added + sample) + added));
        }
        break;
    }
    case LayerKind::Offset:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = x[i] + w.weights[i % w.weights.size()];
        break;
    case LayerKind::Attention:
        windowlayers::attend(layer, w, in, batch, x, y);
        break;
    case LayerKind::WindowAttention:
        windowlayers::attendInWindows(layer, w, in, batch, x, y);
        break;
    case LayerKind::PatchMerge:
        windowlayers::mergePatches(in, batch, x, y);
        break;
    default:
        break;
    }
}

std::vector<float> applyLayer(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch,
                              const std::vector<float>& x)
{
    const TensorShape out = *layerOutput(layer, in);
    std::vector<float> y(static_cast<size_t>(out.elements() * batch), 0.0f);
    switch (layer.kind) {
    case LayerKind::Conv:
        convolve(layer, w, in, out, batch, x, y);
        break;
    case LayerKind::Linear:
        fullyConnected(layer, w, in, out, batch, x, y);
        break;
    case LayerKind::BatchNorm:
        batchNormalize(layer, w, in, batch, x, y);
        break;
    case LayerKind::Relu:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = std::max(x[i], 0.0f);
        break;
    case LayerKind::Relu6:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = std::clamp(x[i], 0.0f, 6.0f);
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
        pool(layer, in, out, batch, x, y);
        break;
    case LayerKind::GlobalAvgPool:
        globalAveragePool(in, out, batch, x, y);
        break;
    case LayerKind::Flatten:
        y = x;
        break;
    case LayerKind::Clip: {
        const float low = static_cast<float>(layer.clipMin), high = static_cast<float>(layer.clipMax);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = std::min(std::max(x[i], low), high);
        break;
    }
    case LayerKind::HardSwish:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = x[i] * std::clamp(x[i] + 3.0f, 0.0f, 6.0f) / 6.0f;
        break;
    case LayerKind::Sigmoid:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = sigmoid(x[i]);
        break;
    case LayerKind::HardSigmoid:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = hardSigmoid(x[i], layer);
        break;
    case LayerKind::SiLU:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = x[i] * sigmoid(x[i]);
        break;
    case LayerKind::SqueezeExcite:
        squeezeExcite(layer, w, in, batch, x, y);
        break;
    case LayerKind::Softmax:
        softmax(layer, in, batch, x, y);
        break;
    case LayerKind::Slice:
    case LayerKind::Permute:
    case LayerKind::LayerNorm:
    case LayerKind::AxisLinear:
    case LayerKind::Scale:
    case LayerKind::ChannelShuffle:
    case LayerKind::Reshape:
    case LayerKind::Prepend:
    case LayerKind::Offset:
    case LayerKind::Attention:
    case LayerKind::WindowAttention:
    case LayerKind::PatchMerge:
        applyAxisLayer(layer, w, in, out, batch, x, y);
        break;
    case LayerKind::Gelu:
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = static_cast<float>(0.5 * x[i] * (1.0 + std::erf(x[i] / std::sqrt(2.0))));
        break;
    }
    return y;
}

} // namespace

TensorShape subtaskInputShape(const DnnDescription& dnn, int subtask)
{
    if (subtask == 0)
        return dnn.input;
    return (*analyzeDnn(dnn))[static_cast<size_t>(subtask - 1)].output;
}

std::vector<LayerWeights> makeSubtaskWeights(const DnnDescription& dnn, int subtask, std::uint64_t seed)
{
    SeededRandom random(seed * 1000003ull + static_cast<std::uint64_t>(subtask));
    std::vector<LayerWeights> weights;
    forEachLayer(dnn, subtask,
                 [&](const Layer& layer, const TensorShape& in) { weights.push_back(weightsFor(layer, in, random)); });
    return weights;
}

std::vector<float> makeRandomInput(const TensorShape& shape, int batch, std::uint64_t seed)
{
    SeededRandom random(seed);
    std::vector<float> input(static_cast<size_t>(shape.elements() * batch));
    for (float& v : input)
        v = uniformSigned(random);
    return input;
}

std::vector<float> runSubtaskOnCpu(const DnnDescription& dnn, int subtask, int batch, const std::vector<float>& input,
                                   const std::vector<LayerWeights>& weights)
{
    size_t next = 0;
    TensorShape shape = subtaskInputShape(dnn, subtask);
    std::vector<float> x = input;
    for (const Block& block : dnn.subtasks[static_cast<size_t>(subtask)].blocks) {
        const std::vector<float> blockInput = x;
        const TensorShape blockShape = shape;
        for (const Layer& layer : block.layers) {
            x = applyLayer(layer, weights[next++], shape, batch, x);
            shape = *layerOutput(layer, shape);
        }
        if (block.concatenates()) {
            std::vector<std::vector<float>> parts{x};
            std::vector<TensorShape> partShapes{shape};
            for (const std::vector<Layer>& branch : block.branches) {
                std::vector<float> side = blockInput;
                TensorShape sideShape = blockShape;
                for (const Layer& layer : branch) {
                    side = applyLayer(layer, weights[next++], sideShape, batch, side);
                    sideShape = *layerOutput(layer, sideShape);
                }
                parts.push_back(std::move(side));
                partShapes.push_back(sideShape);
            }
            x = concatenateChannels(parts, partShapes, batch);
            shape.c = 0;
            for (const TensorShape& part : partShapes)
                shape.c += part.c;
            for (const Layer& layer : block.afterAdd) {
                x = applyLayer(layer, weights[next++], shape, batch, x);
                shape = *layerOutput(layer, shape);
            }
            continue;
        }
        if (!block.residual)
            continue;
        std::vector<float> side = blockInput;
        TensorShape sideShape = blockShape;
        for (const Layer& layer : block.shortcut) {
            side = applyLayer(layer, weights[next++], sideShape, batch, side);
            sideShape = *layerOutput(layer, sideShape);
        }
        for (size_t i = 0; i < x.size(); ++i)
            x[i] += side[i];
        for (const Layer& layer : block.afterAdd) {
            x = applyLayer(layer, weights[next++], shape, batch, x);
            shape = *layerOutput(layer, shape);
        }
    }
    return x;
}

} // namespace coinfer
