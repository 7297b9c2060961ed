// Not a Google Benchmark: the proven lower bounds of one or more scenario files, each with its CPU
// time, so that the bounds can be compared on large scenarios (docs/algorithms.md section 8).
// Usage: bound_quality FILE... ; prints one line per file: users, sub-tasks, alone, prefix
// capacity, window (with and without the count limits) and arrival count bounds (mJ) and the
// milliseconds each took.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/scenario.h"
#include "core/planning/arrivalbound.h"
#include "core/planning/lowerbound.h"
#include "core/planning/windowbound.h"
#include "core/util/expected.h"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

namespace {

double cpuMs()
{
    return 1e3 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: bound_quality SCENARIO.json...\n";
        return 2;
    }
    for (int a = 1; a < argc; ++a) {
        const coinfer::Expected<coinfer::Scenario> scenario = coinfer::readScenario(argv[a]);
        if (!scenario) {
            std::cerr << scenario.error().message << "\n";
            return 2;
        }
        const coinfer::CostModel model(*scenario);
        double start = cpuMs();
        const double alone = model.aloneLowerBoundMj();
        const double aloneMs = cpuMs() - start;
        start = cpuMs();
        const double prefix = coinfer::prefixCapacityBoundMj(model);
        const double prefixMs = cpuMs() - start;
        start = cpuMs();
        const double window = coinfer::windowLowerBoundMj(model);
        const double windowMs = cpuMs() - start;
        start = cpuMs();
        coinfer::WindowBoundOptions withoutLimits;
        withoutLimits.countLimits = false;
        const double plainWindow = coinfer::windowLowerBoundMj(model, withoutLimits);
        const double plainWindowMs = cpuMs() - start;
        start = cpuMs();
        const double arrival = coinfer::arrivalCountBoundMj(model);
        const double arrivalMs = cpuMs() - start;
        std::printf("%s: %d users x %d sub-tasks; alone %.3f mJ (%.1f ms), prefix %.3f mJ (%.1f ms), window %.3f mJ "
                    "(%.1f ms), window without count limits %.3f mJ (%.1f ms), arrival count %.3f mJ (%.1f ms)\n",
                    argv[a], model.userCount(), model.subtaskCount(), alone, aloneMs, prefix, prefixMs, window, windowMs,
                    plainWindow, plainWindowMs, arrival, arrivalMs);
    }
    return 0;
}
