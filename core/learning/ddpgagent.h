#pragma once
// The DDPG agent's parts that hold Eigen matrices: only this layer and its tests include it.

#include "core/learning/ddpg.h"
#include "core/learning/mlp.h"
#include "core/util/random.h"

#include <Eigen/Core>

namespace coinfer {

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

} // namespace coinfer
