#pragma once
// Plans: what a planner decides (Schedule) and the timed result the simulator computes (Plan).

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace coinfer {

/// One GPU batch before timing: copies of one sub-task for several users.
struct BatchSpec {
    int subtask = 0;        ///< 1..N
    std::vector<int> users; ///< user indices into Scenario::users
};

/// A planner's decision: partitions, groups and the GPU's batch order. Times come from the simulator.
struct Schedule {
    std::vector<int> partitions;    ///< p_m in 0..N per user
    std::vector<int> groups;        ///< group (round) index per user; 0 when the planner has none
    std::vector<BatchSpec> batches; ///< in the order the GPU runs them
};

/// Per-user outcome of a timed plan (the plan file, docs/formats.md#plan).
struct UserOutcome {
    int partition = 0;
    int group = 0;
    double energyMj = 0;
    double uploadStartMs = 0; ///< equals uploadEndMs when the user computes locally
    double uploadEndMs = 0;
    double finishMs = 0;
    double deadlineMs = 0;
};

/// A GPU batch with its times.
struct TimedBatch {
    int subtask = 0;
    std::vector<int> users;
    double startMs = 0;
    double endMs = 0;
};

/// A timed plan, as written to and read from plan files.
struct Plan {
    std::string algorithm;
    bool feasible = false;
    bool statesFeasible = true; ///< false for a plan file without "feasible"
    double totalEnergyMj = 0;
    double localEnergyMj = 0;
    double savingPercent = 0;
    std::vector<UserOutcome> users;  ///< same order as Scenario::users
    std::vector<TimedBatch> batches; ///< in GPU order
    /// A proven lower bound on the least energy of any feasible plan of the scenario; NaN when
    /// none is known (a plan file without "lower_bound_mj").
    double lowerBoundMj = NAN;
    /// True when a search proved this plan optimal (its energy equals the bound).
    bool provenOptimal = false;
    /// How the search behind this plan ended ("completed", "time limit reached", ...); empty
    /// for planners that do not search.
    std::string searchEnd;
};

/// 100 x (total - bound) / bound: how far above the optimum the plan can be at most. NaN when
/// the plan is infeasible or has no bound; 0 when the bound is 0 and so is the plan.
inline double gapPercent(const Plan& plan)
{
    if (!plan.feasible || !std::isfinite(plan.lowerBoundMj))
        return NAN;
    if (plan.lowerBoundMj <= 0)
        return plan.totalEnergyMj <= 0 ? 0.0 : INFINITY;
    return std::max(0.0, 100.0 * (plan.totalEnergyMj - plan.lowerBoundMj) / plan.lowerBoundMj);
}

} // namespace coinfer
