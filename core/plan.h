#pragma once
// Plans: what a planner decides (Schedule) and the timed result the simulator computes (Plan).

#include <string>
#include <vector>

namespace coinfer {

/// One GPU batch before timing: copies of one sub-task for several users.
struct BatchSpec {
    int subtask = 0;          ///< 1..N
    std::vector<int> users;   ///< user indices into Scenario::users
};

/// A planner's decision: partitions, groups and the GPU's batch order. Times come from the simulator.
struct Schedule {
    std::vector<int> partitions;  ///< p_m in 0..N per user
    std::vector<int> groups;      ///< group (round) index per user; 0 when the planner has none
    std::vector<BatchSpec> batches; ///< in the order the GPU runs them
};

/// Per-user outcome of a timed plan (SPEC section 5 plan file).
struct UserOutcome {
    int partition = 0;
    int group = 0;
    double energyMj = 0;
    double uploadStartMs = 0;   ///< equals uploadEndMs when the user computes locally
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
    double totalEnergyMj = 0;
    double localEnergyMj = 0;
    double savingPercent = 0;
    std::vector<UserOutcome> users;   ///< same order as Scenario::users
    std::vector<TimedBatch> batches;  ///< in GPU order
};

} // namespace coinfer
