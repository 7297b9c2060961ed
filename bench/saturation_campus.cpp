// The GPU-saturation criterion (core/planning/saturation.h) on examples/campus.json at the user
// counts given: `saturation_campus 200 1000 2000 10000`. Prints, per count, the local energy,
// the alone and capacity bounds, the share of the alone saving that the GPU takes (the
// criterion says "saturated" at kGpuSaturatedShare or more), the largest saving possible with
// and without sharing the GPU, and the CPU time of gpuSaturation. The figures of
// docs/algorithms.md section 8 come from here.
#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/scenario.h"
#include "core/planning/saturation.h"
#include "core/util/expected.h"

#include <cstdio>
#include <ctime>
#include <string>

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: saturation_campus USERS...\n");
        return 2;
    }
    const coinfer::Expected<std::string> campus = coinfer::readTextFile(COINFER_EXAMPLES "/campus.json");
    const size_t at = campus ? campus->find("\"count\": 200") : std::string::npos;
    if (at == std::string::npos) {
        std::fprintf(stderr, "saturation_campus: examples/campus.json has no \"count\": 200 to vary\n");
        return 2;
    }
    std::printf("%8s %14s %14s %14s %9s %12s %14s %10s %9s\n", "users", "local_mJ", "alone_mJ", "capacity_mJ", "gpu_share",
                "max_saving", "alone_saving", "saturated", "cpu_ms");
    for (int arg = 1; arg < argc; ++arg) {
        std::string text = *campus;
        text.replace(at, 12, "\"count\": " + std::string(argv[arg]));
        const coinfer::Expected<coinfer::Scenario> scenario = coinfer::parseScenario(text, "campus.json");
        if (!scenario) {
            std::fprintf(stderr, "%s\n", scenario.error().message.c_str());
            return 2;
        }
        const coinfer::CostModel model(*scenario);
        // CPU time, not the wall clock: the machine is shared (docs/performance.md).
        const std::clock_t start = std::clock();
        const coinfer::GpuSaturation saturation = coinfer::gpuSaturation(model);
        const double cpuMs = 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
        const double share =
            (saturation.capacityBoundMj - saturation.aloneBoundMj) / (saturation.localEnergyMj - saturation.aloneBoundMj);
        // The percentages as the sentence prints them: rounded up.
        std::printf("%8d %14.3f %14.3f %14.3f %9.3f %12s %14s %10s %9.1f\n", scenario->userCount(), saturation.localEnergyMj,
                    saturation.aloneBoundMj, saturation.capacityBoundMj, share,
                    coinfer::formatSavingCap(saturation.maxSavingPercent).c_str(),
                    coinfer::formatSavingCap(saturation.aloneSavingPercent).c_str(), saturation.saturated ? "yes" : "no", cpuMs);
    }
    return 0;
}
