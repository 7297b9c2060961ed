#pragma once
// GPU profile files ("format": "coinfer-gpu-profile", docs/formats.md#gpu-profile), and the scenario DNN
// built from a description and the profile that measured it.

#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <string>
#include <string_view>

namespace coinfer {

/// The profile as "coinfer-gpu-profile" JSON.
std::string gpuProfileToJson(const GpuProfile& profile);

/// Parses a profile; errors name @p sourceName and the field's path. O(size).
Expected<GpuProfile> parseGpuProfile(std::string_view text, const std::string& sourceName);
Expected<GpuProfile> readGpuProfile(const std::string& path);

/// Whether @p profile measured @p dnn: same sub-task count and names and the same layers
/// (signature). The error says what differs and names @p profileSource.
Expected<void> checkProfileMatches(const GpuProfile& profile, const DnnDescription& dnn, const std::string& profileSource);

/// The scenario DNN of a description measured by @p profile: FLOPs and output sizes from the
/// layers, tau_n(b) from the profile's medians for b = 1..maxBatch (0: all it measured).
/// Fails when the profile does not match (see checkProfileMatches). O(layers + N * B_max).
Expected<Dnn> profiledDnn(const DnnDescription& description, const GpuProfile& profile, const std::string& profileSource,
                          int maxBatch = 0);

} // namespace coinfer
