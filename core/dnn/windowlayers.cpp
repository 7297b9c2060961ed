#include "core/dnn/windowlayers.h"

#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace coinfer {

Layer windowAttentionLayer(int heads, int window, int shift)
{
    Layer layer = plainLayer(LayerKind::WindowAttention);
    layer.groups = heads;
    layer.kernel = window;
    layer.shift = shift;
    return layer;
}

Layer patchMergeLayer()
{
    return plainLayer(LayerKind::PatchMerge);
}

namespace windowlayers {

namespace {

/// torchvision's region of a position along an axis of @p size in the rolled image: the windows
/// that wrap around hold positions from up to three regions, [0, size - window),
/// [size - window, size - shift) and [size - shift, size). O(1).
int regionOf(int position, int size, int window, int shift)
{
    return position < size - window ? 0 : position < size - shift ? 1 : 2;
}

/// The qkv projection of one window's tokens (rows @p source of the sample @p x, C features each)
/// into @p qkv (tokens x 3C), in double. O(tokens C^2).
void projectWindow(const LayerWeights& w, const float* x, const std::vector<size_t>& source, size_t features,
                   std::vector<double>& qkv)
{
    for (size_t t = 0; t < source.size(); ++t)
        for (size_t o = 0; o < 3 * features; ++o) {
            double sum = w.bias[o];
            const float* row = w.weights.data() + o * features;
            const float* in = x + source[t] * features;
            for (size_t i = 0; i < features; ++i)
                sum += static_cast<double>(row[i]) * in[i];
            qkv[t * 3 * features + o] = sum;
        }
}

/// Attention of one window's tokens: per head softmax(q k^T / sqrt(d) + bias [+ mask]) v into
/// @p context (tokens x C); @p positionBias [heads][N][N] or null for none, the mask (when
/// @p masked) -100 between tokens of different @p regions. O(N^2 C).
void attendWindow(size_t heads, bool masked, const float* positionBias, const std::vector<double>& qkv,
                  const std::vector<int>& regions, size_t features, std::vector<double>& context)
{
    const size_t tokens = regions.size(), width = features / heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(width));
    std::vector<double> scores(tokens);
    for (size_t h = 0; h < heads; ++h)
        for (size_t t = 0; t < tokens; ++t) {
            double largest = -INFINITY, total = 0;
            for (size_t s = 0; s < tokens; ++s) {
                double dot = 0;
                for (size_t d = 0; d < width; ++d)
                    dot += qkv[t * 3 * features + h * width + d] * qkv[s * 3 * features + features + h * width + d];
                scores[s] = dot * scale;
                if (positionBias)
                    scores[s] += positionBias[(h * tokens + t) * tokens + s];
                if (masked && regions[t] != regions[s])
                    scores[s] -= 100.0; // torchvision's masked_fill value, not minus infinity
                largest = std::max(largest, scores[s]);
            }
            for (size_t s = 0; s < tokens; ++s)
                total += (scores[s] = std::exp(scores[s] - largest));
            for (size_t d = 0; d < width; ++d) {
                double sum = 0;
                for (size_t s = 0; s < tokens; ++s)
                    sum += scores[s] / total * qkv[s * 3 * features + 2 * features + h * width + d];
                context[t * features + h * width + d] = sum;
            }
        }
}

} // namespace

Expected<TensorShape> windowLayerOutput(const Layer& layer, const TensorShape& in)
{
    auto bad = [](std::string message) { return Unexpected(Error{ErrorCode::BadInput, std::move(message)}); };
    if (layer.kind == LayerKind::PatchMerge) {
        if (in.c % 2 != 0 || in.h % 2 != 0 || in.w > kMaxTensorElements / 4)
            return bad("merges 2x2 patches of height x width x features, which needs an even height and width, not " +
                       std::to_string(in.c) + "x" + std::to_string(in.h) + "x" + std::to_string(in.w));
        return TensorShape{in.c / 2, in.h / 2, 4 * in.w};
    }
    if (layer.kernel < 1 || layer.groups < 1 || in.c % layer.kernel != 0 || in.h % layer.kernel != 0 ||
        in.w % layer.groups != 0 || layer.shift < 0 || layer.shift >= layer.kernel || layer.kernel > 1000)
        return bad("needs height x width x features with windows (" + std::to_string(layer.kernel) +
                   ") that tile the height and width, features divisible by the heads (" + std::to_string(layer.groups) +
                   ") and 0 <= shift (" + std::to_string(layer.shift) + ") < window, not " + std::to_string(in.c) + "x" +
                   std::to_string(in.h) + "x" + std::to_string(in.w));
    return in;
}

