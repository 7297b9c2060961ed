#pragma once
// Round packing for best at scale: users moved into, out of and between SSA rounds, each move
// judged by timing the rounds from their aggregates instead of re-simulating every user
// (docs/algorithms.md section 8).

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/planning/search.h"

#include <optional>

namespace coinfer {

/// What the round packing ended with.
struct PackingOutcome {
    /// Rounds cheaper than the start, when found: partitions, groups (the round of each member)
    /// and batches (roundBatches per round; a split round's parts in turn). Feasible under the
    /// packing's timing, which is an upper bound on the simulator's: best still re-times it
    /// with the simulator before keeping it.
    std::optional<Schedule> improved;
    double energyMj = 0;           ///< its energy (the start's when nothing improved)
    std::optional<SearchEnd> stop; ///< set when the meter stopped it (budget, time limit, cancel)
};

/// Packs users into rounds run back to back in a fixed order. A round is timed from its
/// aggregates alone (per sub-task: members needing it and the latest arrival of those whose
/// data arrive for it; the earliest deadline): each batch, B_max members at most, starts when
/// the previous one ends and its new members' data have arrived, and the round must end by its
/// earliest deadline. That is the schedule roundSchedule builds, timed no earlier than the
/// simulator times it. Starts from the rounds of @p start when they hold under this timing (else
/// the greedy rounds of its partitions, roundbuilder.h, else every user local where it can be,
/// the others placed first), then repeats passes over the users that have a cheaper option, the
/// most energy saved per GPU-ms first: join the round, or open the new round at the position,
/// that adds the least GPU time; failing that, take the place of a member of a round who costs
/// less to send back to local computing. When a pass saves nothing, members move to the latest
/// later round that holds them and the passes run again; last, rounds may be split (their first
/// sub-tasks run for the early members, then for the late ones) to take more users. Stops there
/// or at @p workUntil units on the meter. Deterministic. Cost per trial: O(R*N) for R rounds (the
/// rounds after the changed one are re-timed only while their start moves); a pass tries
/// O(C*R) insertions and O(C*R*V) swaps for C candidates and V = 5 victims per round; a split
/// trial costs O(G*N^2) for a round of G members.
PackingOutcome packRounds(const CostModel& model, WorkMeter& meter, const Schedule& start, long long workUntil);

} // namespace coinfer
