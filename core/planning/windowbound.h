#pragma once
// The release-aware window bound and its building block, the least GPU occupancy of a member
// whose chain of batches must fit in a time budget (docs/algorithms.md section 8).

#include "core/model/costmodel.h"
#include "core/planning/arrivalbound.h"

#include <functional>
#include <vector>

namespace coinfer {

/// h_p(D): a lower bound on the GPU time a user offloading after sub-task p is charged, when its
/// batches of sub-tasks p+1..N must run one after another within D ms. A member of a batch of
/// sub-task n that holds b members is charged tau_n(b) / b, the batch's time shared among its
/// members; the batches' times add up to at most D. h_p is convex, non-increasing, piecewise
/// linear, kept as its breakpoints.
struct OccupancyCurve {
    std::vector<double> budgetMs;    ///< breakpoints D, ascending
    std::vector<double> occupancyMs; ///< h_p at each breakpoint, non-increasing

    /// h_p(@p budgetMs), interpolated; a budget below the first breakpoint (no chain fits) gets
    /// the first value, a budget past the last the last value. O(log of the breakpoints).
    double at(double budgetMs) const;
};

/// The curves h_p for p = 0..N (h_N = 0), for batches of at most min(B_max, @p memberCap)
/// members: the infimal convolution over n > p of the lower convex envelopes of the points
/// (tau_n(b), tau_n(b) / b), b = 1..cap (any curve, monotone or not), each made non-increasing.
/// O(N^2 * B_max + N * B_max log B_max) time, O(N^2 * B_max) memory.
std::vector<OccupancyCurve> occupancyCurves(const CostModel& model, int memberCap);

/// Knobs of windowLowerBoundMj (tests and the benchmark change them; the planners use the defaults).
struct WindowBoundOptions {
    int maxStarts = 16;             ///< window starts s: quantiles of the options' arrivals, the earliest first
    int maxEnds = 16;               ///< window ends t: deadlines (quantiles when there are more)
    int iterations = 200;           ///< subgradient steps on the multipliers
    double skipShare = 0.01;        ///< arrival-aware charges skip windows where B_max members arrive this early
    int frontPoints = 48;           ///< points kept per Pareto front of the arrival-aware charges
    int certifyPoints = 128;        ///< time grid of the start-certified charges (0: none)
    int maxRefinements = 4'000'000; ///< (option, window) pairs of extra charges at most
    bool countLimits = true;        ///< keep the arrival count bound's limits in the inner minimum
    int limitIterations = 100;      ///< subgradient steps with the limits, after those without
    ArrivalBoundOptions arrivals;   ///< the options of those limits
    /// Asked between the set-up's phases and before every subgradient step: true ends the bound
    /// with the best iterate so far (-inf before the first), which is still a valid bound.
    std::function<bool()> stopped;
};

/// The window bound of docs/algorithms.md section 8. Every batch that holds user m runs inside
/// [A_m(p_m), T_m], so for every window [s, t] the users with A_m(p_m) >= s and T_m <= t have all
/// their GPU work inside it: the sum of their charges, at least h_{p_m}(T_m - A_m(p_m)) each, is
/// at most t - s. Windows: S starts (quantiles of the options' arrivals, the earliest first) and
/// T ends (quantiles of the deadlines), each window twice: once charged h and the arrival-aware
/// charges (a batch with c of the window's members starts after the c-th of them arrives), once
/// h and the start-certified charges (the same for the class of deadlines up to t, counting
/// batches certified to start after s whatever the member's arrival). Options dominated by a
/// cheaper, lighter one are dropped when tau never falls as b grows. Relaxing every window with
/// multipliers lambda >= 0 gives, for every lambda, the bound sum_m min_p [E_m(p) + the priced
/// charges of option p] - sum_k lambda_k (t_k - s_k); a projected subgradient method maximises
/// it, every iterate is a valid bound and the largest is returned. With countLimits, a second run
/// of limitIterations steps starts from the best multipliers of the first, and its inner
/// minimum keeps the limits of arrivalCountGroups (at most K savers of each group use a saving
/// option; both constraints hold for a feasible plan without dominated options, so the minimum
/// over the options that satisfy the limits is still at most its energy; it is never below the
/// first run's, and at lambda = 0 it is arrivalCountBoundMj); the first run starts at the alone
/// bound. +inf when some user can
/// meet its deadline nowhere or a group's forced savers outnumber its limit; 0 with no users.
/// O(M N^2 + N^2 B_max + M N log(M N)) to set up; O(W (N (frontPoints + certifyPoints) B_max log
/// + options)) for the W windows whose arrivals spread (the others are skipped), the cost of
/// arrivalCountGroups; then O((iterations + limitIterations) * (options + extra charges + S T +
/// n log n)), n the limited savers.
double windowLowerBoundMj(const CostModel& model, const WindowBoundOptions& options = {});

} // namespace coinfer
