#pragma once
// The online comparison (`coinfer compare-online`, the Python module's compare_online): DDPG
// trained for each online planner against the fixed rules tuned on the training's evaluation
// traces, and local computing, all on the same seeded test traces.

#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace coinfer {

/// One row of the comparison: a policy with its planner (empty for local) and, for the tuned
/// rules, the parameter the grid search chose.
struct OnlineComparisonRow {
    std::string label;     ///< the table's name ("DDPG-og", "threshold:0.30 (og)", "local", ...)
    std::string policy;    ///< ddpg, immediate, periodic-best, threshold-best or local
    std::string planner;   ///< og, ip-ssa, or empty for local
    std::string parameter; ///< period_ms or threshold, or empty
    double value = 0;      ///< the tuned rule's period (ms) or threshold
    OnlineResult result;   ///< on the test traces
};

/// What one comparison trains and tests.
struct OnlineComparisonOptions {
    int episodes = 100;              ///< training episodes per agent
    int testEpisodes = 5;            ///< test traces, seeded online.seed + 2000000 + i
    std::uint64_t seed = 1;          ///< the agents' training seed
    std::vector<int> hidden{32, 32}; ///< the networks' hidden layer sizes
};

/// How a caller takes part: each may be empty.
struct OnlineComparisonHooks {
    /// Trains the agent for a planner (e.g. with progress lines); trainDdpg on @p options when empty.
    std::function<Expected<DdpgPolicy>(const TrainingOptions& options)> train;
    /// Told each agent's verdict against the best fixed threshold on the evaluation traces.
    std::function<void(const TrainingVerdict& verdict)> verdict;
    /// Polled between rows and handed to the training: true ends the comparison with the rows
    /// finished (a stopped training gives no row).
    std::function<bool()> stopped;
};

/// The evaluation traces every agent is kept on and every rule tuned on (online.seed + 1000000 + i).
inline constexpr int kOnlineEvaluationEpisodes = 5;

/// The number of rows a comparison gives when it is not stopped.
inline constexpr size_t kOnlineComparisonRows = 9;

/// The rows, in order: DDPG-og and DDPG-ip-ssa, then for og and ip-ssa the immediate rule, the
/// best period (2 to 40 slots) and the best threshold (0, 0.05, ..., 1) chosen on the evaluation
/// traces, then local computing; each tested on the same test traces. Each row is added only
/// when no stop came before it ends. An error of a training ends the run. Needs an "online"
/// block. O(2 x training + 2 x 27 x evaluation episodes + 9 x test episodes), each episode
/// O(slots + dispatches x planning).
Expected<std::vector<OnlineComparisonRow>> compareOnlinePolicies(const Scenario& scenario, const OnlineComparisonOptions& options,
                                                                 const OnlineComparisonHooks& hooks = {});

} // namespace coinfer
