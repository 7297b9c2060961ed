#pragma once
// What an online dispatch policy sees each slot and which planner its dispatches run: shared by
// the online simulator (core/online), the policy files (core/io) and the learner
// (core/learning), so that a policy file can be read without the simulator.

#include <string>

namespace coinfer {

/// The offline planner each online dispatch runs on the waiting pool.
enum class OnlinePlanner { Og, IpSsa };

/// "og" or "ip-ssa". O(1).
inline std::string onlinePlannerName(OnlinePlanner planner)
{
    return planner == OnlinePlanner::Og ? "og" : "ip-ssa";
}

/// What a policy sees at the start of a slot, every feature normalised to about [0, 1].
struct OnlineObservation {
    /// The number of features, which is also the input size of a trained actor.
    static constexpr int kFeatures = 11;
    /// pool size / M; smallest remaining slack; a 4-bin histogram of slacks; GPU busy time
    /// left; recent arrival rate against the expected one; the share of forced tasks; the
    /// arrival rate over a short (about 5 slots) and a long (about 100 slots) horizon,
    /// exponentially averaged, against 4 x the expected one.
    double features[kFeatures] = {};
    int poolSize = 0;
    double minSlackShare = 1; ///< smallest remaining slack / the largest relative deadline
    bool forced = false;      ///< some task must go now or miss its deadline
    double nowMs = 0;
};

} // namespace coinfer
