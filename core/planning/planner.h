#pragma once
// The offline planners (docs/algorithms.md) and the one entry point that runs a planner and times
// its schedule with the simulator.

#include "core/model/costmodel.h"
#include "core/util/expected.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/search.h"
#include "core/simulation/simulator.h"

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

enum class Algorithm { Local, FullOffload, NoBatching, IpSsa, Og, Best, Exact };

/// The command-line name of an algorithm ("ip-ssa", ...).
std::string algorithmName(Algorithm algorithm);
/// Parses a command-line name; nullopt for an unknown one.
std::optional<Algorithm> algorithmFromName(std::string_view name);
/// Every algorithm, in the order the docs list them.
std::vector<Algorithm> allAlgorithms();

/// Local computing: p = N for every user. O(M).
Schedule planLocal(const CostModel& model);

/// Full offloading with same-sub-task aggregation: p = 0 for every user, one round. O(M*N).
/// With @p meter, asks it to stop while the round is built (SearchStopped); the plan does not
/// depend on it.
Schedule planFullOffload(const CostModel& model, WorkMeter* meter = nullptr);

/// Independent partitioning without batching: each user's cheapest partition that meets its
/// deadline when served alone, then the GPU runs every sub-task copy on its own (b = 1),
/// earliest deadline first among the ready ones. O(M*N + J log M) for J = number of copies (two
/// heaps: copies not yet ready by readiness, ready ones by deadline). With @p meter, asks it to
/// stop every 4,096 users or GPU steps (SearchStopped); the plan does not depend on it.
Schedule planNoBatching(const CostModel& model, WorkMeter* meter = nullptr);

/// IP-SSA for given round bounds R_p (p = 0..N): one round ending at the earliest deadline;
/// each user takes its cheapest p with A_m(p) + R_p <= T_min, or p = N if L_m(N) <= T_m.
/// O(M*N + M log M): the batches are built after sorting the users by arrival.
Schedule planIpSsaForBounds(const CostModel& model, const std::vector<double>& remainingMs);

/// IP-SSA with batch-size bounds tightened by fixed-point iteration (roundbounds.h).
/// Exact when tau is constant in b, B_max >= M and deadlines are equal. O(I*(M*N + M log M))
/// for I <= 5 bound iterations (one when tau is constant and B_max >= M).
Schedule planIpSsa(const CostModel& model);

/// planIpSsa that stops when @p meter's time limit passes or its cancel flag is set (it spends
/// none of the meter's work units, so an unstopped run is planIpSsa's): its first plan (one
/// O(M*N + M log M) pass) always runs to its end; the later plans of the bound iteration ask
/// every 4,096 users. Returns the least-energy plan made before the stop, with the stop in
/// @p stop (left empty when it ran to its end); never nullopt (a std::optional for the same
/// shape as planOg's).
std::optional<Schedule> planIpSsa(const CostModel& model, WorkMeter& meter, std::optional<SearchEnd>& stop);

/// Optimal grouping for given round bounds R_p: the least-energy grouping, reservations and
/// partitions over OG's class (users sorted by deadline, contiguous groups, one SSA round per
/// group, rounds back to back in deadline order). See docs/algorithms.md section 4 for the class,
/// the recursion and its pruning. A sweep over C candidate bounds evaluates only the rows
/// (prefixes 1..j) that are live: whose lower bound (each user's cheapest option with its round
/// ending by min(T_m, B), plus the later users alone) is within an energy limit. The limit starts
/// at the alone lower bound and rises (at least 4-fold in its distance from it, capped by the best
/// plan found) until a sweep's optimum is within it; that optimum is exact. Time
/// O(S * (C * (W*N + log C) + M*N)) for S sweeps (at most about 2 + log_4(1e4 * gap / bound),
/// one when the bound is reached) and W live rows per candidate (W <= M; not bounded in general;
/// a row costs O(N) where all its terms are recomputed, O(1) per reservation a ripple changed);
/// memory O(M*N + C + rows evaluated by one sweep). C has no
/// polynomial bound, so the running time is measured in docs/performance.md.
Schedule planOgForBounds(const CostModel& model, const std::vector<double>& remainingMs);

