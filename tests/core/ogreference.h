#pragma once
// OG as it was before its pruned sweep (a sweep that re-evaluates every row a change ripples to, with no
// pruning): kept only as the reference that the seeded comparison (test_ogfast) and the
// before/after benchmark (bench_planners, BM_OgReference*) check the product's OG against.
// Not linked into the product.

#include "core/model/costmodel.h"
#include "core/planning/planner.h"

#include <optional>
#include <vector>

namespace coinfer::reference {

/// The pre-issue-15 planOgForBoundsWithin, unchanged. O(C * (M*N + log C)) for C candidate
/// bounds; O(M^2 N) memory in practice (every row's step function).
std::optional<Schedule> planOgForBoundsWithinBefore(const CostModel& model, const std::vector<double>& remainingMs,
                                                    long long rowLimit, long long* rowsEvaluated = nullptr);

/// The pre-issue-15 planOgForBounds.
Schedule planOgForBoundsBefore(const CostModel& model, const std::vector<double>& remainingMs);

/// The pre-issue-15 planOg (bound iteration with a row budget). The one addition to the copy:
/// @p droppedForBudget, when given, says whether the budget made it drop a plan of the iteration.
Schedule planOgBefore(const CostModel& model, bool* droppedForBudget = nullptr);

} // namespace coinfer::reference
