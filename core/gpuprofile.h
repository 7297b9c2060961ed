#pragma once
// Measured GPU batch-latency profiles (SPEC section 4): per sub-task and batch size the median,
// 10th and 90th percentile latency, the fitted affine model, and what it was measured on.

#include "core/dnn.h"
#include "core/expected.h"
#include "core/scenario.h"

#include <string>
#include <string_view>
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
    std::string dnnSignature;   ///< dnnSignature() of the description measured
    GpuInfo gpu;
    std::string measuredAt;     ///< UTC, ISO 8601
    std::string tool;           ///< "coinfer <version>"
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

/// The profile as "coinfer-gpu-profile" JSON.
std::string gpuProfileToJson(const GpuProfile& profile);

/// Parses a profile; errors name @p sourceName and the field's path. O(size).
Expected<GpuProfile> parseGpuProfile(std::string_view text, const std::string& sourceName);
Expected<GpuProfile> readGpuProfile(const std::string& path);

/// Whether @p profile measured @p dnn: same sub-task count and names and the same layers
/// (signature). The error says what differs and names @p profileSource.
Expected<bool> checkProfileMatches(const GpuProfile& profile, const DnnDescription& dnn, const std::string& profileSource);

/// The scenario DNN of a description measured by @p profile: FLOPs and output sizes from the
/// layers, tau_n(b) from the profile's medians for b = 1..maxBatch (0: all it measured).
/// Fails when the profile does not match (see checkProfileMatches). O(layers + N * B_max).
Expected<Dnn> profiledDnn(const DnnDescription& description, const GpuProfile& profile, const std::string& profileSource,
                          int maxBatch = 0);

} // namespace coinfer
