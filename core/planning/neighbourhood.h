#pragma once
// Large-neighbourhood search for best: a window of users re-chosen by the exact branch and bound
// while everyone else keeps their partition (docs/algorithms.md section 8).

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/planning/search.h"

#include <optional>
#include <vector>

namespace coinfer {

/// The limits of one window's search.
struct WindowLimits {
    long long stopAtUnits = 0;   ///< give up once the meter has counted this many units in all
    long long scheduleNodes = 0; ///< nodes per schedule search (0: none)
};

/// What one window's search gave.
struct WindowOutcome {
    std::optional<Schedule> improved; ///< a strictly cheaper schedule, when one was found
    std::optional<SearchEnd> stop;    ///< set when the caller's meter says stop (budget, clock, cancel)
};

/// Re-chooses the partitions of the users in @p window by the exact branch and bound (schedule
/// search included) with every other user at its partition in @p incumbent; only plans cheaper
/// than @p incumbentMj are sought. Exponential in the window's size: O((N+1)^k) partition
/// vectors for k users, each with a schedule search of at most limits.scheduleNodes nodes.
WindowOutcome searchWindow(const CostModel& model, WorkMeter& meter, const Schedule& incumbent, double incumbentMj,
                           const std::vector<int>& window, const WindowLimits& limits);

/// What the large-neighbourhood search ended with.
struct NeighbourhoodOutcome {
    std::optional<Schedule> improved; ///< the cheapest schedule found, when cheaper than the start
    double energyMj = 0;              ///< its energy (the start's when nothing improved)
    std::optional<SearchEnd> stop;    ///< set when the meter stopped it
};

/// Windows of users re-solved by searchWindow until @p workUntil units are counted or a pass over
/// every window finds nothing, then with larger windows (6 and 12 users; with the deeper schedule
/// searches below, 6, 12 and up to @p maxWindow):
/// windows of users neighbouring in deadline order (ties in index order and, every other pass,
/// by the arrival of their data), of the users whose partitions cost the most above their
/// cheapest option, and seeded random ones. The schedule searches inside windows are cut short at
/// a few nodes first; when windows of every size find nothing, the passes start over with deeper
/// ones. After every pass reassignSlots is tried on the incumbent, repeatedly; its plan is kept
/// beside the incumbent (and returned when cheaper), and the windows go on from it only once they
/// find nothing more at every size and depth. A window already searched since the incumbent last
/// changed is skipped. Deterministic. O(W) for the work W it is given (plus O(log S) per window
/// for the S windows remembered, and O(M^3) per reassignment up to kMaxSlotUsers users).
NeighbourhoodOutcome improveByWindows(const CostModel& model, WorkMeter& meter, const Schedule& start, double startMj,
                                      long long workUntil, int maxWindow = 18);

/// The slot reassignment move: keeps the incumbent's batches and their order, and gives their
/// places to the users anew. A place ("slot") is a user's partition p and its batches in
/// @p incumbent; user u may take it when its data at p arrive by the first of those batches'
/// start and the last one ends by u's deadline (a local place: when u's local time meets it).
/// Then every batch starts no later than before and no deadline is missed. With edge times that
/// never fall as a batch grows, a user may also leave its place empty and compute locally. The
/// least-energy assignment is a linear assignment problem, solved exactly by the Hungarian
/// method. A first assignment also lets a place start later by up to the least slack of its
/// first batch and every later one (such delays can add up), then one without delays is made;
/// each is re-timed and returned only when it is cheaper than @p incumbentMj and meets every
/// deadline. Pairs of users exchanging partitions (same deadline, different
/// arrivals) are found at once however far apart they are, which windows of a few users rarely
/// hold together. O(M^3) for M users (skipped above kMaxSlotUsers), charged to @p meter.
std::optional<Schedule> reassignSlots(const CostModel& model, WorkMeter& meter, const Schedule& incumbent, double incumbentMj);

/// Above this many users reassignSlots does nothing (its O(M^3) would dominate).
inline constexpr int kMaxSlotUsers = 128;

} // namespace coinfer
