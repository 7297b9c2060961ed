// Fuzzes the scenario reader: it must refuse (with a message that names the file) or accept,
// never crash, and give exactly what the path-naming reader alone gives (the fast reader of the
// table form must never change a result or a message). What it accepts must be representable: every figure of the cost model is a finite,
// non-negative number, and the table form the writer makes of it reads back to the same text.
#include "fuzz_common.h"

#include "core/io/scenariofast.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

using namespace coinfer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Bounded so that one input stays fast and small; the reader's own limits are larger.
    ScenarioLimits limits;
    limits.maxUsers = 2000;
    limits.maxBatch = 256;
    limits.maxSubtasks = 256;
    Expected<Scenario> scenario = parseScenario(fuzz::asText(data, size), fuzz::kSource, limits);
    const Expected<Scenario> paths = detail::parseScenarioWithPaths(fuzz::asText(data, size), fuzz::kSource, limits, nullptr);
    if (scenario.has_value() != paths.has_value())
        fuzz::fail("the fast reader and the path-naming reader disagree: one accepts, the other refuses: " +
                   (scenario ? paths.error().message : scenario.error().message));
    if (!scenario) {
        fuzz::check(scenario.error().message == paths.error().message,
                    "the messages differ: " + scenario.error().message + " | " + paths.error().message);
        fuzz::checkNamesSource(scenario.error());
        return 0;
    }
    fuzz::check(*scenario == *paths, "the fast reader reads another scenario than the path-naming reader");
    fuzz::check(scenario->userCount() > 0 && scenario->dnn.subtaskCount() > 0 && scenario->dnn.maxBatch() > 0,
                "accepted a scenario without users, sub-tasks or batch sizes");
    fuzz::check(scenario->userCount() <= limits.maxUsers && scenario->dnn.subtaskCount() <= limits.maxSubtasks &&
                    scenario->dnn.maxBatch() <= limits.maxBatch,
                "accepted a scenario beyond the reader's limits");

    const CostModel model(*scenario);
    for (int m = 0; m < model.userCount(); ++m) {
        const double deadline = model.deadlineMs(m);
        fuzz::check(std::isfinite(deadline) && deadline >= 0, "deadline not finite for user " + std::to_string(m));
        for (int p = 0; p <= model.subtaskCount(); ++p) {
            const double figures[] = {model.localMs(m, p), model.uploadMs(m, p), model.arrivalMs(m, p), model.energyMj(m, p)};
            for (double x : figures)
                fuzz::check(std::isfinite(x) && x >= 0, "cost model figure not finite or negative: user " + std::to_string(m) +
                                                            ", partition " + std::to_string(p) + ": " + std::to_string(x));
        }
    }
    for (int n = 1; n <= model.subtaskCount(); ++n)
        for (int b = 1; b <= model.maxBatch(); ++b)
            fuzz::check(std::isfinite(model.edgeMs(n, b)) && model.edgeMs(n, b) >= 0, "edge latency not finite or negative");

    // Every number Coinfer writes, it can read back: the table form is accepted, and the same.
    const std::string table = scenarioToJson(*scenario);
    ScenarioLimits loose = limits;
    Expected<Scenario> again = parseScenario(table, fuzz::kSource, loose);
    if (!again)
        fuzz::fail("the table form written for an accepted scenario is refused: " + again.error().message);
    fuzz::check(scenarioToJson(*again) == table, "the table form does not read back to the same table");
    return 0;
}
