// Fuzzes the plan reader against one fixed scenario (examples/classroom.json, embedded at
// configure time): refuse with the file's name or accept, never crash. An accepted plan goes
// through the verifier and the table; the writer's form of it must read back to the same text;
// and a plan the verifier passes must stay feasible when the simulator re-times its batches
// (in order of start time, each as early as possible, which can only finish earlier).
#include "fuzz_common.h"
#include "fuzz_embedded_scenario.h"

#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

using namespace coinfer;

namespace {

const Scenario& fixedScenario()
{
    static const Scenario scenario = [] {
        Expected<Scenario> parsed = parseScenario(coinfer::fuzz::kEmbeddedScenario, "classroom.json");
        if (!parsed)
            fuzz::fail("the embedded scenario is refused: " + parsed.error().message);
        return *parsed;
    }();
    return scenario;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const Scenario& scenario = fixedScenario();
    static const CostModel model(scenario);
    Expected<Plan> plan = parsePlan(fuzz::asText(data, size), fuzz::kSource, scenario);
    if (!plan) {
        fuzz::checkNamesSource(plan.error());
        return 0;
    }
    fuzz::check(plan->users.size() == scenario.users.size(), "accepted a plan without one outcome per user");
    const std::vector<Violation> violations = verifyPlan(scenario, model, *plan);
    (void)boundSummary(*plan);
    (void)planToTable(scenario, *plan);

    const std::string json = planToJson(scenario, *plan);
    Expected<Plan> again = parsePlan(json, fuzz::kSource, scenario);
    if (!again)
        fuzz::fail("the plan's own JSON is refused: " + again.error().message);
    fuzz::check(planToJson(scenario, *again) == json, "the plan's JSON does not read back to the same text");
    const std::vector<Violation> reverified = verifyPlan(scenario, model, *again);
    fuzz::check(reverified.size() == violations.size(), "the verifier disagrees after a round trip: before, " +
                                                            fuzz::violationList(violations) + "; after, " +
                                                            fuzz::violationList(reverified));

    if (violations.empty()) {
        Schedule schedule;
        for (const UserOutcome& user : plan->users) {
            schedule.partitions.push_back(user.partition);
            schedule.groups.push_back(user.group);
        }
        std::vector<size_t> order(plan->batches.size());
        std::iota(order.begin(), order.end(), size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return plan->batches[a].startMs < plan->batches[b].startMs; });
        for (size_t i : order)
            schedule.batches.push_back({plan->batches[i].subtask, plan->batches[i].users});
        const Plan retimed = simulate(scenario, model, schedule, plan->algorithm);
        fuzz::check(retimed.feasible, "a plan the verifier passes is infeasible when re-timed as early as possible");
        fuzz::check(std::fabs(retimed.totalEnergyMj - plan->totalEnergyMj) <=
                        1e-6 * std::max(1.0, std::fabs(plan->totalEnergyMj)),
                    "a verified plan's stated energy differs from the simulator's");
    }
    return 0;
}
