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
/// every window finds nothing, then with windows twice as large (up to @p maxWindow users):
/// windows of users neighbouring in deadline order, and of the users whose partitions cost the
/// most above their cheapest option. The schedule searches inside windows are cut short at a few
/// nodes first; when windows of every size find nothing, the passes start over with deeper ones.
/// A window already searched since the incumbent last changed is skipped. Deterministic. O(W)
/// for the work W it is given (plus O(log S) per window for the S windows remembered).
NeighbourhoodOutcome improveByWindows(const CostModel& model, WorkMeter& meter, const Schedule& start, double startMj,
                                      long long workUntil, int maxWindow = 12);

} // namespace coinfer
