#pragma once
// The exact search alone as a reference optimum, for the core tests that check best and the
// lower bounds against it.

#include "core/planning/planner.h"
#include "core/simulation/simulator.h"

#include <QtGlobal>

#include <cmath>
#include <limits>

namespace coinfer::testing {

/// The optimum by the exact search alone within @p workBudget units: +inf when it proves there is
/// no plan, NaN when it does not finish. A schedule the simulator finds late stops the test.
inline double exactOptimum(const Scenario& scenario, const CostModel& model, long long workBudget)
{
    SearchControl control;
    control.workBudget = workBudget;
    const Expected<Schedule> exact = planExact(model, control);
    if (!exact)
        return exact.error().code == ErrorCode::Infeasible ? std::numeric_limits<double>::infinity() : NAN;
    const Plan plan = simulate(scenario, model, *exact, "exact");
    if (!plan.feasible)
        qFatal("%s: the exact search's schedule is not feasible in the simulator", scenario.name.c_str());
    return plan.totalEnergyMj;
}

} // namespace coinfer::testing