/// planOgForBounds that gives up (nullopt) once its sweeps have evaluated @p rowLimit rows in all
/// (a row is one prefix j at one candidate bound, O(N)); reports the rows it evaluated in
/// @p rowsEvaluated when given.
/// With @p meter, the sweeps ask it to stop (OgSolver::setStop) and throw SearchStopped.
std::optional<Schedule> planOgForBoundsWithin(const CostModel& model, const std::vector<double>& remainingMs, long long rowLimit,
                                              long long* rowsEvaluated = nullptr, WorkMeter* meter = nullptr);

/// OG with batch-size bounds tightened by fixed-point iteration (roundbounds.h): up to 10 runs of
/// planOgForBounds (one when tau is constant and B_max >= M); the plans after the first share a
/// budget of 4 times the first one's work (at least 2 million rows), so OG costs at most about 6
/// times one plan at the worst-case bounds.
Schedule planOg(const CostModel& model);

/// planOg that stops when @p meter's time limit passes or its cancel flag is set (it spends
/// none of the meter's work units, so an unstopped run is planOg's, plan for plan): the sweeps
/// ask every 200,000 row-sub-task steps, well under a millisecond. Returns the least-energy plan
/// of the bound iteration made before the stop, with the stop in @p stop (left empty when it
/// ran to its end); nullopt when it stopped during the first plan (worst-case bounds).
std::optional<Schedule> planOg(const CostModel& model, WorkMeter& meter, std::optional<SearchEnd>& stop);

/// What the anytime exact search found.
struct ExactOutcome {
    SearchEnd end = SearchEnd::Completed;
    bool found = false; ///< a feasible schedule is in @c schedule (the incumbent given counts)
    Schedule schedule;
    double energyMj = std::numeric_limits<double>::infinity();
    /// Proven lower bound on the optimal energy: equals energyMj when the search completed;
    /// +inf when it completed and proved that no plan exists.
    double lowerBoundMj = 0;
    double rootBoundMj = 0; ///< the bound of every user at its cheapest option alone
};

/// Exact, anytime: a branch and bound over partition vectors (users earliest deadline first,
/// options cheapest first), each leaf checked by a depth-first search over batch sequences (any
/// compositions and order, started ASAP; schedulesearch.h). @p incumbent (feasible, of energy
/// @p incumbentMj) seeds the search so that only cheaper plans are sought. Stops when @p meter
/// says so and returns the incumbent and the least bound of the subtrees not yet closed. A
/// schedule search over more than 12 candidates for one batch tries the most urgent members at a
/// few batch sizes only; the subtrees it fails to schedule stay in the bound, so the bound remains
/// proven, and a search that ends so says SearchEnd::HeuristicScheduleSearch, not Completed. Memory: O(M*N) plus at most 32 MB of
/// remembered failed states per schedule search. Time: exponential, O((N+1)^M) partition
/// vectors times a schedule search over batch sequences, in the worst case.
ExactOutcome searchExact(const CostModel& model, WorkMeter& meter, const Schedule* incumbent = nullptr,
                         double incumbentMj = std::numeric_limits<double>::infinity());

/// searchExact from scratch under @p control: the optimum schedule when it is proven,
/// ErrorCode::Infeasible when no schedule meets every deadline, ErrorCode::TooLarge when the
/// search stopped (or its schedule search was incomplete) before a proof.
Expected<Schedule> planExact(const CostModel& model, const SearchControl& control = {});

/// What the best planner found.
struct BestOutcome {
    bool found = false; ///< a feasible schedule is in @c schedule
    Schedule schedule;
    /// @c schedule as the simulator timed it (when found), named after @c source: makePlan takes
    /// it instead of timing the schedule again (0.1 to 0.7 s at 10^6 users, after a stop too).
    Plan plan;
    double energyMj = std::numeric_limits<double>::infinity();
    double lowerBoundMj = 0; ///< proven lower bound on the optimal energy
    bool provenOptimal = false;
    SearchEnd end = SearchEnd::Completed;
    std::string source; ///< which stage found the plan ("og", "local search", "branch and bound", ...)
};

/// Which stages of best run after the portfolio (both by default; tests and measurements switch
/// them off to see what each contributes).
struct BestStages {
    bool localSearch = true;
    bool neighbourhood = true; ///< windows of users re-solved by the branch and bound
    bool branchAndBound = true;
};

