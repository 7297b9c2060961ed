#pragma once
// The offline planners of SPEC section 2 and the one entry point that runs a planner and times
// its schedule with the simulator.

#include "core/costmodel.h"
#include "core/expected.h"
#include "core/plan.h"
#include "core/scenario.h"
#include "core/simulator.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

enum class Algorithm { Local, FullOffload, NoBatching, IpSsa, Og, Exact };

/// The command-line name of an algorithm ("ip-ssa", ...).
std::string algorithmName(Algorithm algorithm);
/// Parses a command-line name; nullopt for an unknown one.
std::optional<Algorithm> algorithmFromName(std::string_view name);
/// Every algorithm, in the order the docs list them.
std::vector<Algorithm> allAlgorithms();

/// Local computing: p = N for every user. O(M).
Schedule planLocal(const CostModel& model);

/// Full offloading with same-sub-task aggregation: p = 0 for every user, one round. O(M*N).
Schedule planFullOffload(const CostModel& model);

/// Independent partitioning without batching: each user's cheapest partition that meets its
/// deadline when served alone, then the GPU runs every sub-task copy on its own (b = 1),
/// earliest deadline first among the ready ones. O(M*N + J*M) for J = number of copies.
Schedule planNoBatching(const CostModel& model);

/// IP-SSA for given round bounds R_p (p = 0..N): one round ending at the earliest deadline;
/// each user takes its cheapest p with A_m(p) + R_p <= T_min, or p = N if L_m(N) <= T_m.
/// O(M*N + M log M): the batches are built after sorting the users by arrival.
Schedule planIpSsaForBounds(const CostModel& model, const std::vector<double>& remainingMs);

/// IP-SSA with batch-size bounds tightened by fixed-point iteration (roundbounds.h).
/// Exact when tau is constant in b, B_max >= M and deadlines are equal. O(I*(M*N + M log M))
/// for I <= 5 bound iterations (one when tau is constant and B_max >= M).
Schedule planIpSsa(const CostModel& model);

/// Optimal grouping for given round bounds R_p: the least-energy grouping, reservations and
/// partitions over the class of SPEC section 2 (users sorted by deadline, contiguous groups, one
/// SSA round per group, rounds back to back in deadline order). See docs/algorithms.md for the
/// recursion. O(C * (M*N + log C)) for C candidate bounds (the users' thresholds and deadlines,
/// and each step of the recursion's step functions shifted by the N round lengths); C has no
/// polynomial bound, so the running time is measured in docs/performance.md.
Schedule planOgForBounds(const CostModel& model, const std::vector<double>& remainingMs);

/// OG with batch-size bounds tightened by fixed-point iteration (roundbounds.h): up to 5 runs of
/// planOgForBounds, one when tau is constant and B_max >= M.
Schedule planOg(const CostModel& model);

/// Limits of the exact search, which is exponential.
struct ExactLimits {
    int maxUsers = 8;
    int maxSubtasks = 8;
    long long maxNodes = 200'000'000; ///< schedule-search nodes before giving up
};

/// Exact: the global optimum over every partition vector and every batch schedule (any batch
/// compositions and order), by branch and bound. Refuses (ErrorCode::TooLarge) instances above
/// @p limits and searches that exceed limits.maxNodes; returns ErrorCode::Infeasible when no
/// schedule meets every deadline. Exponential: O((N+1)^M) partition vectors times a schedule
/// search over batch sequences.
Expected<Schedule> planExact(const CostModel& model, const ExactLimits& limits = {});

/// Runs @p algorithm and times its schedule with the simulator.
/// Fails with ErrorCode::Infeasible, naming the users, when a user cannot meet its deadline even
/// alone; a planner's own infeasible plan is returned with feasible = false and its violations.
Expected<Plan> makePlan(const Scenario& scenario, const CostModel& model, Algorithm algorithm,
                        std::vector<Violation>* violations = nullptr, const ExactLimits& limits = {});

/// Users who cannot meet their deadline even alone with the GPU to themselves (ids).
std::vector<std::string> usersInfeasibleAlone(const Scenario& scenario, const CostModel& model);

} // namespace coinfer
