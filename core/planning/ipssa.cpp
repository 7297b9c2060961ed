#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"

#include <algorithm>
#include <limits>

namespace coinfer {

namespace {

/// planIpSsaForBounds that asks @p meter (when given) every 4,096 users; throws SearchStopped.
Schedule ipSsaForBounds(const CostModel& model, const std::vector<double>& remainingMs, WorkMeter* meter)
{
    const int users = model.userCount();
    const int n = model.subtaskCount();
    double roundEndMs = std::numeric_limits<double>::infinity();
    for (int m = 0; m < users; ++m)
        roundEndMs = std::min(roundEndMs, model.deadlineMs(m));

    Schedule schedule;
    schedule.groups.assign(static_cast<size_t>(users), -1);
    std::vector<int> everyone;
    for (int m = 0; m < users; ++m) {
        if (meter && (m & 4095) == 4095)
            meter->checkpoint();
        int best = n; // a user with no allowed option stays local; the simulator reports it
        double bestEnergy = std::numeric_limits<double>::infinity();
        if (meetsDeadline(model.localMs(m, n), model.deadlineMs(m)))
            bestEnergy = model.energyMj(m, n);
        for (int p = n - 1; p >= 0; --p) {
            if (model.arrivalMs(m, p) + remainingMs[static_cast<size_t>(p)] > roundEndMs + kTimeEpsMs)
                continue;
            if (model.energyMj(m, p) < bestEnergy) { // ties keep the larger p: less GPU work
                best = p;
                bestEnergy = model.energyMj(m, p);
            }
        }
        schedule.partitions.push_back(best);
        if (best < n)
            schedule.groups[static_cast<size_t>(m)] = 0;
        everyone.push_back(m);
    }
    schedule.batches = roundBatches(model, everyone, schedule.partitions);
    return schedule;
}

} // namespace

Schedule planIpSsaForBounds(const CostModel& model, const std::vector<double>& remainingMs)
{
    return ipSsaForBounds(model, remainingMs, nullptr);
}

Schedule planIpSsa(const CostModel& model)
{
    return planWithBoundIteration(model,
                                  [&](const std::vector<double>& remainingMs) { return planIpSsaForBounds(model, remainingMs); });
}

std::optional<Schedule> planIpSsa(const CostModel& model, WorkMeter& meter, std::optional<SearchEnd>& stop)
{
    // The first plan always runs to its end: it costs O(M*N + M log M), what reading the
    // scenario costs, and a plan is always there to keep.
    bool first = true;
    return planWithBoundIteration(model, [&](const std::vector<double>& remainingMs) {
        if (stop)
            return Schedule{}; // no partitions: dropped by the iteration
        try {
            Schedule schedule = ipSsaForBounds(model, remainingMs, first ? nullptr : &meter);
            first = false;
            return schedule;
        } catch (const SearchStopped& stopped) {
            stop = stopped.reason;
            return Schedule{};
        }
    });
}

} // namespace coinfer
