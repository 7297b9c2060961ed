#include "core/planning/roundbounds.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <utility>

namespace coinfer {

RoundBounds::RoundBounds(const CostModel& model)
    : m_userCount(model.userCount()), m_subtaskCount(model.subtaskCount()), m_maxBatch(model.maxBatch())
{
    m_edgeMs.reserve(static_cast<size_t>(m_subtaskCount) * static_cast<size_t>(m_maxBatch));
    for (int n = 1; n <= m_subtaskCount; ++n)
        for (int b = 1; b <= m_maxBatch; ++b)
            m_edgeMs.push_back(model.edgeMs(n, b));
    m_boundMs.reserve(static_cast<size_t>(m_subtaskCount) * static_cast<size_t>(m_userCount + 1));
    for (int n = 1; n <= m_subtaskCount; ++n) {
        double hull = 0;
        for (int k = 0; k <= m_userCount; ++k) {
            hull = std::max(hull, chunkedMs(n, k));
            m_boundMs.push_back(hull);
        }
    }
}

double RoundBounds::edgeMs(int subtask, int batch) const
{
    return m_edgeMs[static_cast<size_t>(subtask - 1) * static_cast<size_t>(m_maxBatch) + static_cast<size_t>(batch - 1)];
}

double RoundBounds::chunkedMs(int subtask, int users) const
{
    const int full = users / m_maxBatch;
    const int rest = users % m_maxBatch;
    return full * edgeMs(subtask, m_maxBatch) + (rest > 0 ? edgeMs(subtask, rest) : 0.0);
}

double RoundBounds::boundMs(int subtask, int users) const
{
    users = std::clamp(users, 0, m_userCount);
    return m_boundMs[static_cast<size_t>(subtask - 1) * static_cast<size_t>(m_userCount + 1) + static_cast<size_t>(users)];
}

std::vector<double> RoundBounds::remainingMs(const std::vector<int>& usersPerSubtask) const
{
    const int n = m_subtaskCount;
    std::vector<double> remaining(static_cast<size_t>(n + 1), 0.0);
    for (int p = n - 1; p >= 0; --p)
        remaining[static_cast<size_t>(p)] =
            remaining[static_cast<size_t>(p + 1)] + boundMs(p + 1, usersPerSubtask[static_cast<size_t>(p)]);
    return remaining;
}

namespace {

/// A member of a round with the keys of its place in the round's batches.
struct KeyedMember {
    int partition;
    double arrivalMs;
    int user;
};

/// roundBatches into @p batches from index @p used on, overwriting the batches there so that
/// their member vectors keep their capacity (the schedule search rebuilds rounds for every
/// partition vector it checks). Returns the index after the last batch written.
size_t writeRoundBatches(const CostModel& model, const std::vector<int>& members, const std::vector<int>& partitions,
                         const std::function<void()>& ask, std::vector<KeyedMember>& keyed, std::vector<BatchSpec>& batches,
                         size_t used)
{
    unsigned steps = 0;
    const auto step = [&ask, &steps] {
        if (ask && (++steps & 0xFFFFU) == 0)
            ask();
    };
    // Members that were at the edge earliest go first, so full batches start as early as possible.
    // The keys are gathered first: looking them up in the cost model's tables inside the
    // comparison cost a cache miss each, a quarter of planning 10^6 users.
    keyed.clear();
    for (int m : members) {
        const int p = partitions[static_cast<size_t>(m)];
        if (p >= model.subtaskCount())
            continue;
        step();
        keyed.push_back({p, model.arrivalMs(m, p), m});
    }
    if (keyed.empty())
        return used;
    std::stable_sort(keyed.begin(), keyed.end(), [&step](const KeyedMember& a, const KeyedMember& b) {
        step();
        if (a.partition != b.partition)
            return a.partition < b.partition;
        return a.arrivalMs < b.arrivalMs;
    });
    const auto open = [&](int n) -> BatchSpec& {
        if (used == batches.size())
            batches.emplace_back();
        BatchSpec& batch = batches[used];
        batch.subtask = n;
        batch.users.clear();
        return batch;
    };
    for (int n = keyed.front().partition + 1; n <= model.subtaskCount(); ++n) {
        BatchSpec* batch = nullptr;
        for (const KeyedMember& member : keyed) {
            if (member.partition >= n)
                break;
            if (!batch)
                batch = &open(n);
            batch->users.push_back(member.user);
            if (static_cast<int>(batch->users.size()) == model.maxBatch()) {
                ++used;
                batch = nullptr;
            }
        }
        if (batch)
            ++used;
    }
    return used;
}

} // namespace

std::vector<BatchSpec> roundBatches(const CostModel& model, const std::vector<int>& members, const std::vector<int>& partitions,
                                    const std::function<void()>& ask)
{
    std::vector<KeyedMember> keyed;
    keyed.reserve(members.size());
    std::vector<BatchSpec> batches;
    batches.resize(writeRoundBatches(model, members, partitions, ask, keyed, batches, 0));
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

double scheduleEnergyMj(const CostModel& model, const Schedule& schedule)
{
    double total = 0;
    for (int m = 0; m < model.userCount(); ++m)
        total += model.energyMj(m, schedule.partitions[static_cast<size_t>(m)]);
    return total;
}

} // namespace

Schedule roundSchedule(const CostModel& model, const std::vector<int>& partitions, const std::vector<int>& groups)
{
    Schedule schedule{partitions, groups, {}};
    rebuildRounds(model, schedule);
    return schedule;
}

void rebuildRounds(const CostModel& model, Schedule& schedule)
{
    // The offloading users by round, in index order within each: one sort of (round, user)
    // pairs instead of a map of vectors, and the batches written over the old ones, since the
    // schedule search rebuilds rounds for every partition vector it checks.
    std::vector<std::pair<int, int>> byRound;
    for (int m = 0; m < model.userCount(); ++m)
        if (schedule.partitions[static_cast<size_t>(m)] < model.subtaskCount())
            byRound.emplace_back(schedule.groups[static_cast<size_t>(m)], m);
        else
            schedule.groups[static_cast<size_t>(m)] = -1;
    std::sort(byRound.begin(), byRound.end());
    std::vector<int> users;
    std::vector<KeyedMember> keyed;
    size_t used = 0;
    for (size_t first = 0; first < byRound.size();) {
        users.clear();
        size_t last = first;
        for (; last < byRound.size() && byRound[last].first == byRound[first].first; ++last)
            users.push_back(byRound[last].second);
        used = writeRoundBatches(model, users, schedule.partitions, {}, keyed, schedule.batches, used);
        first = last;
    }
    schedule.batches.resize(used);
}

bool repairToLimits(const CostModel& model, Schedule& schedule, const std::vector<int>& limits)
{
    const int n = model.subtaskCount();
    std::map<int, std::vector<int>> members;
    for (int m = 0; m < model.userCount(); ++m)
        if (schedule.partitions[static_cast<size_t>(m)] < n)
            members[schedule.groups[static_cast<size_t>(m)]].push_back(m);
    bool changed = false;
    for (auto& [group, users] : members) {
        // Demote the members whose local computing costs least extra, until no sub-task of the
        // round serves more users than its limit. Loads grow with n, so the last sub-task's
        // excess is the largest, but a member with a large p relieves only the later sub-tasks.
        std::vector<std::pair<double, int>> byExtra; // (extra energy, user), keys gathered once as in roundBatches
        for (int m : users)
            if (meetsDeadline(model.localMs(m, n), model.deadlineMs(m)))
                byExtra.emplace_back(model.energyMj(m, n) - model.energyMj(m, schedule.partitions[static_cast<size_t>(m)]), m);
        std::stable_sort(byExtra.begin(), byExtra.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<int> demotable;
        demotable.reserve(byExtra.size());
        for (const auto& entry : byExtra)
            demotable.push_back(entry.second);
        std::vector<int> load(static_cast<size_t>(n), 0);
        for (int m : users)
            for (int s = schedule.partitions[static_cast<size_t>(m)] + 1; s <= n; ++s)
                ++load[static_cast<size_t>(s - 1)];
        for (int s = n; s >= 1; --s) {
            for (size_t i = 0; i < demotable.size() && load[static_cast<size_t>(s - 1)] > limits[static_cast<size_t>(s - 1)];
                 ++i) {
                const int m = demotable[i];
                const int p = schedule.partitions[static_cast<size_t>(m)];
                if (p >= s)
                    continue; // local already, or does not need sub-task s
                for (int t = p + 1; t <= n; ++t)
                    --load[static_cast<size_t>(t - 1)];
                schedule.partitions[static_cast<size_t>(m)] = n;
                schedule.groups[static_cast<size_t>(m)] = -1;
                changed = true;
            }
            if (load[static_cast<size_t>(s - 1)] > limits[static_cast<size_t>(s - 1)])
                return false;
        }
    }
    if (changed)
        rebuildRounds(model, schedule);
    return true;
}

namespace {

/// The state of one bound iteration: the least-energy plan kept so far and the plans made.
class BoundIteration {
public:
    using Planner = std::function<Schedule(const std::vector<double>& remainingMs)>;

    BoundIteration(const CostModel& model, const Planner& planForBounds)
        : m_model(model), m_bounds(model), m_planForBounds(planForBounds), m_subtasks(static_cast<size_t>(model.subtaskCount()))
    {
        m_accepted = planForBounds(m_bounds.remainingMs(std::vector<int>(m_subtasks, model.userCount())));
        m_acceptedMj = scheduleEnergyMj(model, m_accepted);
        m_tried[model.userCount()] = m_acceptedMj;
    }

    /// A plan made for at most K_n users per sub-task and round is feasible once its rounds are
    /// cut down to K_n (members demoted to local computing), whatever it would have liked to
    /// offload. Returns the candidate's energy (+inf when it cannot be cut down); keeps the best.
    double tryLimits(const std::vector<int>& limits)
    {
        Schedule candidate = m_planForBounds(m_bounds.remainingMs(limits));
        ++m_plans;
        if (candidate.partitions.empty())
            return std::numeric_limits<double>::infinity(); // the planner gave up on these bounds
        if (!withinLimits(largestRoundLoads(m_model, candidate), limits) && !repairToLimits(m_model, candidate, limits))
            return std::numeric_limits<double>::infinity();
        const double energy = scheduleEnergyMj(m_model, candidate);
        if (energy < m_acceptedMj * (1 - 1e-12)) {
            m_accepted = std::move(candidate);
            m_acceptedMj = energy;
        }
        return energy;
    }

    /// The energy of the plan for one limit K on every sub-task (each K planned once).
    double energyAt(int limit)
    {
        auto it = m_tried.find(limit);
        return it != m_tried.end() ? it->second : (m_tried[limit] = tryLimits(std::vector<int>(m_subtasks, limit)));
    }

    /// One K for every sub-task, first on a doubling grid from B_max / 4 up to M (the worst-case
    /// K = M can leave every user local, and its loads, none, would then teach the iteration
    /// nothing), then by golden section between the best grid point's neighbours, until
    /// @p maxPlans plans are made. Returns the best K.
    int searchUniformLimit(int maxPlans)
    {
        const int users = m_model.userCount();
        const int refinePlans = 2;
        // From large limits down: those plans are the cheap ones (long rounds open few options),
        // so a planner with a work budget spends it where the grid is still coarse.
        std::vector<int> grid;
        for (int limit = std::max(1, m_model.maxBatch() / 4); limit < users; limit *= 2)
            grid.push_back(limit);
        for (auto it = grid.rbegin(); it != grid.rend() && m_plans < maxPlans - refinePlans; ++it)
            energyAt(*it);
        auto around = m_tried.find(bestLimit());
        int low = around == m_tried.begin() ? 0 : std::prev(around)->first;
        int high = std::next(around) == m_tried.end() ? users : std::next(around)->first;
        while (high - low > 2) {
            const int a = low + (high - low) * 382 / 1000;
            const int b = low + (high - low) * 618 / 1000;
            // A pass plans each of a and b not tried yet: both must fit the budget.
            const int newPlans = static_cast<int>(!m_tried.count(a)) + static_cast<int>(!m_tried.count(b));
            if (a == b || m_plans + newPlans > maxPlans)
                break;
            if (energyAt(a) <= energyAt(b))
                high = b;
            else
                low = a;
        }
        return bestLimit();
    }

    /// The loads the kept plan really has, per sub-task (smaller bounds, more options), while
    /// that lowers the energy and fewer than @p maxPlans plans are made.
    void followRealLoads(int maxPlans)
    {
        while (m_plans < maxPlans) {
            const double before = m_acceptedMj;
            tryLimits(largestRoundLoads(m_model, m_accepted));
            if (m_acceptedMj >= before)
                break;
        }
    }

    int bestLimit() const
    {
        int best = m_model.userCount();
        for (const auto& [limit, energy] : m_tried)
            if (energy < m_tried.at(best))
                best = limit;
        return best;
    }

    int plans() const { return m_plans; }
    Schedule accepted() && { return std::move(m_accepted); }

private:
    const CostModel& m_model;
    const RoundBounds m_bounds;
    const Planner& m_planForBounds;
    size_t m_subtasks;
    Schedule m_accepted;
    double m_acceptedMj = 0;
    int m_plans = 1;
    std::map<int, double> m_tried; // K -> energy of its plan
};

bool boundIsExact(const CostModel& model)
{
    // With a constant tau and B_max >= M the first bound is exact; no iteration can change it.
    return (model.edgeIsConstant() && model.maxBatch() >= model.userCount()) || model.userCount() == 0;
}

} // namespace

Schedule planWithBoundIteration(const CostModel& model,
                                const std::function<Schedule(const std::vector<double>& remainingMs)>& planForBounds,
                                int maxPlans, std::optional<int> uniformLimit)
{
    BoundIteration iteration(model, planForBounds);
    if (boundIsExact(model))
        return std::move(iteration).accepted();
    const int fixedPointPlans = 2;
    if (uniformLimit) {
        // The hint and its neighbours on the doubling grid: the hint came from another planner.
        for (int limit : {*uniformLimit, *uniformLimit / 2, *uniformLimit * 2})
            if (iteration.plans() < maxPlans - fixedPointPlans)
                iteration.energyAt(std::clamp(limit, 1, model.userCount()));
    } else
        iteration.searchUniformLimit(maxPlans - fixedPointPlans);
    iteration.followRealLoads(maxPlans);
    return std::move(iteration).accepted();
}

int searchUniformLoadLimit(const CostModel& model,
                           const std::function<Schedule(const std::vector<double>& remainingMs)>& planForBounds, int maxPlans)
{
    if (boundIsExact(model))
        return model.userCount();
    BoundIteration iteration(model, planForBounds);
    return iteration.searchUniformLimit(maxPlans);
}

} // namespace coinfer
