#include "core/planning/neighbourhood.h"

#include "core/util/random.h"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <set>

namespace coinfer {
namespace {

/// Nodes one schedule search may visit inside a window, level by level. First 3: the rounds
/// built along a few orders decide most vectors before the search starts, a vector they cannot
/// schedule rarely becomes feasible deep in the search, and on the medium families the cheaper
/// checks let each window try more vectors (instances 36-47: cheaper plans than with 200 nodes
/// on 5 of the 7 where best was then more than 1% above the best known, dearer on 2). Once
/// windows of every size find nothing, the search starts over with 200 nodes, for vectors only
/// a deeper search schedules.
constexpr long long kScheduleNodeLevels[] = {3, 200};

double energyOf(const CostModel& model, const std::vector<int>& partitions)
{
    double total = 0;
    for (int m = 0; m < model.userCount(); ++m)
        total += model.energyMj(m, partitions[static_cast<size_t>(m)]);
    return total;
}

/// The windows of one pass for @p size users each: runs of users neighbouring in deadline order
/// (overlapping by half), the users paying most above their cheapest option, and two seeded
/// random draws. O(M log M + windows * size).
std::vector<std::vector<int>> windowsOf(const CostModel& model, const std::vector<int>& partitions, int size,
                                        SeededRandom& random)
{
    const int users = model.userCount();
    std::vector<int> byDeadline(static_cast<size_t>(users));
    std::iota(byDeadline.begin(), byDeadline.end(), 0);
    std::stable_sort(byDeadline.begin(), byDeadline.end(),
                     [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
    std::vector<std::vector<int>> windows;
    const int stride = std::max(1, size / 2);
    for (int first = 0; first < users; first += stride) {
        const int last = std::min(users, first + size);
        windows.emplace_back(byDeadline.begin() + std::max(0, last - size), byDeadline.begin() + last);
        if (last == users)
            break;
    }
    std::vector<double> excess(static_cast<size_t>(users), 0.0);
    for (int m = 0; m < users; ++m) {
        const std::vector<int> options = model.aloneOptionsCheapestFirst(m);
        if (!options.empty())
            excess[static_cast<size_t>(m)] =
                model.energyMj(m, partitions[static_cast<size_t>(m)]) - model.energyMj(m, options.front());
    }
    std::vector<int> costly(byDeadline);
    std::stable_sort(costly.begin(), costly.end(),
                     [&](int a, int b) { return excess[static_cast<size_t>(a)] > excess[static_cast<size_t>(b)]; });
    costly.resize(static_cast<size_t>(std::min(users, size)));
    windows.push_back(costly);
    for (int draw = 0; draw < 2; ++draw) {
        std::vector<int> shuffled(byDeadline);
        for (size_t i = shuffled.size(); i > 1; --i)
            std::swap(shuffled[i - 1], shuffled[static_cast<size_t>(random.next() % i)]);
        shuffled.resize(static_cast<size_t>(std::min(users, size)));
        windows.push_back(std::move(shuffled));
    }
    return windows;
}

} // namespace

NeighbourhoodOutcome improveByWindows(const CostModel& model, WorkMeter& meter, const Schedule& start, double startMj,
                                      long long workUntil, int maxWindow)
{
    NeighbourhoodOutcome outcome;
    Schedule incumbent = start;
    double incumbentMj = std::min(startMj, energyOf(model, start.partitions));
    outcome.energyMj = incumbentMj;
    const int users = model.userCount();
    // Below this many users the branch and bound that follows searches them all at once.
    if (users <= 2)
        return outcome;
    SeededRandom random(0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(users));
    int size = std::min(users, 6);
    size_t level = 0;
    const long long share = std::max<long long>(100'000, (workUntil - meter.used()) / 24);
    // The windows searched without success since the incumbent last changed: the search is
    // deterministic, so searching one again at the same level finds nothing either.
    std::set<std::vector<int>> searched;
    while (meter.used() < workUntil) {
        bool improved = false;
        for (const std::vector<int>& window : windowsOf(model, incumbent.partitions, size, random)) {
            if (meter.used() >= workUntil)
                break;
            std::vector<int> key(window);
            std::sort(key.begin(), key.end());
            if (!searched.insert(std::move(key)).second)
                continue;
            const WindowLimits limits{std::min(workUntil, meter.used() + share), kScheduleNodeLevels[level]};
            WindowOutcome found = searchWindow(model, meter, incumbent, incumbentMj, window, limits);
            if (found.improved) {
                incumbent = std::move(*found.improved);
                incumbentMj = energyOf(model, incumbent.partitions);
                outcome.improved = incumbent;
                outcome.energyMj = incumbentMj;
                improved = true;
                searched.clear();
            }
            if (found.stop) {
                outcome.stop = found.stop;
                return outcome;
            }
        }
        if (improved)
            continue;
        if (size < std::min(users, maxWindow)) {
            size = std::min({users, maxWindow, size * 2});
        } else if (++level < std::size(kScheduleNodeLevels)) {
            size = std::min(users, 6);
            searched.clear();
        } else {
            break;
        }
    }
    return outcome;
}

} // namespace coinfer
