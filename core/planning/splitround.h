#pragma once
// Split rounds for best's round packing: a round whose first sub-tasks run once for its early
// members and once for its late ones, merged after (docs/algorithms.md section 8).

#include "core/model/costmodel.h"
#include "core/model/plan.h"

#include <limits>
#include <utility>
#include <vector>

namespace coinfer {

/// GPU time of @p members copies of sub-task @p subtask: full batches of B_max, then the rest,
/// as roundBatches splits them. O(1).
double chunkedEdgeMs(const CostModel& model, int subtask, int members);

/// How a round is split: the members whose data arrive by cutMs (A) run sub-tasks up to merge
/// as batches of their own, then the others (B) the same way, then everyone from merge + 1 on.
/// The GPU starts on the early members while it waits for the late ones, at the price of one
/// more batch per sub-task up to merge. merge = 0: an ordinary round.
struct RoundSplit {
    double cutMs = std::numeric_limits<double>::infinity();
    int merge = 0;
};

/// A round's members as (user, partition) pairs.
using RoundMembers = std::vector<std::pair<int, int>>;

/// The earliest end of a round of @p members that starts once the GPU is free at
/// @p previousEndMs, over every split (cut between two arrival times, merge 1..N-1) and none, and
/// the split that gives it; with @p only, the end under that split alone (+inf when its cut is no
/// cut of these members). Each batch starts when the one before ends and its new members' data
/// have arrived: no earlier than the simulator starts the batches of splitRoundBatches.
/// O(G log G + G*N^2) for G members: the loads and latest arrivals of A grow member by member,
/// those of B are suffix maxima.
std::pair<double, RoundSplit> earliestSplitEnd(const CostModel& model, RoundMembers members, double previousEndMs,
                                               const RoundSplit* only = nullptr);

/// The batches of a round of @p members under @p split: roundBatches of A up to the merge, of B
/// up to the merge, then of all after it (roundBatches alone when merge = 0). O(N*G log G).
std::vector<BatchSpec> splitRoundBatches(const CostModel& model, const std::vector<int>& members,
                                         const std::vector<int>& partitions, const RoundSplit& split);

} // namespace coinfer