WindowCost windowLayerCost(const Layer& layer, const TensorShape& in)
{
    WindowCost cost;
    if (layer.kind != LayerKind::WindowAttention)
        return cost;
    const double tokens = static_cast<double>(in.c) * in.h, features = in.w, heads = layer.groups;
    const double positions = static_cast<double>(layer.kernel) * layer.kernel;
    cost.macs = 4 * tokens * features * features + 2 * tokens * positions * features;
    cost.flops = 2 * cost.macs + 5 * tokens * features + (layer.shift > 0 ? 7 : 6) * heads * tokens * positions;
    const long long table = (2LL * layer.kernel - 1) * (2LL * layer.kernel - 1);
    cost.parameters = 4LL * in.w * in.w + 4LL * in.w + layer.groups * table;
    return cost;
}

void attend(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
            std::vector<float>& y)
{
    const auto tokens = static_cast<size_t>(in.c), features = static_cast<size_t>(in.h);
    std::vector<double> qkv(tokens * 3 * features), context(tokens * features);
    std::vector<size_t> rows(tokens);
    for (size_t t = 0; t < tokens; ++t)
        rows[t] = t;
    // Attention over the whole sequence: one window, one region, no position bias.
    const std::vector<int> regions(tokens, 0);
    for (size_t n = 0; n < static_cast<size_t>(batch); ++n) {
        const float* sample = x.data() + n * tokens * features;
        projectWindow(w, sample, rows, features, qkv);
        attendWindow(static_cast<size_t>(layer.groups), false, nullptr, qkv, regions, features, context);
        const float* out = w.weights.data() + 3 * features * features;
        for (size_t t = 0; t < tokens; ++t)
            for (size_t o = 0; o < features; ++o) {
                double sum = w.bias[3 * features + o];
                for (size_t i = 0; i < features; ++i)
                    sum += static_cast<double>(out[o * features + i]) * context[t * features + i];
                y[(n * tokens + t) * features + o] = static_cast<float>(sum);
            }
    }
}

void attendInWindows(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
                     std::vector<float>& y)
{
    const int height = in.c, width = in.h, window = layer.kernel, shift = layer.shift;
    const auto features = static_cast<size_t>(in.w), tokens = static_cast<size_t>(window) * window;
    std::vector<double> qkv(tokens * 3 * features), context(tokens * features);
    std::vector<size_t> source(tokens);
    std::vector<int> regions(tokens);
    const float* out = w.weights.data() + 3 * features * features;
    for (size_t n = 0; n < static_cast<size_t>(batch); ++n) {
        const float* sample = x.data() + n * static_cast<size_t>(in.elements());
        float* result = y.data() + n * static_cast<size_t>(in.elements());
        for (int wy = 0; wy < height; wy += window)
            for (int wx = 0; wx < width; wx += window) {
                // Position (py, px) of the rolled image holds the input's ((py + s) mod H, (px + s) mod W);
                // rolling back puts each output at that same input position.
                for (int i = 0; i < window; ++i)
                    for (int j = 0; j < window; ++j) {
                        const int py = wy + i, px = wx + j;
                        const size_t t = static_cast<size_t>(i * window + j);
                        source[t] = static_cast<size_t>(((py + shift) % height) * width + (px + shift) % width);
                        regions[t] = 3 * regionOf(py, height, window, shift) + regionOf(px, width, window, shift);
                    }
                projectWindow(w, sample, source, features, qkv);
                attendWindow(static_cast<size_t>(layer.groups), shift > 0, w.positionBias.data(), qkv, regions, features,
                             context);
                for (size_t t = 0; t < tokens; ++t)
                    for (size_t o = 0; o < features; ++o) {
                        double sum = w.bias[3 * features + o];
                        for (size_t i = 0; i < features; ++i)
                            sum += static_cast<double>(out[o * features + i]) * context[t * features + i];
                        result[source[t] * features + o] = static_cast<float>(sum);
                    }
            }
    }
}

void mergePatches(const TensorShape& in, int batch, const std::vector<float>& x, std::vector<float>& y)
{
    const auto height = static_cast<size_t>(in.c), width = static_cast<size_t>(in.h), features = static_cast<size_t>(in.w);
    const size_t sample = height * width * features;
    // torchvision's order: x[0::2, 0::2], x[1::2, 0::2], x[0::2, 1::2], x[1::2, 1::2].
    const size_t rowOffset[4] = {0, 1, 0, 1}, columnOffset[4] = {0, 0, 1, 1};
    size_t at = 0;
    for (size_t n = 0; n < static_cast<size_t>(batch); ++n)
        for (size_t i = 0; i < height / 2; ++i)
            for (size_t j = 0; j < width / 2; ++j)
                for (size_t part = 0; part < 4; ++part) {
                    const float* from =
                        x.data() + n * sample + ((2 * i + rowOffset[part]) * width + 2 * j + columnOffset[part]) * features;
                    std::copy(from, from + features, y.begin() + static_cast<std::ptrdiff_t>(at));
                    at += features;
                }
}

} // namespace windowlayers

} // namespace coinfer
