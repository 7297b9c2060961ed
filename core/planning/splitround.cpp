#include "core/planning/splitround.h"

#include "core/planning/roundbounds.h"

#include <algorithm>

namespace coinfer {

double chunkedEdgeMs(const CostModel& model, int subtask, int members)
{
    const int full = members / model.maxBatch();
    const int rest = members % model.maxBatch();
    return full * model.edgeMs(subtask, model.maxBatch()) + (rest > 0 ? model.edgeMs(subtask, rest) : 0.0);
}

std::pair<double, RoundSplit> earliestSplitEnd(const CostModel& model, RoundMembers members, double previousEndMs,
                                               const RoundSplit* only)
{
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const int subtasks = model.subtaskCount();
    auto arrival = [&](const std::pair<int, int>& member) { return model.arrivalMs(member.first, member.second); };
    std::stable_sort(members.begin(), members.end(), [&](const auto& a, const auto& b) { return arrival(a) < arrival(b); });
    const size_t g = members.size(), width = static_cast<size_t>(subtasks + 2);
    std::vector<double> suffixReady((g + 1) * width, -kInf);
    std::vector<int> total(width, 0), loadA(width, 0);
    std::vector<double> readyA(width, -kInf);
    for (size_t i = g; i-- > 0;) {
        std::copy_n(suffixReady.begin() + static_cast<std::ptrdiff_t>((i + 1) * width), width,
                    suffixReady.begin() + static_cast<std::ptrdiff_t>(i * width));
        double& ready = suffixReady[i * width + static_cast<size_t>(members[i].second + 1)];
        ready = std::max(ready, arrival(members[i]));
        for (int n = members[i].second + 1; n <= subtasks; ++n)
            ++total[static_cast<size_t>(n)];
    }
    auto endFor = [&](size_t cut, int merge) {
        const double* readyB = &suffixReady[cut * width];
        double t = previousEndMs;
        for (int n = 1; n <= merge; ++n)
            if (loadA[static_cast<size_t>(n)] > 0)
                t = std::max(t, readyA[static_cast<size_t>(n)]) + chunkedEdgeMs(model, n, loadA[static_cast<size_t>(n)]);
        for (int n = 1; n <= subtasks; ++n) {
            const int load =
                n <= merge ? total[static_cast<size_t>(n)] - loadA[static_cast<size_t>(n)] : total[static_cast<size_t>(n)];
            const double ready = n <= merge ? readyB[n] : std::max(readyA[static_cast<size_t>(n)], readyB[n]);
            if (load > 0)
                t = std::max(t, ready) + chunkedEdgeMs(model, n, load);
        }
        return t;
    };
    std::pair<double, RoundSplit> best{only ? kInf : endFor(0, 0), RoundSplit{}};
    for (size_t cut = 1; cut < g; ++cut) {
        const auto& member = members[cut - 1];
        for (int n = member.second + 1; n <= subtasks; ++n)
            ++loadA[static_cast<size_t>(n)];
        double& ready = readyA[static_cast<size_t>(member.second + 1)];
        ready = std::max(ready, arrival(member));
        const double cutMs = arrival(member);
        // Members that arrive together are on one side: a cut falls between two arrival times.
        if (cutMs >= arrival(members[cut]) || (only && cutMs != only->cutMs))
            continue;
        for (int merge = 1; merge < subtasks; ++merge) {
            if (only && merge != only->merge)
                continue;
            const double endMs = endFor(cut, merge);
            if (endMs < best.first - 1e-9)
                best = {endMs, RoundSplit{cutMs, merge}};
        }
    }
    return best;
}

std::vector<BatchSpec> splitRoundBatches(const CostModel& model, const std::vector<int>& members,
                                         const std::vector<int>& partitions, const RoundSplit& split)
{
    if (split.merge == 0)
        return roundBatches(model, members, partitions);
    std::vector<int> early, late;
    for (int m : members)
        (model.arrivalMs(m, partitions[static_cast<size_t>(m)]) <= split.cutMs ? early : late).push_back(m);
    std::vector<BatchSpec> batches;
    for (const std::vector<int>* part : {&early, &late})
        for (BatchSpec& batch : roundBatches(model, *part, partitions))
            if (batch.subtask <= split.merge)
                batches.push_back(std::move(batch));
    for (BatchSpec& batch : roundBatches(model, members, partitions))
        if (batch.subtask > split.merge)
            batches.push_back(std::move(batch));
    return batches;
}

} // namespace coinfer
