#pragma once
// Rounds built greedily along an order of the users, for fixed partitions: the schedules that
// best and its neighbourhood search try before searching batch sequences.

#include "core/model/costmodel.h"
#include "core/model/plan.h"

#include <vector>

namespace coinfer {

/// Rounds of the offloading users taken in @p order (users with p = N are skipped): a user joins
/// the current round while no sub-task of it holds more than B_max members and every member can
/// still finish by its deadline (the round starting once the GPU is free and every member's data
/// has arrived, its batches back to back); otherwise it opens the next round. Returns the round
/// index per user (-1 for local users and users with partition -1), for roundSchedule. O(M*N).
std::vector<int> chunkRounds(const CostModel& model, const std::vector<int>& partitions, const std::vector<int>& order);

/// The cut of @p order (offloading users only) into consecutive rounds, run back to back and
/// timed as chunkRounds times them, that ends the last round earliest with every round holding;
/// empty when no cut holds. Dynamic programming over cut points: O(K*S*N) for K offloading users
/// and rounds of at most S members (S <= B_max, since every offloading user needs sub-task N).
std::vector<int> segmentRounds(const CostModel& model, const std::vector<int>& partitions, const std::vector<int>& order);

/// chunkRounds along three orders (by arrival of the data; by deadline, ties by arrival; by
/// latest start, the deadline less the least GPU time left) and the rounds built from each.
/// A partition of -1 (a user not assigned yet) counts as local. O(M log M + M*N) each. Up to
/// 256 users, also segmentRounds of the last two orders where its cut differs from the greedy
/// one (O(M*B_max*N) each).
std::vector<Schedule> chunkedRoundSchedules(const CostModel& model, const std::vector<int>& partitions);

/// chunkedRoundSchedules into the first schedules of @p into (grown as needed; those after the
/// ones written are left as they were), reusing their vectors' capacity. Returns how many were
/// written. Same cost.
size_t chunkedRoundSchedules(const CostModel& model, const std::vector<int>& partitions, std::vector<Schedule>& into);

} // namespace coinfer
