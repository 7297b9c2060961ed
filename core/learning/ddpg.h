#pragma once
// The DDPG agent (Lillicrap et al. 2016) that decides when to dispatch: actor and critic MLPs,
// target networks with soft updates, a replay buffer and Gaussian exploration noise. Seeded and
// reproducible: the same seed gives the same policy. The agent's networks are in ddpgagent.h,
// inside the layer; this header has no Eigen type.

#include "core/learning/actor.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
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
    /// Keeps the actor's sigmoid out of saturation: beyond a pre-activation of +-saturationBand
    /// the actor's loss grows by saturationPenalty x (the excess)^2, so its gradient never
    /// vanishes and it can come back when the critic changes its mind.
    double saturationBand = 4.0;
    double saturationPenalty = 0.01;
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
    /// The deterministic policy's mean threshold over the evaluation slots with a waiting pool:
    /// near 1 it dispatches at once, near 0 it waits until tasks are forced.
    double evaluationMeanThreshold = 0;
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

/// Fewest misses first, then least energy: the order training keeps its best policy by and the
/// grid searches pick their rule by. O(1).
bool betterOnlineResult(const OnlineResult& a, const OnlineResult& b);

/// A fixed threshold rule with its result on the traces it was chosen on.
struct FixedThresholdRule {
    double threshold = 0;
    OnlineResult result;
};

/// The best of the thresholds 0, 0.05, ..., 1 (betterOnlineResult) on @p episodes traces seeded
/// from @p firstSeed; the lowest wins a tie. O(21 x episodes x (slots + dispatches x planning)).
FixedThresholdRule bestFixedThreshold(const Scenario& scenario, OnlinePlanner planner, std::uint64_t firstSeed, int episodes);

/// A trained policy against the best fixed threshold, both on the evaluation traces the policy
/// was selected on (online.seed + 1000000 + i).
struct TrainingVerdict {
    OnlinePlanner planner = OnlinePlanner::Og;
    int evaluationEpisodes = 0;
    OnlineResult policy;
    FixedThresholdRule fixedRule;
    /// More misses than the fixed rule, or as many and more energy.
    bool policyLoses() const { return betterOnlineResult(fixedRule.result, policy); }
    /// 100 x (policy - fixed) / fixed energy per task: above 0 when the policy spends more.
    double excessPercent() const;
    /// One sentence, empty unless the policy loses: by how much, on which traces, and the fixed
    /// rule to use instead, with @p howToUse ("coinfer simulate ... --policy threshold:0.30").
    std::string warning(const std::string& howToUse) const;
};

/// Evaluates @p policy and every fixed threshold on @p evaluationEpisodes evaluation traces.
/// Training cannot fail silently: callers show warning() whenever the policy loses.
/// O(22 x evaluationEpisodes x (slots + dispatches x planning)).
TrainingVerdict judgeTraining(const Scenario& scenario, const DdpgPolicy& policy, int evaluationEpisodes = 5);

/// A trained policy with its verdict against the best fixed threshold.
struct JudgedPolicy {
    DdpgPolicy policy;
    TrainingVerdict verdict;
};

/// trainDdpg(), then judgeTraining() on the training's evaluation traces: what the app's
/// training hands over. O(trainDdpg + judgeTraining).
Expected<JudgedPolicy> trainAndJudge(const Scenario& scenario, const TrainingOptions& options);

} // namespace coinfer
