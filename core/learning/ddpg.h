#pragma once
// The DDPG agent (Lillicrap et al. 2016) that decides when to dispatch: actor and critic MLPs,
// target networks with soft updates, a replay buffer and Gaussian exploration noise. Seeded and
// reproducible: the same seed gives the same policy. The agent's networks are in ddpgagent.h,
// inside the layer; this header has no Eigen type.

#include "core/learning/policy.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

struct DdpgConfig {
    std::vector<int> hidden = {32, 32}; ///< units in each hidden layer of the actor and of the critic
    double actorLearningRate = 3e-4;
    double criticLearningRate = 1e-3;
    double gamma = 0.99; ///< discount per slot
    double tau = 0.01;   ///< soft target update rate
    int batchSize = 64;
    int replayCapacity = 50'000;
    int warmupSteps = 500;   ///< random actions and no updates before this many steps
    int updateEvery = 2;     ///< one gradient step per this many environment steps
    double noiseStart = 0.3; ///< exploration noise (std. dev. of the action) at the start
    double noiseEnd = 0.03;  ///< and at the last episode
    std::uint64_t seed = 1;
};

/// Dispatch when the pool is not empty and the smallest remaining slack share is at most the
/// actor's output. O(parameters) per observation.
DispatchPolicy ddpgDispatchPolicy(const Actor& actor);

/// The actor's output at each observation, the threshold ddpgDispatchPolicy() compares with,
/// for recording it beside an episode. O(parameters) per observation.
PolicyThreshold ddpgThreshold(const Actor& actor);

/// One line of training progress.
struct EpisodeReport {
    int episode = 0;
    double reward = 0;
    double energyPerTaskMj = 0;
    int misses = 0;
    double stepsPerSecond = 0;
    double evaluationEnergyPerTaskMj = 0; ///< the deterministic policy on the evaluation traces
    int evaluationMisses = 0;
    bool best = false; ///< the best policy so far (fewest misses, then energy)
};

/// Hidden layer sizes as written ("256,128"): 1 to 4 comma-separated whole numbers from 1 to
/// 4096; nullopt for anything else. O(length).
std::optional<std::vector<int>> parseHiddenLayers(std::string_view text);

/// "32,32" for {32, 32}.
std::string hiddenLayersText(const std::vector<int>& sizes);

struct TrainingOptions {
    OnlinePlanner planner = OnlinePlanner::Og;
    int episodes = 100;
    int evaluationEpisodes = 5; ///< traces seeded online.seed + 1000000 + i
    DdpgConfig ddpg;
    /// Called after each episode; return false to stop (the best policy so far is kept).
    std::function<bool(const EpisodeReport&)> progress;
};

/// Trains on traces seeded online.seed + episode, keeps the policy that does best on the
/// evaluation traces. Needs an "online" block. O(episodes x slots x (update + planning)).
Expected<DdpgPolicy> trainDdpg(const Scenario& scenario, const TrainingOptions& options);

/// Evaluates @p policy over @p episodes traces seeded from @p firstSeed.
OnlineResult evaluatePolicy(const Scenario& scenario, OnlinePlanner planner, const DispatchPolicy& policy,
                            std::uint64_t firstSeed, int episodes);

} // namespace coinfer
