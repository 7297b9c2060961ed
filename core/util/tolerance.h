#pragma once
// The one time tolerance of the project, and the one test of whether a user is late.

namespace coinfer {

/// Times are compared with this slack (ms) so that sums computed in different orders agree, and
/// so that stated times rounded in a file still verify. One slack for the planners, the bounds,
/// the simulator, the online simulator and the plan writer: a plan one of them calls feasible is
/// feasible for all of them, so no lower bound can exceed a plan the simulator accepts.
inline constexpr double kTimeEpsMs = 1e-6;

/// Relative part of the slack for checking a stated interval against a recomputed one: a time of
/// 1e11 ms carries rounding of about 1e-5 ms, far above kTimeEpsMs, so an exact check would
/// refuse our own plans there. 1e-12 is about 4500 ulps of a double.
inline constexpr double kRelativeTimeEps = 1e-12;

/// The slack (ms) for comparing times of magnitude up to @p magnitudeMs: kTimeEpsMs plus the
/// rounding of a double that large. O(1).
inline double timeSlackMs(double magnitudeMs)
{
    return kTimeEpsMs + kRelativeTimeEps * (magnitudeMs < 0 ? -magnitudeMs : magnitudeMs);
}

/// Whether a result finished at @p finishMs meets @p deadlineMs (both in ms, same origin). O(1).
inline bool meetsDeadline(double finishMs, double deadlineMs)
{
    return finishMs <= deadlineMs + kTimeEpsMs;
}

} // namespace coinfer
