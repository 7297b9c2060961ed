#pragma once
// The DDPG agent (Lillicrap et al. 2016) that decides when to dispatch: actor and critic MLPs,
// target networks with soft updates, a replay buffer and Gaussian exploration noise. Seeded and
// reproducible: the same seed gives the same policy.

#include "core/util/expected.h"
#include "core/util/random.h"
#include "core/learning/mlp.h"
#include "core/learning/policy.h"
#include "core/online/online.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

struct DdpgConfig {
    std::vector<int> hidden = {32, 32}; ///< units in each hidden layer of the actor and of the critic
    double actorLearningRate = 3e-4;
    double criticLearningRate = 1e-3;
    double gamma = 0.99;              ///< discount per slot
    double tau = 0.01;                ///< soft target update rate
    int batchSize = 64;
    int replayCapacity = 50'000;
    int warmupSteps = 500;            ///< random actions and no updates before this many steps
    int updateEvery = 2;              ///< one gradient step per this many environment steps
    double noiseStart = 0.3;          ///< exploration noise (std. dev. of the action) at the start
    double noiseEnd = 0.03;           ///< and at the last episode
    std::uint64_t seed = 1;
};

/// Fixed-size ring buffer of transitions, sampled uniformly with a seeded generator.
class ReplayBuffer {
public:
    ReplayBuffer(int capacity, int stateSize);
    void add(const double* state, double action, double reward, const double* next, bool done);
    int size() const { return m_size; }
    /// Fills n sampled transitions into column-major matrices (one column per sample).
    void sample(int n, SeededRandom& random, Eigen::MatrixXd& states, Eigen::MatrixXd& actions, Eigen::MatrixXd& rewards,
                Eigen::MatrixXd& next, Eigen::MatrixXd& done) const;

private:
    int m_capacity, m_stateSize, m_size = 0, m_next = 0;
    Eigen::MatrixXd m_states, m_nextStates;
    Eigen::VectorXd m_actions, m_rewards, m_done;
};

class DdpgAgent {
public:
    DdpgAgent(int stateSize, const DdpgConfig& config);

    /// The actor's action in [0, 1], plus Gaussian noise of std. dev. @p noise, clamped.
    double act(const double* state, double noise);
    /// A uniform action in [0, 1] (exploration before learning starts).
    double randomAction() { return m_random.uniform(); }
    void remember(const double* state, double action, double reward, const double* next, bool done);
    /// One critic and one actor step on a sampled batch, then soft target updates. Returns false
    /// while the buffer holds fewer than a batch. O(batch x parameters).
    bool update();

    const Mlp& actor() const { return m_actor; }
    const Mlp& critic() const { return m_critic; }

private:
    DdpgConfig m_config;
    int m_stateSize;
    Mlp m_actor, m_critic, m_actorTarget, m_criticTarget;
    Adam m_actorOptimizer, m_criticOptimizer;
    ReplayBuffer m_replay;
    SeededRandom m_random;
};

/// Dispatch when the smallest remaining slack share is at most the actor's output.
DispatchPolicy ddpgDispatchPolicy(const Mlp& actor);

/// One line of training progress.
struct EpisodeReport {
    int episode = 0;
    double reward = 0;
    double energyPerTaskMj = 0;
    int misses = 0;
    double stepsPerSecond = 0;
    double evaluationEnergyPerTaskMj = 0; ///< the deterministic policy on the evaluation traces
    int evaluationMisses = 0;
    bool best = false;                    ///< the best policy so far (fewest misses, then energy)
};

/// Hidden layer sizes as written ("256,128"): 1 to 4 comma-separated whole numbers from 1 to
/// 4096; nullopt for anything else. O(length).
std::optional<std::vector<int>> parseHiddenLayers(std::string_view text);

/// "32,32" for {32, 32}.
std::string hiddenLayersText(const std::vector<int>& sizes);

struct TrainingOptions {
    OnlinePlanner planner = OnlinePlanner::Og;
    int episodes = 100;
    int evaluationEpisodes = 5;          ///< traces seeded online.seed + 1000000 + i
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
