#pragma once
// The attention layers' shapes, costs and CPU reference (private to core/dnn): PyTorch's
// multi-head attention, torchvision's shifted-window attention and Swin's patch merging, kept
// apart from dnn.cpp and cpureference.cpp, which define every other layer.

#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/util/expected.h"

#include <cmath>
#include <string>
#include <vector>

namespace coinfer::windowlayers {

/// What one window_attention or patch_merge layer costs (dnn.h's SubtaskStats states the conventions).
struct WindowCost {
    double macs = 0, flops = 0;
    long long parameters = 0;
};

/// The output of a window_attention or patch_merge layer on @p in, or the problem as a message
/// (the window must tile the image, the heads divide the features, the shift lie below the
/// window; patch merging needs an even height and width). O(1).
Expected<TensorShape> windowLayerOutput(const Layer& layer, const TensorShape& in);

/// The cost of a window_attention or patch_merge layer on @p in (checked by windowLayerOutput). O(1).
WindowCost windowLayerCost(const Layer& layer, const TensorShape& in);

/// Seeded weights of a window_attention layer in the CPU reference's layout: weights the qkv
/// projection [3C][C] then the out projection [C][C], bias [3C] then [C], positionBias
/// [heads][N][N] for N = window^2 positions. @p fill draws count values scaled by its third argument.
template<class Fill> void windowAttentionWeights(const Layer& layer, const TensorShape& in, LayerWeights& w, Fill fill)
{
    const long long features = in.w, positions = static_cast<long long>(layer.kernel) * layer.kernel;
    fill(w.weights, 4 * features * features, std::sqrt(3.0f / static_cast<float>(features)));
    fill(w.bias, 4 * features, 0.1f);
    fill(w.positionBias, layer.groups * positions * positions, 0.5f);
}

/// PyTorch's multi-head self-attention on each sample of L tokens x E features (weights: the in
/// projection [3E][E] then the out projection [E][E]; biases likewise), in double.
/// O(batch * (L E^2 + L^2 E)).
void attend(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
            std::vector<float>& y);

/// torchvision's shifted_window_attention on each H x W x C sample (weights as
/// windowAttentionWeights), in double: roll by -shift, attention per window with the position
/// bias and, when shifted, torchvision's mask, the out projection, roll back.
/// O(batch * (L C^2 + L N C)) for L = H W tokens and N positions per window.
void attendInWindows(const Layer& layer, const LayerWeights& w, const TensorShape& in, int batch, const std::vector<float>& x,
                     std::vector<float>& y);

/// Swin's patch merging of each H x W x C sample into H/2 x W/2 x 4C. O(batch * elements).
void mergePatches(const TensorShape& in, int batch, const std::vector<float>& x, std::vector<float>& y);

} // namespace coinfer::windowlayers
