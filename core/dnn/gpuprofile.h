#pragma once
// Measured GPU batch-latency profiles (docs/formats.md#gpu-profile): per sub-task and batch size the median,
// 10th and 90th percentile latency, the fitted affine model, and what it was measured on.

#include <string>
#include <vector>

namespace coinfer {

/// The device and software a profile was measured with.
struct GpuInfo {
    std::string name;
    std::string computeCapability;
    std::string driverVersion;
    std::string cudaRuntimeVersion;
    std::string cudnnVersion;
    std::string cublasVersion;
};

/// tau(b) ~ alphaMs + betaMs * b, by least squares over b = 1..B_max.
struct AffineFit {
    double alphaMs = 0;
    double betaMs = 0;
    double r2 = 0; ///< coefficient of determination (1 for a perfect line)
};

/// Median and spread of repeated timings.
struct LatencySummary {
    double medianMs = 0, p10Ms = 0, p90Ms = 0;
};

/// One sub-task's latency against batch size; index b-1 holds batch size b.
struct SubtaskProfile {
    std::string name;
    std::vector<double> medianMs, p10Ms, p90Ms;
    AffineFit affine;
};

/// A whole profile, as written by `coinfer profile`.
struct GpuProfile {
    std::string dnnName;
    std::string dnnSignature; ///< dnnSignature() of the description measured
    GpuInfo gpu;
    std::string measuredAt; ///< UTC, ISO 8601
    std::string tool;       ///< "coinfer <version>"
    std::string precision = "fp32";
    /// How each timed run was launched: "cuda-graph" (the sub-task captured once and replayed, so
    /// the time is the GPU's) or "eager" (every library call launched from the CPU each run).
    std::string launch = "eager";
    int warmup = 0;
    int repetitions = 0;
    std::vector<SubtaskProfile> subtasks;

    int maxBatch() const { return subtasks.empty() ? 0 : static_cast<int>(subtasks.front().medianMs.size()); }
};

/// Least-squares affine fit of latency against b = 1..size. O(B).
AffineFit fitAffine(const std::vector<double>& latencyMs);

/// Median, 10th and 90th percentiles (linear interpolation between order statistics).
/// O(n log n). Empty input gives zeros.
LatencySummary summarizeLatencies(std::vector<double> samplesMs);

} // namespace coinfer
