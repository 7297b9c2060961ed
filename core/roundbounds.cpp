#include "core/roundbounds.h"

#include <algorithm>
#include <map>

namespace coinfer {

RoundBounds::RoundBounds(const CostModel& model)
    : m_model(model)
{
    const int users = model.userCount();
    m_boundMs.reserve(static_cast<size_t>(model.subtaskCount()) * static_cast<size_t>(users + 1));
    for (int n = 1; n <= model.subtaskCount(); ++n) {
        double hull = 0;
        for (int k = 0; k <= users; ++k) {
            hull = std::max(hull, chunkedMs(n, k));
            m_boundMs.push_back(hull);
        }
    }
}

double RoundBounds::chunkedMs(int subtask, int users) const
{
    const int batch = m_model.maxBatch();
    const int full = users / batch;
    const int rest = users % batch;
    return full * m_model.edgeMs(subtask, batch) + (rest > 0 ? m_model.edgeMs(subtask, rest) : 0.0);
}

double RoundBounds::boundMs(int subtask, int users) const
{
    users = std::clamp(users, 0, m_model.userCount());
    return m_boundMs[static_cast<size_t>(subtask - 1) * static_cast<size_t>(m_model.userCount() + 1) + static_cast<size_t>(users)];
}

std::vector<double> RoundBounds::remainingMs(const std::vector<int>& usersPerSubtask) const
{
    const int n = m_model.subtaskCount();
    std::vector<double> remaining(static_cast<size_t>(n + 1), 0.0);
    for (int p = n - 1; p >= 0; --p)
        remaining[static_cast<size_t>(p)] = remaining[static_cast<size_t>(p + 1)] + boundMs(p + 1, usersPerSubtask[static_cast<size_t>(p)]);
    return remaining;
}

std::vector<BatchSpec> roundBatches(const CostModel& model, const std::vector<int>& members,
                                    const std::vector<int>& partitions)
{
    std::vector<int> offloading;
    for (int m : members)
        if (partitions[static_cast<size_t>(m)] < model.subtaskCount())
            offloading.push_back(m);
    if (offloading.empty())
        return {};
    // Members that were at the edge earliest go first, so full batches start as early as possible.
    std::stable_sort(offloading.begin(), offloading.end(), [&](int a, int b) {
        const int pa = partitions[static_cast<size_t>(a)], pb = partitions[static_cast<size_t>(b)];
        if (pa != pb)
            return pa < pb;
        return model.arrivalMs(a, pa) < model.arrivalMs(b, pb);
    });
    const int first = partitions[static_cast<size_t>(offloading.front())] + 1;
    std::vector<BatchSpec> batches;
    for (int n = first; n <= model.subtaskCount(); ++n) {
        BatchSpec batch{n, {}};
        for (int m : offloading) {
            if (partitions[static_cast<size_t>(m)] >= n)
                break;
            batch.users.push_back(m);
            if (static_cast<int>(batch.users.size()) == model.maxBatch()) {
                batches.push_back(batch);
                batch.users.clear();
            }
        }
        if (!batch.users.empty())
            batches.push_back(std::move(batch));
    }
    return batches;
}

std::vector<int> largestRoundLoads(const CostModel& model, const Schedule& schedule)
{
    const int n = model.subtaskCount();
    std::map<int, std::vector<int>> perGroup;
    for (int m = 0; m < model.userCount(); ++m) {
        const int p = schedule.partitions[static_cast<size_t>(m)];
        if (p >= n)
            continue;
        auto& load = perGroup[schedule.groups[static_cast<size_t>(m)]];
        load.resize(static_cast<size_t>(n), 0);
        for (int s = p + 1; s <= n; ++s)
            ++load[static_cast<size_t>(s - 1)];
    }
    std::vector<int> largest(static_cast<size_t>(n), 0);
    for (const auto& entry : perGroup)
        for (int s = 0; s < n; ++s)
            largest[static_cast<size_t>(s)] = std::max(largest[static_cast<size_t>(s)], entry.second[static_cast<size_t>(s)]);
    return largest;
}

namespace {

bool withinLimits(const std::vector<int>& loads, const std::vector<int>& limits)
{
    for (size_t n = 0; n < limits.size(); ++n)
        if (loads[n] > limits[n])
            return false;
    return true;
}

} // namespace

Schedule planWithBoundIteration(const CostModel& model,
                                const std::function<Schedule(const std::vector<double>& remainingMs)>& planForBounds,
                                int maxPlans)
{
    const RoundBounds bounds(model);
    std::vector<int> limits(static_cast<size_t>(model.subtaskCount()), model.userCount());
    Schedule accepted = planForBounds(bounds.remainingMs(limits));
    // With a constant tau and B_max >= M the bound is exact at once; no iteration can change it.
    if (model.edgeIsConstant() && model.maxBatch() >= model.userCount())
        return accepted;
    int plans = 1;
    while (plans < maxPlans) {
        // Try the loads the accepted plan really has; if the plan made with them overshoots,
        // halve the step back towards the accepted limits a few times.
        std::vector<int> target = largestRoundLoads(model, accepted);
        if (target == limits)
            break;
        bool improved = false;
        for (int halving = 0; halving < 3 && plans < maxPlans && target != limits; ++halving) {
            Schedule candidate = planForBounds(bounds.remainingMs(target));
            ++plans;
            if (withinLimits(largestRoundLoads(model, candidate), target)) {
                accepted = std::move(candidate);
                limits = target;
                improved = true;
                break;
            }
            for (size_t n = 0; n < target.size(); ++n)
                target[n] = (target[n] + limits[n] + 1) / 2;
        }
        if (!improved)
            break;
    }
    return accepted;
}

} // namespace coinfer
