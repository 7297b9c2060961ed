// Fuzzes the scenario reader, and every scenario it accepts through the planners and the
// simulator: a reader must refuse or accept, never crash, and an accepted scenario's plans must
// pass the verifier exactly when the simulator calls them feasible.
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "core/io/scenarioio.h"
#include "core/simulation/simulator.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    coinfer::ScenarioLimits limits;
    limits.maxUsers = 64;
    limits.maxBatch = 64;
    limits.maxSubtasks = 16;
    coinfer::Expected<coinfer::Scenario> scenario = coinfer::parseScenario(text, "fuzz", limits);
    if (!scenario) {
        if (scenario.error().message.rfind("fuzz: ", 0) != 0)
            std::abort(); // every message must name the file
        return 0;
    }
    const coinfer::CostModel model(*scenario);
    for (coinfer::Algorithm algorithm : {coinfer::Algorithm::Local, coinfer::Algorithm::NoBatching,
                                         coinfer::Algorithm::IpSsa, coinfer::Algorithm::Og}) {
        coinfer::Expected<coinfer::Plan> plan = coinfer::makePlan(*scenario, model, algorithm);
        if (!plan)
            continue;
        if (plan->feasible != coinfer::verifyPlan(*scenario, model, *plan).empty())
            std::abort();
    }
    return 0;
}
