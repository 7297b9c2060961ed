#pragma once
// What the plan page's charts show past a few dozen users, computed without painting: per-user
// energy, the users ranked by what they save, energy by deadline class and by device class, and
// the GPU's busy fraction over time. Plain functions of a scenario and its plan, so tests check
// them against the plan's totals and the page stays fast at 10,000 users.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <string>
#include <vector>

namespace coinfer {

/// One user's energy in a plan, against computing everything locally.
struct UserEnergy {
    double computingMj = 0; ///< the sub-tasks the phone computes under the plan
    double uploadingMj = 0; ///< sending its intermediate data (the plan's energy minus computing)
    double localMj = 0;     ///< computing every sub-task on the phone
    /// Energy saved against computing locally (negative when the plan spends more).
    double savingMj() const { return localMj - computingMj - uploadingMj; }
};

/// Per user, in the scenario's order. O(M x N).
std::vector<UserEnergy> userEnergies(const Scenario& scenario, const Plan& plan);

/// The users ranked by saving, least first.
struct SavingRanking {
    std::vector<int> userAtRank;  ///< user index at each rank
    std::vector<int> rankOfUser;  ///< rank of each user
    std::vector<double> savingMj; ///< saving at each rank, ascending
};

/// Ranks @p energies by saving (ties by user index, so the order is stable). O(M log M).
SavingRanking rankBySaving(const std::vector<UserEnergy>& energies);

/// The users of one class and what they spend together.
struct EnergyClass {
    std::string label; ///< "100 ms", "100-150 ms", a device class or "unnamed"
    int users = 0;
    double computingMj = 0; ///< sums over the class' users
    double uploadingMj = 0;
    double localMj = 0;
};

/// Users grouped by deadline: one class per deadline value when there are at most
/// @p maxClasses values, else @p maxClasses bands of equal width (empty bands left out), in
/// increasing deadline. @p classOfUser gets each user's class index. O(M log M).
std::vector<EnergyClass> energyByDeadline(const Scenario& scenario, const std::vector<UserEnergy>& energies,
                                          std::vector<int>& classOfUser, int maxClasses = 8);

/// Users grouped by User::deviceClass ("unnamed" when empty), by name; past @p maxClasses
/// classes, the smallest are merged into "other". @p classOfUser gets each user's class index.
/// O(M log M).
std::vector<EnergyClass> energyByDeviceClass(const Scenario& scenario, const std::vector<UserEnergy>& energies,
                                             std::vector<int>& classOfUser, int maxClasses = 10);

/// The GPU's busy fraction over time.
struct GpuUtilisation {
    double binMs = 0;                 ///< width of each bin
    std::vector<double> busyFraction; ///< 0..1 per bin, bin i covering [i, i + 1) x binMs
    std::vector<double> batchStartMs; ///< per batch, in GPU order
    std::vector<int> batchSize;       ///< users per batch
};

/// The busy fraction of the GPU in @p binCount bins from 0 to the last batch's end.
/// O(B + bins), batches in GPU order (they never overlap).
GpuUtilisation gpuUtilisation(const Plan& plan, int binCount = 60);

} // namespace coinfer
