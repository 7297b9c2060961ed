#pragma once
// Every planner on one scenario, side by side: the rows of `coinfer compare` and of the Python
// module's compare(), with the strongest bound of all rows and the recommended plan.

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace coinfer {

/// Exact's default wall-clock limit in a comparison: short, since it runs beside six others.
inline constexpr double kExactCompareTimeLimitMs = 2000;

/// One planner's row of a comparison.
struct ComparisonRow {
    Algorithm algorithm = Algorithm::Local;
    std::optional<Plan> plan; ///< none when the planner refused the scenario or was stopped first
    double elapsedMs = 0;     ///< wall-clock time of makePlan (not deterministic)
    /// Without a plan: "too big" when the planner refused the scenario as too large, else how
    /// it was stopped before its first plan (searchEndName: "time limit reached", "cancelled").
    std::string withoutPlan;
};

/// Runs every planner of allAlgorithms() on @p scenario, in that order. Best, exact, OG and
/// IP-SSA each stop at @p timeLimitMs when given (else best at kBestSafetyTimeLimitMs, a safety
/// stop behind its work budget, exact at kExactCompareTimeLimitMs, and OG and IP-SSA when they
/// end by themselves), keeping their plan so far, and all searching planners at @p cancel when
/// it becomes true. A planner that refuses the scenario as too large (ErrorCode::TooLarge), or
/// that was stopped before its first plan, gives a row without a plan; any other error ends the comparison with it (ErrorCode::Infeasible when
/// a user cannot meet its deadline even alone). Time: the sum of the planners' times.
Expected<std::vector<ComparisonRow>> compareEveryPlanner(const Scenario& scenario, const CostModel& model,
                                                         std::optional<double> timeLimitMs = std::nullopt,
                                                         const std::atomic<bool>* cancel = nullptr);

/// The largest finite lower bound of the rows' plans, NaN when none has one: every bound is
/// proven for the same scenario, so the largest holds for all plans. O(rows).
double strongestBoundMj(const std::vector<ComparisonRow>& rows);

/// gapPercent() of @p plan measured to @p strongestMj instead of its own bound. O(1).
double gapToBoundPercent(const Plan& plan, double strongestMj);

/// The recommended row: best, unless a feasible plan beside it costs less (by more than a
/// relative 1e-9); among the others the cheapest feasible one. nullptr when no plan is feasible.
/// O(rows).
const ComparisonRow* recommendedRow(const std::vector<ComparisonRow>& rows);

} // namespace coinfer
