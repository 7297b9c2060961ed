#pragma once
// Proven lower bounds on the least energy of any feasible plan (docs/algorithms.md section 8).

#include "core/model/costmodel.h"

#include <functional>

namespace coinfer {

/// Asked between the steps of a long bound: true ends it early with the best value found so
/// far, which every bound here keeps valid (each is a maximum of valid bounds). Empty: never.
using StopAsked = std::function<bool()>;

/// A GPU-capacity bound. In any feasible plan, the users with deadlines up to t have all their GPU
/// work done in [edge free, t], and a member of a batch of sub-task n occupies the GPU for at
/// least share_n = min_b tau_n(b) / b. Relaxing that constraint with a Lagrange multiplier
/// lambda >= 0 gives, for each t and lambda, the valid bound
///   sum_{T_m <= t} min_p [E_m(p) + lambda W_m(p)] + sum_{T_m > t} min_p E_m(p) - lambda (t - edge free),
/// where W_m(p) = sum_{n > p} share_n and p ranges over the options user m could meet alone.
/// Returns the largest over up to 16 deadlines t and a golden-section search over lambda (the
/// function is concave in lambda); at lambda = 0 it is the alone bound, so it is never weaker.
/// +inf when even the lightest options overload the GPU (no feasible plan exists).
/// O(16 * 48 * M * N) after O(M * N^2) for the options. @p stopped is asked before each of the
/// 16 deadlines.
double prefixCapacityBoundMj(const CostModel& model, const StopAsked& stopped = {});

/// The strongest proven lower bound of this file: the larger of prefixCapacityBoundMj and
/// windowLowerBoundMj (windowbound.h, which keeps the limits of arrivalCountBoundMj, so it is never
/// below that bound), the costs of both. +inf when no feasible plan exists by
/// either argument (the window bound is skipped then). With @p stopped (asked between steps of
/// both), a stop gives the best proven value so far, never below the alone bound: at 10^6 users
/// the two take seconds, which a time limit or Ctrl-C must not wait for.
double capacityLowerBoundMj(const CostModel& model, const StopAsked& stopped = {});

} // namespace coinfer