/// Work budget of `coinfer plan --algorithm best` (SearchControl::workBudget) above
/// kMostUsersWithLargerBudget users: its default stop, so that the same file gives the same plan
/// on any machine and under any load.
inline constexpr long long kDefaultBestWorkBudget = 60'000'000;

/// Up to this many users best's default budget is kSmallScenarioBudgetFactor times larger. There
/// its large-neighbourhood search and branch and bound still find cheaper plans with more work
/// (on three instances of the medium families of 10 to 40 users, the old budget's plans were 15.8%
/// to 26.0% above what 4 times that budget found), and a unit costs little time: 40 users x 6
/// sub-tasks took at most 1.5 s of CPU on a loaded 2-core machine (docs/algorithms.md).
inline constexpr int kMostUsersWithLargerBudget = 64;
inline constexpr long long kSmallScenarioBudgetFactor = 4;

/// Best's default work budget for a scenario of @p users users (what SearchControl::workBudget 0
/// stands for). O(1).
constexpr long long defaultBestWorkBudget(int users)
{
    return users <= kMostUsersWithLargerBudget ? kSmallScenarioBudgetFactor * kDefaultBestWorkBudget : kDefaultBestWorkBudget;
}

/// Default wall-clock safety stop of best in the CLI and the app: far above the time its work
/// budget takes (at most about 1.5 s on 40 users x 6 sub-tasks), so that it applies only on a
/// machine stalled for other reasons; the plan's search_end says when it did.
inline constexpr double kBestSafetyTimeLimitMs = 60'000;

/// Best: the least-energy feasible plan Coinfer can find within a budget. Starts from every other
/// planner's plan (local, full-offload, no-batching, ip-ssa, og), from each user's cheapest and
/// earliest-finishing option, and from rounds built with the real batch sizes (roundbuilder.h),
/// improves the cheapest by local search (a user's partition and round, round merges; rounds
/// re-timed by the one simulator, or list schedules and greedy rounds where rounds fail), then
/// by round packing (users into, out of and between rounds timed from their aggregates,
/// roundpacking.h) up to half of the budget, then by a large-neighbourhood search (windows of users re-solved by the branch and bound,
/// neighbourhood.h) up to three quarters of the budget, then runs the exact branch and bound
/// seeded with the result for the rest. Never above any of those planners' feasible plans
/// unless the time limit or the cancel flag stops it first (OG, too, then stops within a few ms);
/// deterministic for a given scenario and work budget, which is its default stop. O(P + W) for
/// the planners' cost P and the budget W (in work units, about O(M*N) per re-timed move).
BestOutcome planBest(const Scenario& scenario, const CostModel& model, const SearchControl& control = {},
                     const BestStages& stages = {});

/// Exact as a planner: best's portfolio and a short local search (at most a tenth of best's
/// default budget) seed the anytime branch and bound, which then runs until @p control stops it
/// (no work budget: until it completes). One time limit and one cancel flag cover every stage.
/// Exponential in the worst case, like searchExact.
BestOutcome planExactAnytime(const Scenario& scenario, const CostModel& model, const SearchControl& control);

/// Options for makePlan.
struct PlanOptions {
    /// For best and exact. Best's default work budget (defaultBestWorkBudget) applies when
    /// workBudget is 0.
    SearchControl control;
};

/// Runs @p algorithm and times its schedule with the simulator.
/// Fails with ErrorCode::Infeasible, naming the users, when a user cannot meet its deadline even
/// alone; a planner's own infeasible plan is returned with feasible = false and its violations.
/// Every plan carries a lower bound: each user's cheapest option it could meet with the GPU to
/// itself, raised by the branch and bound's proven bound for best and exact.
Expected<Plan> makePlan(const Scenario& scenario, const CostModel& model, Algorithm algorithm,
                        std::vector<Violation>* violations = nullptr, const PlanOptions& options = {});

/// Users who cannot meet their deadline even alone with the GPU to themselves (ids).
std::vector<std::string> usersInfeasibleAlone(const Scenario& scenario, const CostModel& model);

} // namespace coinfer
