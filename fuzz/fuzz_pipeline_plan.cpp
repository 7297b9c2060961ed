// Fuzzes the offline pipeline: scenario text -> parseScenario -> every planner -> simulate ->
// verifyPlan -> plan file and back. Instances are bounded (64 users, 16 sub-tasks, B_max 64) and
// the searching planners (best, exact) get a small work budget, so one input takes milliseconds.
// Properties, each a promise of core/planning/planner.h or core/simulation/simulator.h:
// - a planner's own schedule breaks no rule but deadlines (partitions, batch sizes, members,
//   every needed sub-task once), and the verifier agrees with the simulator on feasibility;
// - the plan file written for it reads back and verifies the same;
// - proven lower bounds (each user alone, best's bound) never exceed a feasible plan's energy;
// - best is never above any other planner's feasible plan; exact's proven optimum is never above
//   any feasible plan, and exact's "infeasible" means no planner found a feasible plan.
#include "fuzz_common.h"

#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace coinfer;

namespace {

constexpr long long kSearchBudget = 20'000; // work units for best and exact

bool energyAtMost(double a, double b) // a <= b up to rounding
{
    return a <= b + 1e-9 * std::max(1.0, std::fabs(b));
}

/// Simulates a planner's schedule and checks it as the file form would be checked.
/// Returns the plan's energy when feasible, +inf otherwise.
double checkOwnPlan(const Scenario& scenario, const CostModel& model, const Schedule& schedule, const std::string& name)
{
    std::vector<Violation> violations;
    const Plan plan = simulate(scenario, model, schedule, name, &violations);
    for (const Violation& v : violations)
        fuzz::check(v.kind == Violation::Kind::DeadlineMissed,
                    name + ": the planner's own schedule breaks a rule other than a deadline: " + v.message);
    fuzz::check(plan.feasible == violations.empty(), name + ": feasible flag disagrees with the simulator's violations");
    const std::vector<Violation> verified = verifyPlan(scenario, model, plan);
    if (plan.feasible)
        fuzz::check(verified.empty(),
                    name + ": the verifier refuses a plan the simulator calls feasible: " + fuzz::violationList(verified));
    else
        fuzz::check(!verified.empty(), name + ": the verifier passes a plan the simulator calls infeasible");
    for (const Violation& v : verified)
        fuzz::check(v.kind == Violation::Kind::DeadlineMissed, name + ": the verifier finds more than late users: " + v.message);

    // The plan file of it reads back, and verifies the same.
    const std::string json = planToJson(scenario, plan);
    Expected<Plan> again = parsePlan(json, fuzz::kSource, scenario);
    if (!again)
        fuzz::fail(name + ": the plan file written for a planner's plan is refused: " + again.error().message);
    const std::vector<Violation> reverified = verifyPlan(scenario, model, *again);
    fuzz::check(reverified.empty() == verified.empty(),
                name + ": the plan verifies differently after writing and reading its file: " + fuzz::violationList(reverified));
    if (plan.feasible)
        fuzz::check(std::isfinite(plan.totalEnergyMj) && plan.totalEnergyMj >= 0,
                    name + ": feasible plan with a non-finite energy");
    return plan.feasible ? plan.totalEnergyMj : std::numeric_limits<double>::infinity();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ScenarioLimits limits;
    limits.maxUsers = 64;
    limits.maxBatch = 64;
    limits.maxSubtasks = 16;
    Expected<Scenario> scenario = parseScenario(fuzz::asText(data, size), fuzz::kSource, limits);
    if (!scenario) {
        fuzz::checkNamesSource(scenario.error());
        return 0;
    }
    if (scenario->userCount() > limits.maxUsers || scenario->dnn.subtaskCount() > limits.maxSubtasks ||
        scenario->dnn.maxBatch() > limits.maxBatch)
        fuzz::fail("the reader accepted a scenario beyond its limits");
    const CostModel model(*scenario);

    double cheapestMj = std::numeric_limits<double>::infinity();
    std::string cheapestName;
    auto consider = [&](const Schedule& schedule, const std::string& name) {
        const double energy = checkOwnPlan(*scenario, model, schedule, name);
        if (energy < cheapestMj) {
            cheapestMj = energy;
            cheapestName = name;
        }
        return energy;
    };
    consider(planLocal(model), "local");
    consider(planFullOffload(model), "full-offload");
    consider(planNoBatching(model), "no-batching");
    consider(planIpSsa(model), "ip-ssa");
    consider(planOg(model), "og");

    const double aloneBound = model.aloneLowerBoundMj();
    fuzz::check(energyAtMost(aloneBound, cheapestMj), "the each-user-alone lower bound " + std::to_string(aloneBound) +
                                                          " mJ exceeds the feasible plan of " + cheapestName + " (" +
                                                          std::to_string(cheapestMj) + " mJ)");

    SearchControl control;
    control.workBudget = kSearchBudget;
    const BestOutcome best = planBest(*scenario, model, control);
    if (std::isfinite(cheapestMj))
        fuzz::check(best.found, "best found no plan although " + cheapestName + " has a feasible one");
    if (best.found) {
        const double energy = consider(best.schedule, "best (from " + best.source + ")");
        fuzz::check(std::isfinite(energy), "best's plan is infeasible when simulated");
        fuzz::check(std::fabs(energy - best.energyMj) <= 1e-9 * std::max(1.0, energy),
                    "best's stated energy differs from the simulator's");
        fuzz::check(energyAtMost(energy, cheapestMj), "best (" + std::to_string(energy) + " mJ) is above " + cheapestName + " (" +
                                                          std::to_string(cheapestMj) + " mJ)");
    }
    fuzz::check(energyAtMost(best.lowerBoundMj, cheapestMj), "best's proven lower bound " + std::to_string(best.lowerBoundMj) +
                                                                 " mJ exceeds a feasible plan (" + cheapestName + ", " +
                                                                 std::to_string(cheapestMj) + " mJ)");

    Expected<Schedule> exact = planExact(model, control);
    if (exact) {
        const double energy = consider(*exact, "exact");
        fuzz::check(std::isfinite(energy), "exact's proven optimum is infeasible when simulated");
        fuzz::check(energyAtMost(energy, cheapestMj), "exact's proven optimum (" + std::to_string(energy) + " mJ) is above " +
                                                          cheapestName + " (" + std::to_string(cheapestMj) + " mJ)");
    } else if (exact.error().code == ErrorCode::Infeasible) {
        fuzz::check(!std::isfinite(cheapestMj), "exact says no plan exists, but " + cheapestName + " has a feasible one");
    }

    // The command line's entry point: the lower bound it states is below its own plan.
    std::vector<Violation> violations;
    Expected<Plan> local = makePlan(*scenario, model, Algorithm::Local, &violations);
    if (local && local->feasible)
        fuzz::check(!std::isfinite(local->lowerBoundMj) || energyAtMost(local->lowerBoundMj, local->totalEnergyMj),
                    "makePlan states a lower bound above its plan");
    if (!local)
        fuzz::check(local.error().code == ErrorCode::Infeasible && !std::isfinite(cheapestMj),
                    "makePlan refuses a scenario with a feasible plan: " + local.error().message);
    return 0;
}
