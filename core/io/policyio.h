#pragma once
// Policy files ("format": "coinfer-policy", "version": 1, docs/formats.md#policy): a trained dispatch
// actor as plain numbers. The learning layer turns them into a network; this layer only reads,
// checks and writes them, so it needs no linear algebra.

#include "core/model/onlinepolicy.h"
#include "core/util/expected.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// One fully connected layer of the actor, as the file stores it.
struct PolicyLayer {
    int inputs = 0;
    int outputs = 0;
    std::string activation = "linear";      ///< "linear", "relu", "tanh" or "sigmoid"
    std::vector<double> weightsColumnMajor; ///< inputs x outputs numbers
    std::vector<double> bias;               ///< outputs numbers
};

/// What the policy was trained for and how it did on its evaluation traces.
struct PolicyTraining {
    std::string scenarioName;
    int bestEpisode = 0;
    std::uint64_t seed = 0;
    double evaluationEnergyPerTaskMj = 0;
    int evaluationMisses = 0;
};

/// A whole policy file. The reader guarantees that the layers chain from
/// OnlineObservation::kFeatures inputs to one output.
struct PolicyFile {
    OnlinePlanner planner = OnlinePlanner::Og;
    std::vector<PolicyLayer> actor;
    PolicyTraining training;
};

/// The policy as "coinfer-policy" JSON. O(parameters).
std::string policyFileToJson(const PolicyFile& policy);

/// Parses a policy; errors name @p sourceName and the field's path. O(size).
Expected<PolicyFile> parsePolicyFile(std::string_view text, const std::string& sourceName);
Expected<PolicyFile> readPolicyFile(const std::string& path);

} // namespace coinfer
