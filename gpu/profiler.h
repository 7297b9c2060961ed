#pragma once
// The GPU profiler: runs each sub-task of a DNN on the GPU for b = 1..B_max with random weights
// and inputs, times it with CUDA events, and returns a GpuProfile (docs/formats.md#gpu-profile).
// This header has no CUDA types; a build without CUDA answers every call with NoDevice.

#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/util/expected.h"
#include "core/dnn/gpuprofile.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace coinfer::gpu {

/// Whether this build contains the CUDA implementation.
bool builtWithCuda();

/// The GPU that profiling uses (device 0) and the library versions, or NoDevice with the reason.
Expected<GpuInfo> queryGpu();

/// How to measure.
struct ProfileOptions {
    int maxBatch = 32;
    int warmup = 10;       ///< untimed runs per (sub-task, batch size)
    int repetitions = 50;  ///< timed runs per (sub-task, batch size)
    bool allowTf32 = true; ///< let cuDNN and cuBLAS use TF32 tensor cores for FP32 (PyTorch's default for convolutions)
    /// Capture each sub-task once as a CUDA graph and time its replays: the GPU's time, without
    /// the CPU's launch gaps. False launches every library call from the CPU on each run ("eager",
    /// as PyTorch does), which adds the host's launch overhead and its noise to short sub-tasks.
    bool cudaGraphs = true;
    std::uint64_t seed = 1; ///< weights and inputs
    /// Called after each (sub-task, batch size) with the number done and the total; return
    /// false to cancel (the call then fails with the message "cancelled").
    std::function<bool(int done, int total)> progress;
};

/// Measures every sub-task of @p dnn. Fails with NoDevice without a GPU or CUDA, and with
/// BadInput for a description that does not analyse. O(N * B_max * (warmup + repetitions)) runs.
Expected<GpuProfile> profileDnn(const DnnDescription& dnn, const ProfileOptions& options);

/// Runs sub-task @p subtask (0-based) on @p batch samples with the given weights and input, in
/// strict FP32 (no TF32), and returns the output: the GPU side of the check against
/// runSubtaskOnCpu. With @p cudaGraph the output is that of a replay of the captured graph (the
/// output buffer is poisoned first), so the check covers the path that profiling times.
Expected<std::vector<float>> runSubtaskOnGpu(const DnnDescription& dnn, int subtask, int batch, const std::vector<float>& input,
                                             const std::vector<LayerWeights>& weights, bool cudaGraph = false);

} // namespace coinfer::gpu

namespace coinfer::gpu {

/// One comparison of the GPU against the CPU reference.
struct LayerCheck {
    std::string subtask; ///< what ran, e.g. "depthwise conv 3x3 + batchnorm + relu6"
    int batch = 0;
    bool cudaGraph = false;    ///< replayed from a CUDA graph rather than launched eagerly
    double maxAbsError = 0;    ///< max |gpu - cpu|
    double maxScaledError = 0; ///< max |gpu - cpu| / max(1, |cpu|)
    bool passed = false;       ///< maxScaledError <= tolerance
};

/// A small DNN whose sub-tasks cover every layer kind: convolution with bias, grouped and
/// depthwise convolution, batch norm, ReLU, ReLU6, clip, hardswish and sigmoid, max and
/// average pooling with padding, a residual block with a projection shortcut, a concatenation
/// block with an identity branch, global pooling and a linear layer.
DnnDescription checkDnn();

/// Runs every sub-task of checkDnn() on the GPU (strict FP32) and on the CPU reference with the
/// same seeded weights and inputs, at batch sizes 1 and 3, launched eagerly and as a CUDA graph,
/// and compares. Fails with NoDevice without a GPU. @p tolerance bounds maxScaledError.
Expected<std::vector<LayerCheck>> checkAgainstCpu(double tolerance = 1e-4);

/// The same comparison for every sub-task of @p dnn (a built-in, a description or an imported
/// model) at each of @p batches: the CPU reference runs once per sub-task and batch size, the GPU
/// eagerly and as a CUDA graph. @p progress, when given, is called after each sub-task with the
/// number done and the total. Cost: the CPU reference's O(MACs x batch) per comparison dominates.
Expected<std::vector<LayerCheck>> checkAgainstCpu(const DnnDescription& dnn, const std::vector<int>& batches, double tolerance,
                                                  const std::function<void(int done, int total)>& progress = {});

} // namespace coinfer::gpu
