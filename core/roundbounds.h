#pragma once
// GPU time bounds for SSA rounds when latency depends on batch size and B_max is finite.
// Shared by IP-SSA and OG: both plan with an upper bound on each sub-task's batch time, then
// tighten the bound by fixed-point iteration on the real batch sizes (docs/algorithms.md).

#include "core/costmodel.h"
#include "core/plan.h"

#include <functional>
#include <vector>

namespace coinfer {

/// Upper bounds on the time the GPU spends on one sub-task for up to K users.
class RoundBounds {
public:
    /// Tabulates the bounds for K = 0..M. O(N*M).
    explicit RoundBounds(const CostModel& model);

    /// GPU time for sub-task n when exactly @p users need it: full batches of B_max, then the rest.
    double chunkedMs(int subtask, int users) const;
    /// max over K' <= @p users of chunkedMs: a bound that never shrinks as users are added,
    /// even for a measured curve that is not monotone. O(1).
    double boundMs(int subtask, int users) const;
    /// R_p for p = 0..N: the bounded GPU time of sub-tasks p+1..N when sub-task n serves at most
    /// usersPerSubtask[n-1] users. O(N).
    std::vector<double> remainingMs(const std::vector<int>& usersPerSubtask) const;

private:
    const CostModel& m_model;
    std::vector<double> m_boundMs; // [(n-1) * (M+1) + K]
};

/// The batches of one SSA round: for n = k+1..N, every member with p < n, split into batches of at
/// most B_max (members already at the edge first, then by arrival). O(N*G log G) for G members.
std::vector<BatchSpec> roundBatches(const CostModel& model, const std::vector<int>& members,
                                    const std::vector<int>& partitions);

/// Largest number of one round's members that need sub-task n, over all rounds, for n = 1..N.
std::vector<int> largestRoundLoads(const CostModel& model, const Schedule& schedule);

/// Runs @p planForBounds with R_p bounds tightened by fixed-point iteration: first with every
/// user counted in every round (always valid), then with the largest round loads of the accepted
/// plan, halving back towards the accepted limits when a plan overshoots the limits it was made
/// with. A plan is accepted only if its real loads stay within its limits, so each accepted plan
/// is feasible by construction; limits only shrink, so each uses no more energy than the one
/// before. O(maxPlans * cost of one plan).
Schedule planWithBoundIteration(const CostModel& model,
                                const std::function<Schedule(const std::vector<double>& remainingMs)>& planForBounds,
                                int maxPlans = 5);

} // namespace coinfer
