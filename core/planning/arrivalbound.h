#pragma once
// The arrival count bound: how many users of a deadline class can offload at all when every
// batch waits for its members' data (docs/algorithms.md section 8, "The arrival count bound").

#include "core/model/costmodel.h"

#include <vector>

namespace coinfer {

/// Knobs of arrivalCountBoundMj (tests change them; the planners use the defaults).
struct ArrivalBoundOptions {
    int maxSpan = 3;                   ///< neighbouring deadline classes merged into one group at most
    int maxGroupUsers = 1024;          ///< groups with more savers than this are not searched
    long long maxStates = 5'000;       ///< states of one feasibility search at most
    long long maxTotalStates = 20'000; ///< states of all the searches of one call at most
};

/// A proven lower bound that sees arrivals. A user "saves" when some partition p < N that it
/// could meet alone costs less than computing locally (or local computing misses its deadline);
/// its saving is E_m(N) minus the cheapest such p. The savers are split into groups of
/// neighbouring deadline classes; in a group with deadline T (the largest of the group), every
/// saver is relaxed to a user that needs only sub-tasks Q+1..N (Q the largest saving partition of
/// the group), whose data arrive at the earliest time any of its saving partitions allows, with
/// the batch curves made non-decreasing (tau'_n(b) = min over b' >= b of tau_n(b')). Dropping
/// users and sub-tasks from a feasible plan keeps it feasible for the relaxed instance, whose
/// users differ only by arrival, so if any k savers of the group can all offload, the k earliest
/// of the relaxed ones can. An exact search over batch sequences of the relaxed instance finds
/// the largest such k (K); then at most K savers of the group use a saving partition and every
/// plan spends at least the alone bound plus the smallest (savers - K) savings of each group.
/// Groups (and their merging) whose search runs past the budgets add nothing. +inf when some
/// user can meet its deadline nowhere, or a group must offload more users than K; 0 with no
/// users. O(M N^2 + G * maxSpan * (n log n + n B_max N)) to set up, G classes of n savers at
/// most, then O(maxTotalStates * N * B_max) hash-map steps at most for the searches.
double arrivalCountBoundMj(const CostModel& model, const ArrivalBoundOptions& options = {});

/// Whether partition @p partition < N is a saving option of user @p user (arrivalCountBoundMj):
/// one it could meet alone that costs less than E_m(N), or any it could meet alone when local
/// computing misses its deadline. O(N).
bool isSavingOption(const CostModel& model, int user, int partition);

/// One group of arrivalCountBoundMj's best split: in every feasible plan at most @p limit of
/// @p users use a saving option.
struct SaverGroup {
    std::vector<int> users;
    int limit = 0;
};

/// The groups of the split arrivalCountBoundMj charges, those with a limit below their size
/// (the others constrain nothing); a group whose forced savers (local computing late) outnumber
/// its limit proves that no plan exists. The same cost as arrivalCountBoundMj.
std::vector<SaverGroup> arrivalCountGroups(const CostModel& model, const ArrivalBoundOptions& options = {});

} // namespace coinfer
