#pragma once
// A trained DDPG dispatch policy and its file: the actor network converted to and from the
// plain numbers that core/io reads and writes.

#include "core/io/policyio.h"
#include "core/learning/actor.h"
#include "core/model/onlinepolicy.h"
#include "core/util/expected.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace coinfer {

/// A trained dispatch policy: the actor and what it was trained for.
struct DdpgPolicy {
    Actor actor;
    OnlinePlanner planner = OnlinePlanner::Og;
    std::string scenarioName;
    int episodes = 0;
    std::uint64_t seed = 0;
    double evaluationEnergyPerTaskMj = 0;
    int evaluationMisses = 0;
};

/// The policy as the file stores it. O(parameters).
PolicyFile toPolicyFile(const DdpgPolicy& policy);
/// The policy a checked file describes. O(parameters).
DdpgPolicy fromPolicyFile(const PolicyFile& file);

/// Policy files ("format": "coinfer-policy", "version": 1).
std::string policyToJson(const DdpgPolicy& policy);
Expected<DdpgPolicy> parsePolicy(std::string_view text, const std::string& sourceName);
Expected<DdpgPolicy> readPolicy(const std::string& path);

} // namespace coinfer
