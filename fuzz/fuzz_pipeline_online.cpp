// Fuzzes the online pipeline: scenario text with an "online" block -> parseScenario ->
// makeArrivalTrace -> one short episode of the online simulator with each planner. The episode is
// bounded: at most 200 slots (the horizon is cut to 200 slot lengths) and about 400 expected
// arrivals (larger inputs are skipped), on at most 32 users x 16 sub-tasks.
// Properties: the trace is sorted, in the horizon, with finite deadlines not before release;
// every observation is finite and normalised to [0, 1]; every reward is finite; no task is lost
// (the episode counts every arrival, and the pool is empty at the end); totals are finite and
// non-negative, misses at most the tasks.
#include "fuzz_common.h"

#include "core/io/scenarioio.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

using namespace coinfer;

namespace {

constexpr double kMaxSlots = 200;
constexpr double kMaxExpectedArrivals = 400;

void checkResult(const OnlineResult& result, size_t tasks, const std::string& what)
{
    fuzz::check(result.tasks == static_cast<int>(tasks), what + ": the episode lost or invented tasks (" +
                                                             std::to_string(result.tasks) + " of " + std::to_string(tasks) + ")");
    fuzz::check(result.misses >= 0 && result.misses <= result.tasks, what + ": misses outside 0..tasks");
    for (double x : {result.energyMj, result.localEnergyMj, result.gpuBusyMs})
        fuzz::check(std::isfinite(x) && x >= 0,
                    what + ": a total that is not a finite non-negative number: " + std::to_string(x));
    fuzz::check(std::isfinite(result.energyPerTaskMj()) && std::isfinite(result.savingPercent()),
                what + ": derived figures not finite");
}

void checkObservation(const OnlineObservation& o)
{
    fuzz::check(o.poolSize >= 0, "negative pool size");
    for (double feature : o.features)
        fuzz::check(std::isfinite(feature) && feature >= 0 && feature <= 1,
                    "an observation feature outside [0, 1]: " + std::to_string(feature));
    fuzz::check(std::isfinite(o.minSlackShare), "smallest slack share not finite");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ScenarioLimits limits;
    limits.maxUsers = 32;
    limits.maxBatch = 64;
    limits.maxSubtasks = 16;
    Expected<Scenario> parsed = parseScenario(fuzz::asText(data, size), fuzz::kSource, limits);
    if (!parsed) {
        fuzz::checkNamesSource(parsed.error());
        return 0;
    }
    Scenario scenario = std::move(*parsed);
    if (!scenario.online.present)
        return 0;
    OnlineSettings& online = scenario.online;
    fuzz::check(std::isfinite(online.slotMs) && online.slotMs > 0 && std::isfinite(online.horizonMs) && online.horizonMs > 0,
                "accepted an online block without a positive slot and horizon");
    online.horizonMs = std::min(online.horizonMs, kMaxSlots * online.slotMs);
    double expected = 0;
    for (const User& user : scenario.users) {
        const double rate = user.arrivalRatePerSecond > 0 ? user.arrivalRatePerSecond : online.ratePerSecond;
        expected +=
            online.bernoulli ? std::min(1.0, rate * online.slotMs / 1000.0) * kMaxSlots : rate * online.horizonMs / 1000.0;
    }
    if (!(expected <= kMaxExpectedArrivals))
        return 0;

    const std::vector<OnlineTask> trace = makeArrivalTrace(scenario, online.seed);
    for (size_t i = 0; i < trace.size(); ++i) {
        const OnlineTask& task = trace[i];
        fuzz::check(task.user >= 0 && task.user < scenario.userCount(), "a task of no user");
        fuzz::check(i == 0 || trace[i - 1].releaseMs <= task.releaseMs, "the trace is not sorted by release");
        fuzz::check(task.releaseMs >= 0 && task.releaseMs < online.horizonMs, "a release outside the horizon");
        fuzz::check(std::isfinite(task.deadlineMs) && task.deadlineMs >= task.releaseMs,
                    "a task deadline that is not finite or before its release: " + std::to_string(task.deadlineMs));
    }

    // OG, stepped by hand with a threshold policy, every reward and observation checked.
    OnlineSimulator simulator(scenario, OnlinePlanner::Og, trace);
    const DispatchPolicy policy = thresholdPolicy(0.5);
    long long slots = 0;
    while (!simulator.done()) {
        checkObservation(simulator.observe());
        const double reward = simulator.step(policy(simulator.observe()));
        fuzz::check(std::isfinite(reward), "a slot's reward is not finite");
        fuzz::check(++slots <= static_cast<long long>(kMaxSlots) + 1, "the episode runs past its horizon");
    }
    checkObservation(simulator.observe());
    fuzz::check(simulator.observe().poolSize == 0, "tasks still wait when the episode has ended");
    checkResult(simulator.result(), trace.size(), "og");

    // IP-SSA through runEpisode, dispatching at once.
    OnlineRecord record;
    const OnlineResult ipssa = runEpisode(scenario, OnlinePlanner::IpSsa, trace, immediatePolicy(), &record);
    checkResult(ipssa, trace.size(), "ip-ssa");
    fuzz::check(record.slotStartMs.size() == record.poolSize.size() && record.poolSize.size() == record.arrivals.size(),
                "the episode record's columns differ in length");

    checkResult(localOnlyResult(scenario, trace), trace.size(), "local only");
    return 0;
}
