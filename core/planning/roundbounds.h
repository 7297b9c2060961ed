#pragma once
// GPU time bounds for SSA rounds when latency depends on batch size and B_max is finite.
// Shared by IP-SSA and OG: both plan with an upper bound on each sub-task's batch time, then
// tighten the bound by fixed-point iteration on the real batch sizes (docs/algorithms.md).

#include "core/model/costmodel.h"
#include "core/model/plan.h"

#include <functional>
#include <optional>
#include <vector>

namespace coinfer {

/// Upper bounds on the time the GPU spends on one sub-task for up to K users. Keeps its own
/// copy of the batch curves, so it outlives the model it was made from.
class RoundBounds {
public:
    /// Tabulates the bounds for K = 0..M. O(N*(M + B_max)).
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
    double edgeMs(int subtask, int batch) const;

    int m_userCount = 0, m_subtaskCount = 0, m_maxBatch = 1;
    std::vector<double> m_edgeMs;  // [(n-1) * B_max + b-1]: tau_n(b)
    std::vector<double> m_boundMs; // [(n-1) * (M+1) + K]
};

/// The batches of one SSA round: for n = k+1..N, every member with p < n, split into batches of at
/// most B_max (members already at the edge first, then by arrival). O(N*G log G) for G members.
/// @p ask, when given, is called every 65,536 members or comparisons of the sort (at 10^6 users
/// the round takes 0.2 s); it may throw to stop, and the batches then are not built.
std::vector<BatchSpec> roundBatches(const CostModel& model, const std::vector<int>& members, const std::vector<int>& partitions,
                                    const std::function<void()>& ask = {});

/// One SSA round per group (groups[m], smaller first; users with p = N take no part), built by
/// roundBatches and run back to back. O(M log M + N*M log M).
Schedule roundSchedule(const CostModel& model, const std::vector<int>& partitions, const std::vector<int>& groups);
/// Rebuilds @p schedule's batches from its partitions and groups as roundSchedule does (and marks
/// local users' group -1).
void rebuildRounds(const CostModel& model, Schedule& schedule);

/// Largest number of one round's members that need sub-task n, over all rounds, for n = 1..N.
std::vector<int> largestRoundLoads(const CostModel& model, const Schedule& schedule);

/// Cuts every round of @p schedule down to at most limits[n-1] members needing sub-task n by
/// demoting members to local computing, cheapest extra energy first, and rebuilds the rounds'
/// batches (one round per group, in group order). Only members whose local time meets their
/// deadline are demoted; returns false when that is not enough. O(M log M + M*N).
bool repairToLimits(const CostModel& model, Schedule& schedule, const std::vector<int>& limits);

/// Runs @p planForBounds with R_p bounds for at most K_n users per sub-task and round, and keeps
/// the least-energy plan whose rounds respect the bounds it was made with (cut down to them by
/// repairToLimits where needed), so each kept plan is feasible by construction. First K_n = M
/// (always valid); then one K for all sub-tasks: @p uniformLimit when given, else a doubling
/// grid from B_max / 4 and a golden section around the best grid point (the worst-case bound
/// alone can leave every user local); then the real loads of the kept plan while that lowers the
/// energy. At most @p maxPlans plans, O(maxPlans * cost of one plan); one plan when tau is
/// constant and B_max >= M.
Schedule planWithBoundIteration(const CostModel& model,
                                const std::function<Schedule(const std::vector<double>& remainingMs)>& planForBounds,
                                int maxPlans = 10, std::optional<int> uniformLimit = std::nullopt);

/// The K that the grid and golden section of planWithBoundIteration find best for
/// @p planForBounds within @p maxPlans plans (M when the first bound is exact). OG asks IP-SSA,
/// which plans in microseconds, instead of making ten OG plans of its own.
int searchUniformLoadLimit(const CostModel& model,
                           const std::function<Schedule(const std::vector<double>& remainingMs)>& planForBounds, int maxPlans);

} // namespace coinfer
