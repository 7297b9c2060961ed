#pragma once
// A trained actor network behind a type without linear algebra: the front ends, the views and
// the policy files use a trained policy without seeing Eigen, which only this layer links.

#include "core/model/onlinepolicy.h"

#include <memory>
#include <vector>

namespace coinfer {

class Mlp; // core/learning/mlp.h, seen only inside this layer and by its tests

/// The actor of a trained DDPG policy: observation features in, one number out, the slack
/// share at or below which the waiting pool is dispatched. Copies share one immutable network.
class Actor {
public:
    /// No network: sizes() is empty and threshold() is 0.
    Actor() = default;
    /// Takes @p network over. O(1) beyond the move. Implicit, so that a trained network can be
    /// assigned where an actor is kept.
    Actor(Mlp network); // NOLINT(google-explicit-constructor)

    /// Units per layer, the input first; empty without a network.
    const std::vector<int>& sizes() const;
    int inputSize() const;
    int outputSize() const;

    /// The actor's first output for @p observation's features: the threshold it compares the
    /// smallest slack share with. O(parameters).
    double threshold(const OnlineObservation& observation) const;

    /// The network, for this layer's training and file conversion. Precondition: has one.
    const Mlp& network() const { return *m_network; }

private:
    std::shared_ptr<const Mlp> m_network;
};

} // namespace coinfer
