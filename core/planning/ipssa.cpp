#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"

#include <algorithm>
#include <limits>

namespace coinfer {

Schedule planIpSsaForBounds(const CostModel& model, const std::vector<double>& remainingMs)
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

Schedule planIpSsa(const CostModel& model)
{
    return planWithBoundIteration(model, [&](const std::vector<double>& remainingMs) {
        return planIpSsaForBounds(model, remainingMs);
    });
}

} // namespace coinfer
