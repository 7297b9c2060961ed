// OG: optimal grouping over the class of docs/algorithms.md section 4. The sweep for fixed round bounds is
// OgSolver (ogsolver.h); this file raises its energy limit until the optimum is proven and runs
// the bound iteration of batch curves. docs/algorithms.md sections 4 and 6 have the design.

#include "core/planning/ogsolver.h"
#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"
#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace coinfer {
namespace {

using og::kInf;
using og::OgSolver;

/// Relative slack of the energy comparisons of the pruning: far above the rounding of sums of
/// M energies in different orders, far below any difference between two plans worth reporting.
constexpr double kEnergyRelativeEps = 1e-9;

/// The energy of the one-group plan (every user in a round ending at the earliest deadline,
/// each taking its cheapest option open then, or local): a plan of the class, +inf if some user
/// has neither. O(M*N).
double oneRoundEnergyMj(const CostModel& model, const std::vector<double>& remainingMs)
{
    const int users = model.userCount();
    const int subtasks = model.subtaskCount();
    double earliestMs = kInf;
    for (int m = 0; m < users; ++m)
        earliestMs = std::min(earliestMs, model.deadlineMs(m));
    double total = 0;
    for (int m = 0; m < users; ++m) {
        double best = model.localMs(m, subtasks) <= model.deadlineMs(m) + kTimeEpsMs ? model.energyMj(m, subtasks) : kInf;
        for (int p = 0; p < subtasks; ++p)
            if (model.arrivalMs(m, p) + remainingMs[static_cast<size_t>(p)] <= earliestMs + kTimeEpsMs)
                best = std::min(best, model.energyMj(m, p));
        total += best;
    }
    return total;
}

/// Runs the pruned sweep with energy limits rising from the alone lower bound until a sweep's
/// optimum is within its limit (then it is the class optimum: the optimal plan's states all have
/// bounds at most the limit, so none was pruned). Every sweep returns the energy of some plan of
/// the class, which caps the limit: a sweep at that energy is always within its limit. The
/// distance of the limit from the bound grows at least 4-fold per sweep and to at least a quarter
/// of the distance to the best plan known, so a weak bound costs few sweeps. With no plan known,
/// the last resort is a sweep without pruning (+inf).
/// Returns the optimum (+inf when the class has no feasible plan or the row limit was hit).
double solveByRaisingLimit(OgSolver& solver, double knownMj)
{
    const double boundMj = solver.aloneLowerBoundMj();
    if (!std::isfinite(boundMj))
        return solver.solveWithin(kInf); // some user can never be served: infeasible either way
    double gapMj = 0;
    for (int sweep = 0;; ++sweep) {
        const bool last = boundMj + gapMj >= knownMj;
        const double limitMj = last ? knownMj : boundMj + gapMj;
        const double energyMj = solver.solveWithin(limitMj);
        if (solver.aborted() || energyMj <= limitMj + kEnergyRelativeEps * std::max(1.0, std::abs(limitMj)) || last)
            return energyMj;
        knownMj = std::min(knownMj, energyMj);
        if (!std::isfinite(knownMj) && sweep >= 3)
            return solver.solveWithin(kInf);
        gapMj = std::max({4 * gapMj, 1e-4 * std::max(1.0, boundMj), (knownMj - boundMj) / 4});
    }
}

} // namespace

Schedule planOgForBounds(const CostModel& model, const std::vector<double>& remainingMs)
{
    return *planOgForBoundsWithin(model, remainingMs, std::numeric_limits<long long>::max());
}

std::optional<Schedule> planOgForBoundsWithin(const CostModel& model, const std::vector<double>& remainingMs, long long rowLimit,
                                              long long* rowsEvaluated, WorkMeter* meter)
{
    if (model.subtaskCount() == 0)
        return planLocal(model);
    if (meter)
        meter->checkpoint();
    OgSolver solver(model, remainingMs, meter);
    solver.setRowLimit(rowLimit);
    const bool solved = std::isfinite(solveByRaisingLimit(solver, oneRoundEnergyMj(model, remainingMs)));
    if (rowsEvaluated)
        *rowsEvaluated = solver.rowsEvaluated();
    if (solver.aborted())
        return std::nullopt;
    if (!solved)
        return planIpSsaForBounds(model, remainingMs); // infeasible either way; the simulator says who is late
    return solver.reconstruct();
}

namespace {

/// OG's bound iteration, stopped by @p meter when given: a plan after the first that the meter
/// stops is dropped, and @p stop says why; the first plan's stop throws SearchStopped.
Schedule planOgStoppable(const CostModel& model, WorkMeter* meter, std::optional<SearchEnd>& stop)
{
    // The first plan (worst-case bounds) always runs to the end; the later plans of the bound
    // iteration share a budget of 4 times its rows (at least 2 million), and a plan that would
    // exceed what is left is dropped. With small load limits the sweep can visit far more
    // candidate bounds, and ten unlimited plans cost up to 25 times the iteration before.
    long long firstRows = 0;
    const RoundBounds bounds(model);
    std::optional<Schedule> firstPlan = planOgForBoundsWithin(
        model, bounds.remainingMs(std::vector<int>(static_cast<size_t>(model.subtaskCount()), model.userCount())),
        std::numeric_limits<long long>::max(), &firstRows, meter);
    long long rowsLeft = std::max<long long>(4 * firstRows, 2'000'000);
    return planWithBoundIteration(model, [&](const std::vector<double>& remainingMs) {
        if (firstPlan) { // the iteration asks first for the worst-case bounds: the plan measured above
            Schedule schedule = std::move(*firstPlan);
            firstPlan.reset();
            return schedule;
        }
        if (rowsLeft <= 0 || stop)
            return Schedule{}; // no partitions: dropped by the iteration
        long long rows = 0;
        try {
            std::optional<Schedule> schedule = planOgForBoundsWithin(model, remainingMs, rowsLeft, &rows, meter);
            rowsLeft -= rows;
            return schedule ? std::move(*schedule) : Schedule{};
        } catch (const SearchStopped& stopped) {
            stop = stopped.reason;
            return Schedule{};
        }
    });
}

} // namespace

Schedule planOg(const CostModel& model)
{
    std::optional<SearchEnd> never;
    return planOgStoppable(model, nullptr, never);
}

std::optional<Schedule> planOg(const CostModel& model, WorkMeter& meter, std::optional<SearchEnd>& stop)
{
    try {
        return planOgStoppable(model, &meter, stop);
    } catch (const SearchStopped& stopped) {
        stop = stopped.reason;
        return std::nullopt;
    }
}

} // namespace coinfer
