#pragma once
// Independent references for the optimality tests: plain enumerations with no shared logic
// beyond the cost model.

#include "core/model/costmodel.h"

#include <vector>

namespace coinfer::reference {

/// The least energy over OG's class by enumeration of every contiguous grouping of the
/// deadline-sorted users, every reservation k (or none) per group, and every member's partition.
/// Given a group's round end E and k, members' choices do not constrain each other, so each
/// member's cheapest allowed option is taken. Returns +inf when nothing in the class is feasible.
/// O(sum over groupings of (N+1)^G * M * N).
double ogClassOptimum(const CostModel& model, const std::vector<double>& remainingMs);

/// Number of evaluations ogClassOptimum would make (to keep test instances small).
double ogClassSize(int users, int subtasks);

} // namespace coinfer::reference
