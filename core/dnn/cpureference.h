#pragma once
// A small, plain CPU implementation of the layers, to check what the GPU computes.
// Float32, NCHW, direct loops: meant for small shapes in tests, not for speed.

#include "core/dnn/dnn.h"

#include <cstdint>
#include <vector>

namespace coinfer {

/// Random weights of one layer in the layouts both the CPU reference and the GPU use:
/// conv [out][in/groups][k][k] then bias [out]; linear [out][in] then bias [out];
/// batch norm scale, shift, mean, variance [c] each; window attention's relative position bias
/// [heads][N][N] for N positions per window in positionBias.
struct LayerWeights {
    std::vector<float> weights;
    std::vector<float> bias;
    std::vector<float> scale, shift, mean, variance;
    std::vector<float> positionBias;
};

/// Weights for every layer of a sub-task, in the order the layers run (block by block: layers,
/// then the shortcut or the branches in order, then after_add), drawn from a seeded generator, the same on every platform.
/// Values are scaled by 1/sqrt(fan-in) so activations stay in range through deep chains. O(parameters).
std::vector<LayerWeights> makeSubtaskWeights(const DnnDescription& dnn, int subtask, std::uint64_t seed);

/// Seeded random input for @p batch samples of @p shape, uniform in [-1, 1).
std::vector<float> makeRandomInput(const TensorShape& shape, int batch, std::uint64_t seed);

/// Runs sub-task @p subtask (0-based) on @p batch samples with the given weights. The input's
/// shape is the sub-task's input shape. Batch norm uses its running statistics (inference),
/// with the layer's epsilon (1e-5 unless imported otherwise); average pooling counts padding, as PyTorch does by default; clip,
/// hardswish and sigmoid follow the formulas of dnn.h in float.
/// O(batch x MACs).
std::vector<float> runSubtaskOnCpu(const DnnDescription& dnn, int subtask, int batch, const std::vector<float>& input,
                                   const std::vector<LayerWeights>& weights);

/// Input shape of sub-task @p subtask (0-based). O(layers before it).
TensorShape subtaskInputShape(const DnnDescription& dnn, int subtask);

} // namespace coinfer
