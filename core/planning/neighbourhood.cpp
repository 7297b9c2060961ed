#include "core/planning/neighbourhood.h"

#include "core/util/random.h"
#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
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

/// Each window's branch and bound may spend this fraction of the stage's budget. A 12th, not the
/// 24th it was: on the medium families the misses were windows cut off before they reached the
/// cheaper vector (instances 48-83 with best's budget up to 64 users: within 1% of the best known
/// plan on 247 of 252 instead of 244, worst 10.9% instead of 18.7%; a 6th gave 244, worst 10.9%).
constexpr long long kWindowsPerStage = 12;

double energyOf(const CostModel& model, const std::vector<int>& partitions)
{
    double total = 0;
    for (int m = 0; m < model.userCount(); ++m)
        total += model.energyMj(m, partitions[static_cast<size_t>(m)]);
    return total;
}

/// The windows of one pass for @p size users each: runs of users neighbouring in deadline order
/// (overlapping by half; with @p tiesByArrival, users with the same deadline in the order their
/// data arrive at their partitions in @p partitions, local users last, so that a run holds users
/// who compete for the same batches; else in index order), the users paying most above their
/// cheapest option, and two seeded random draws. O(M log M + windows * size).
std::vector<std::vector<int>> windowsOf(const CostModel& model, const std::vector<int>& partitions, int size,
                                        SeededRandom& random, bool tiesByArrival)
{
    const int users = model.userCount();
    std::vector<int> byDeadline(static_cast<size_t>(users));
    std::iota(byDeadline.begin(), byDeadline.end(), 0);
    std::stable_sort(byDeadline.begin(), byDeadline.end(),
                     [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
    std::vector<double> arrivalMs(static_cast<size_t>(users), std::numeric_limits<double>::infinity());
    for (int m = 0; m < users; ++m)
        if (partitions[static_cast<size_t>(m)] < model.subtaskCount())
            arrivalMs[static_cast<size_t>(m)] = model.arrivalMs(m, partitions[static_cast<size_t>(m)]);
    std::vector<int> runs(byDeadline);
    std::stable_sort(runs.begin(), runs.end(), [&](int a, int b) {
        return model.deadlineMs(a) < model.deadlineMs(b) ||
               (tiesByArrival && model.deadlineMs(a) == model.deadlineMs(b) &&
                arrivalMs[static_cast<size_t>(a)] < arrivalMs[static_cast<size_t>(b)]);
    });
    std::vector<std::vector<int>> windows;
    const int stride = std::max(1, size / 2);
    for (int first = 0; first < users; first += stride) {
        const int last = std::min(users, first + size);
        windows.emplace_back(runs.begin() + std::max(0, last - size), runs.begin() + last);
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

/// Least-cost perfect assignment of the rows to the columns of the @p size x @p size matrix
/// @p cost (row-major): the Hungarian method with potentials (shortest augmenting paths).
/// Returns the column of each row. O(size^3).
std::vector<int> leastCostAssignment(const std::vector<double>& cost, int size)
{
    const double inf = std::numeric_limits<double>::infinity();
    const auto at = [](int i) { return static_cast<size_t>(i); };
    std::vector<double> rowPotential(at(size + 1), 0.0), columnPotential(at(size + 1), 0.0);
    std::vector<int> rowOf(at(size + 1), 0), previous(at(size + 1), 0);
    for (int row = 1; row <= size; ++row) {
        rowOf[0] = row;
        int column = 0;
        std::vector<double> least(at(size + 1), inf);
        std::vector<char> done(at(size + 1), 0);
        do {
            done[at(column)] = 1;
            const int current = rowOf[at(column)];
            double delta = inf;
            int nextColumn = 0;
            for (int j = 1; j <= size; ++j) {
                if (done[at(j)])
                    continue;
                const double reduced =
                    cost[at((current - 1) * size + (j - 1))] - rowPotential[at(current)] - columnPotential[at(j)];
                if (reduced < least[at(j)]) {
                    least[at(j)] = reduced;
                    previous[at(j)] = column;
                }
                if (least[at(j)] < delta) {
                    delta = least[at(j)];
                    nextColumn = j;
                }
            }
            for (int j = 0; j <= size; ++j) {
                if (done[at(j)]) {
                    rowPotential[at(rowOf[at(j)])] += delta;
                    columnPotential[at(j)] -= delta;
                } else {
                    least[at(j)] -= delta;
                }
            }
            column = nextColumn;
        } while (rowOf[at(column)] != 0);
        do {
            const int before = previous[at(column)];
            rowOf[at(column)] = rowOf[at(before)];
            column = before;
        } while (column != 0);
    }
    std::vector<int> columnOfRow(at(size), 0);
    for (int j = 1; j <= size; ++j)
        columnOfRow[at(rowOf[at(j)] - 1)] = j - 1;
    return columnOfRow;
}

/// A schedule timed as the simulator times it: each batch starts when the GPU is free and every
/// member's input is ready. O(M N + S) for S members of all batches.
struct Timing {
    std::vector<double> batchStartMs; ///< per batch
    std::vector<double> finishMs;     ///< per user (local users: their local time)
    std::vector<double> firstStartMs; ///< per offloading user, the start of its first batch
    /// Per offloading user, how much later its first batch could start with every deadline still
    /// met, if that delay moved every later batch by as much: the least slack of the members of
    /// that batch and all after it.
    std::vector<double> delayMs;
};

Timing timeSchedule(const CostModel& model, const Schedule& schedule)
{
    const int users = model.userCount();
    const int subtasks = model.subtaskCount();
    Timing timing;
    timing.finishMs.resize(static_cast<size_t>(users));
    timing.firstStartMs.assign(static_cast<size_t>(users), std::numeric_limits<double>::infinity());
    for (int m = 0; m < users; ++m) {
        const int p = schedule.partitions[static_cast<size_t>(m)];
        timing.finishMs[static_cast<size_t>(m)] = p < subtasks ? model.arrivalMs(m, p) : model.localMs(m, p);
    }
    double gpuFreeMs = model.edgeFreeAtMs();
    std::vector<size_t> firstBatch(static_cast<size_t>(users), 0);
    for (const BatchSpec& batch : schedule.batches) {
        double startMs = gpuFreeMs;
        for (int m : batch.users)
            startMs = std::max(startMs, timing.finishMs[static_cast<size_t>(m)]);
        gpuFreeMs = startMs + model.edgeMs(batch.subtask, static_cast<int>(batch.users.size()));
        timing.batchStartMs.push_back(startMs);
        for (int m : batch.users) {
            if (batch.subtask == schedule.partitions[static_cast<size_t>(m)] + 1) {
                timing.firstStartMs[static_cast<size_t>(m)] = startMs;
                firstBatch[static_cast<size_t>(m)] = timing.batchStartMs.size() - 1;
            }
            timing.finishMs[static_cast<size_t>(m)] = gpuFreeMs;
        }
    }
    std::vector<double> slackAfter(schedule.batches.size() + 1, std::numeric_limits<double>::infinity());
    for (size_t b = schedule.batches.size(); b-- > 0;) {
        slackAfter[b] = slackAfter[b + 1];
        for (int m : schedule.batches[b].users)
            slackAfter[b] = std::min(slackAfter[b], model.deadlineMs(m) - timing.finishMs[static_cast<size_t>(m)]);
    }
    timing.delayMs.assign(static_cast<size_t>(users), 0.0);
    for (int m = 0; m < users; ++m)
        if (std::isfinite(timing.firstStartMs[static_cast<size_t>(m)]))
            timing.delayMs[static_cast<size_t>(m)] = std::max(0.0, slackAfter[firstBatch[static_cast<size_t>(m)]]);
    return timing;
}

/// Whether every user of @p schedule meets its deadline. O(M N + S).
bool meetsEveryDeadline(const CostModel& model, const Schedule& schedule)
{
    const Timing timing = timeSchedule(model, schedule);
    for (int m = 0; m < model.userCount(); ++m)
        if (!meetsDeadline(timing.finishMs[static_cast<size_t>(m)], model.deadlineMs(m)))
            return false;
    return true;
}

/// The cost matrix of reassignSlots: rows are the users, then (with @p mayLeave) one dummy row per
/// offloading place; columns are the places (one per user, in user order), then (with
/// @p mayLeave) extra local places. @p forbidden marks a user that cannot take a place.
std::vector<double> slotCosts(const CostModel& model, const Schedule& incumbent, const Timing& timing, int size, double forbidden,
                              bool allowDelay)
{
    const int users = model.userCount();
    const int subtasks = model.subtaskCount();
    std::vector<double> cost(static_cast<size_t>(size) * static_cast<size_t>(size), 0.0);
    for (int u = 0; u < users; ++u) {
        const double deadlineMs = model.deadlineMs(u);
        const bool localFits = meetsDeadline(model.localMs(u, subtasks), deadlineMs);
        for (int place = 0; place < size; ++place) {
            const int p = place < users ? incumbent.partitions[static_cast<size_t>(place)] : subtasks;
            bool fits = localFits;
            if (p < subtasks) {
                const size_t at = static_cast<size_t>(place);
                const double lateMs = std::max(0.0, model.arrivalMs(u, p) - timing.firstStartMs[at]);
                fits = (lateMs <= 0 || (allowDelay && lateMs <= timing.delayMs[at])) &&
                       meetsDeadline(timing.finishMs[at] + lateMs, deadlineMs);
            }
            cost[static_cast<size_t>(u) * static_cast<size_t>(size) + static_cast<size_t>(place)] =
                fits ? model.energyMj(u, p) : forbidden;
        }
    }
    return cost;
}

/// The schedule with user u at place placeOf[u] (a place < M is that user's partition and batches
/// in @p incumbent, one >= M computes locally), when it costs less than @p incumbentMj. O(M + S).
std::optional<Schedule> placeUsers(const CostModel& model, const Schedule& incumbent, const std::vector<int>& placeOf,
                                   double incumbentMj)
{
    const int users = model.userCount();
    const int subtasks = model.subtaskCount();
    Schedule reassigned = incumbent;
    std::vector<int> userAt(static_cast<size_t>(users), -1);
    double energyMj = 0;
    for (int u = 0; u < users; ++u) {
        const int place = placeOf[static_cast<size_t>(u)];
        const bool own = place < users;
        reassigned.partitions[static_cast<size_t>(u)] = own ? incumbent.partitions[static_cast<size_t>(place)] : subtasks;
        if (reassigned.groups.size() == incumbent.partitions.size())
            reassigned.groups[static_cast<size_t>(u)] = own ? incumbent.groups[static_cast<size_t>(place)] : -1;
        if (own)
            userAt[static_cast<size_t>(place)] = u;
        energyMj += model.energyMj(u, reassigned.partitions[static_cast<size_t>(u)]);
    }
    if (energyMj >= incumbentMj * (1 - 1e-12))
        return std::nullopt;
    reassigned.batches.clear();
    for (const BatchSpec& batch : incumbent.batches) {
        BatchSpec moved{batch.subtask, {}};
        for (int place : batch.users)
            if (userAt[static_cast<size_t>(place)] >= 0)
                moved.users.push_back(userAt[static_cast<size_t>(place)]);
        if (!moved.users.empty())
            reassigned.batches.push_back(std::move(moved));
    }
    return reassigned;
}

} // namespace

namespace {

/// The state of improveByWindows: the incumbent, the windows searched since it last changed, and
/// the cheapest plan the slot reassignment has found beside it.
class WindowSearch {
public:
    WindowSearch(const CostModel& model, WorkMeter& meter, const Schedule& start, double startMj, long long workUntil,
                 int maxWindow)
        : m_model(model)
        , m_meter(meter)
        , m_workUntil(workUntil)
        , m_maxWindow(std::min(model.userCount(), maxWindow))
        , m_random(0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(model.userCount()))
        , m_incumbent(start)
        , m_incumbentMj(std::min(startMj, energyOf(model, start.partitions)))
        , m_share(std::max<long long>(100'000, (workUntil - meter.used()) / kWindowsPerStage))
    {
        m_outcome.energyMj = m_incumbentMj;
    }

    NeighbourhoodOutcome run()
    {
        int size = std::min(m_model.userCount(), 6);
        size_t level = 0;
        while (m_meter.used() < m_workUntil) {
            const bool improved = pass(size, level);
            if (m_outcome.stop || !probeSlots())
                break;
            if (improved)
                continue;
            // Windows above 12 users only with the deeper schedule searches: at the first level
            // they took the budget that the deeper passes of smaller windows used better.
            const int largest = level == 0 ? std::min(m_maxWindow, 12) : m_maxWindow;
            if (size < largest) {
                size = std::min(largest, size * 2);
            } else if (++level < std::size(kScheduleNodeLevels)) {
                size = std::min(m_model.userCount(), 6);
                m_searched.clear();
            } else if (m_slotsMj < m_incumbentMj * (1 - 1e-12)) {
                // Every window failed: go on from the reassigned plan, the windows afresh.
                adopt(*m_slots);
                size = std::min(m_model.userCount(), 6);
                level = 0;
            } else {
                break;
            }
        }
        if (m_slots && m_slotsMj < m_outcome.energyMj) {
            m_outcome.improved = m_slots;
            m_outcome.energyMj = m_slotsMj;
        }
        return m_outcome;
    }

private:
    /// One pass over the windows of @p size users at schedule-search level @p level. Returns
    /// whether the incumbent improved.
    bool pass(int size, size_t level)
    {
        bool improved = false;
        // Every other pass orders ties by arrival: each order found plans the other missed.
        const bool tiesByArrival = ++m_passes % 2 == 1;
        for (const std::vector<int>& window : windowsOf(m_model, m_incumbent.partitions, size, m_random, tiesByArrival)) {
            if (m_meter.used() >= m_workUntil)
                break;
            std::vector<int> key(window);
            std::sort(key.begin(), key.end());
            if (!m_searched.insert(std::move(key)).second)
                continue;
            const WindowLimits limits{std::min(m_workUntil, m_meter.used() + m_share), kScheduleNodeLevels[level]};
            WindowOutcome found = searchWindow(m_model, m_meter, m_incumbent, m_incumbentMj, window, limits);
            if (found.improved) {
                adopt(std::move(*found.improved));
                improved = true;
            }
            if (found.stop) {
                m_outcome.stop = found.stop;
                break;
            }
        }
        return improved;
    }

    /// Reassigns the incumbent's places until that saves nothing more and keeps the result beside
    /// the incumbent, not instead of it: its plans are tight, and the windows went further from
    /// the incumbent on some instances (docs/algorithms.md section 8). False when the meter stopped.
    bool probeSlots()
    {
        try {
            Schedule current = m_incumbent;
            double currentMj = m_incumbentMj;
            while (std::optional<Schedule> better = reassignSlots(m_model, m_meter, current, currentMj)) {
                current = std::move(*better);
                currentMj = energyOf(m_model, current.partitions);
            }
            if (currentMj < m_incumbentMj * (1 - 1e-12) && currentMj < m_slotsMj) {
                m_slotsMj = currentMj;
                m_slots = std::move(current);
            }
        } catch (const SearchStopped& stop) {
            m_outcome.stop = stop.reason;
            return false;
        }
        return true;
    }

    void adopt(Schedule schedule)
    {
        m_incumbent = std::move(schedule);
        m_incumbentMj = energyOf(m_model, m_incumbent.partitions);
        m_outcome.improved = m_incumbent;
        m_outcome.energyMj = m_incumbentMj;
        m_searched.clear();
    }

    const CostModel& m_model;
    WorkMeter& m_meter;
    const long long m_workUntil;
    const int m_maxWindow;
    SeededRandom m_random;
    Schedule m_incumbent;
    double m_incumbentMj;
    const long long m_share; ///< units one window's search may spend
    // The windows searched without success since the incumbent last changed: the search is
    // deterministic, so searching one again at the same level finds nothing either.
    std::set<std::vector<int>> m_searched;
    std::optional<Schedule> m_slots; ///< the cheapest reassigned plan, when cheaper than the incumbent then
    double m_slotsMj = std::numeric_limits<double>::infinity();
    NeighbourhoodOutcome m_outcome;
    int m_passes = 0; ///< passes begun
};

} // namespace

NeighbourhoodOutcome improveByWindows(const CostModel& model, WorkMeter& meter, const Schedule& start, double startMj,
                                      long long workUntil, int maxWindow)
{
    // Below this many users the branch and bound that follows searches them all at once.
    if (model.userCount() <= 2) {
        NeighbourhoodOutcome outcome;
        outcome.energyMj = std::min(startMj, energyOf(model, start.partitions));
        return outcome;
    }
    return WindowSearch(model, meter, start, startMj, workUntil, maxWindow).run();
}

std::optional<Schedule> reassignSlots(const CostModel& model, WorkMeter& meter, const Schedule& incumbent, double incumbentMj)
{
    const int users = model.userCount();
    const int subtasks = model.subtaskCount();
    if (users < 2 || users > kMaxSlotUsers)
        return std::nullopt;
    int offloading = 0;
    double forbidden = 1;
    for (int m = 0; m < users; ++m) {
        offloading += incumbent.partitions[static_cast<size_t>(m)] < subtasks;
        for (int p = 0; p <= subtasks; ++p)
            forbidden += model.energyMj(m, p);
    }
    // Leaving a place empty makes its batches smaller, which only edge times that never fall as a
    // batch grows allow without re-checking.
    const int size = users + (model.edgeIsMonotone() ? offloading : 0);
    const Timing timing = timeSchedule(model, incumbent);
    // First with places that may start later within the slack after them (several such delays
    // can add up, so the result is re-timed), then only with places that start no later.
    for (bool allowDelay : {true, false}) {
        meter.spend(static_cast<long long>(size) * size * size / 8 + 2LL * users * (subtasks + 1));
        const std::vector<int> placeOf =
            leastCostAssignment(slotCosts(model, incumbent, timing, size, 2 * forbidden, allowDelay), size);
        std::optional<Schedule> reassigned = placeUsers(model, incumbent, placeOf, incumbentMj);
        if (reassigned && meetsEveryDeadline(model, *reassigned))
            return reassigned;
    }
    return std::nullopt;
}

} // namespace coinfer
