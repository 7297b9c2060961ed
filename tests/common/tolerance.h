#pragma once
// The tests' one notion of "equal up to rounding" for doubles: energies and times summed in a
// different order by a planner and by a reference, or formulas evaluated two ways.

#include <algorithm>
#include <cmath>

namespace coinfer::testing {

/// The relative tolerance of nearlyEqual and atMost unless a test asks for another: far above a
/// double's rounding (about 1e-16) summed over thousands of terms, far below any difference a
/// planner's choice makes.
inline constexpr double kRelativeTolerance = 1e-9;

/// Whether @p a and @p b agree to @p relative of the larger of them, or to @p relative
/// absolutely when both are below 1 (so that numbers near 0 are compared absolutely). Symmetric.
/// O(1).
inline bool nearlyEqual(double a, double b, double relative = kRelativeTolerance)
{
    return std::fabs(a - b) <= relative * std::max({1.0, std::fabs(a), std::fabs(b)});
}

/// Whether @p value is at most @p limit, up to @p relative of (1 + |limit|): a bound that
/// rounding puts a hair above the optimum it bounds still counts as below it. O(1).
inline bool atMost(double value, double limit, double relative = kRelativeTolerance)
{
    return value <= limit + relative * (1.0 + std::fabs(limit));
}

} // namespace coinfer::testing
