#pragma once
// The one time tolerance of the project, and the one test of whether a user is late.

namespace coinfer {

/// Times are compared with this slack (ms) so that sums computed in different orders agree, and
/// so that stated times rounded in a file still verify. One slack for the planners, the bounds,
/// the simulator, the online simulator and the plan writer: a plan one of them calls feasible is
/// feasible for all of them, so no lower bound can exceed a plan the simulator accepts.
inline constexpr double kTimeEpsMs = 1e-6;

/// Whether a result finished at @p finishMs meets @p deadlineMs (both in ms, same origin). O(1).
inline bool meetsDeadline(double finishMs, double deadlineMs)
{
    return finishMs <= deadlineMs + kTimeEpsMs;
}

} // namespace coinfer
