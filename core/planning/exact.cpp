// Exact: global optimum over every partition vector and every batch schedule. Energy depends on
// the partitions alone, so a branch and bound over partitions (cheapest first) asks a schedule
// search whether each candidate vector can meet every deadline. Anytime: stopped early, it
// returns its incumbent and the least bound of the subtrees it has not closed.

#include "core/planning/planner.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Largest candidate set whose member subsets are all enumerated; above it the schedule search
/// tries a few readiness-ordered batches only and its "infeasible" proves nothing.
constexpr size_t kMaxEnumeratedCandidates = 12;

/// Failed states remembered per schedule search, counted in stored numbers (8 bytes each):
/// 4 million numbers, 32 MB, after which the memory is cleared and filled again.
constexpr size_t kMaxStoredNumbers = 4'000'000;

/// Depth-first search over batch sequences for fixed partitions. Each batch starts as soon as the
/// GPU and its members are ready (waiting longer never helps with deadlines alone).
class ScheduleSearch {
public:
    ScheduleSearch(const CostModel& model, WorkMeter& meter)
        : m_model(model), m_meter(meter)
    {
        for (int n = m_model.subtaskCount(); n >= 1; --n)
            m_tailMs.insert(m_tailMs.begin(), (m_tailMs.empty() ? 0.0 : m_tailMs.front()) + m_model.minEdgeMs(n));
        m_tailMs.push_back(0.0); // m_tailMs[n-1] = sum of min tau over sub-tasks n..N
    }

    /// True when the users with partitions[m] < N (others ignored, marked -1 to skip) can all
    /// meet their deadlines; the batch order found is left in batches(). A false answer is a
    /// proof only when complete() is true afterwards.
    bool feasible(const std::vector<int>& partitions)
    {
        m_users.clear();
        m_next.clear();
        m_readyMs.clear();
        for (int m = 0; m < m_model.userCount(); ++m) {
            const int p = partitions[static_cast<size_t>(m)];
            if (p < 0 || p >= m_model.subtaskCount())
                continue;
            m_users.push_back(m);
            m_next.push_back(p + 1);
            m_readyMs.push_back(m_model.arrivalMs(m, p));
        }
        m_failed.clear();
        m_storedNumbers = 0;
        m_batches.clear();
        m_complete = true;
        return search(m_model.edgeFreeAtMs());
    }

    const std::vector<BatchSpec>& batches() const { return m_batches; }
    bool complete() const { return m_complete; }

private:
    bool search(double gpuFreeMs)
    {
        m_meter.spend(static_cast<long long>(m_users.size()) + 1);
        const int n = m_model.subtaskCount();
        bool done = true;
        for (size_t u = 0; u < m_users.size(); ++u) {
            if (m_next[u] > n)
                continue;
            done = false;
            const double earliest = std::max(m_readyMs[u], gpuFreeMs) + m_tailMs[static_cast<size_t>(m_next[u] - 1)];
            if (!meetsDeadline(earliest, m_model.deadlineMs(m_users[u])))
                return false;
        }
        if (done)
            return true;
        if (dominatedByFailure(gpuFreeMs))
            return false;

        for (int subtask = 1; subtask <= n; ++subtask) {
            std::vector<size_t> candidates;
            for (size_t u = 0; u < m_users.size(); ++u)
                if (m_next[u] == subtask)
                    candidates.push_back(u);
            if (candidates.empty())
                continue;
            for (const auto& members : batchChoices(subtask, candidates, gpuFreeMs))
                if (tryBatch(subtask, members, gpuFreeMs))
                    return true;
        }
        remember(gpuFreeMs);
        return false;
    }

    std::vector<std::vector<size_t>> batchChoices(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs)
    {
        std::vector<std::vector<size_t>> choices;
        const int maxBatch = m_model.maxBatch();
        bool constant = true;
        for (int b = 2; b <= maxBatch; ++b)
            constant = constant && m_model.edgeMs(subtask, b) == m_model.edgeMs(subtask, 1);
        const bool allFit = static_cast<int>(candidates.size()) <= maxBatch;
        if ((constant && allFit) || candidates.size() > kMaxEnumeratedCandidates) {
            // With tau constant in b and room for all, adding a member that is ready by the start
            // costs nothing and only moves it ahead, so each choice is "everyone ready by one of the
            // ready times" (complete). Otherwise this is the fallback for large candidate sets:
            // the most urgent B_max of those ready by each ready time (incomplete).
            if (!(constant && allFit))
                m_complete = false;
            std::vector<size_t> byUrgency(candidates);
            std::stable_sort(byUrgency.begin(), byUrgency.end(), [&](size_t a, size_t b) {
                return m_model.deadlineMs(m_users[a]) < m_model.deadlineMs(m_users[b]);
            });
            std::vector<double> starts;
            for (size_t u : candidates)
                starts.push_back(std::max(gpuFreeMs, m_readyMs[u]));
            std::sort(starts.begin(), starts.end());
            starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
            for (double start : starts) {
                std::vector<size_t> members;
                for (size_t u : byUrgency)
                    if (m_readyMs[u] <= start && static_cast<int>(members.size()) < maxBatch)
                        members.push_back(u);
                choices.push_back(std::move(members));
            }
            return choices;
        }
        const size_t count = candidates.size();
        for (unsigned long mask = (1ul << count) - 1; mask > 0; --mask) {
            if (std::popcount(mask) > maxBatch)
                continue;
            std::vector<size_t> members;
            for (size_t bit = 0; bit < count; ++bit)
                if (mask & (1ul << bit))
                    members.push_back(candidates[bit]);
            choices.push_back(std::move(members));
        }
        return choices;
    }

    bool tryBatch(int subtask, const std::vector<size_t>& members, double gpuFreeMs)
    {
        double startMs = gpuFreeMs;
        for (size_t u : members)
            startMs = std::max(startMs, m_readyMs[u]);
        const double endMs = startMs + m_model.edgeMs(subtask, static_cast<int>(members.size()));
        if (subtask == m_model.subtaskCount())
            for (size_t u : members)
                if (!meetsDeadline(endMs, m_model.deadlineMs(m_users[u])))
                    return false;
        std::vector<double> savedReady;
        for (size_t u : members) {
            savedReady.push_back(m_readyMs[u]);
            m_readyMs[u] = endMs;
            ++m_next[u];
        }
        BatchSpec batch{subtask, {}};
        for (size_t u : members)
            batch.users.push_back(m_users[u]);
        m_batches.push_back(std::move(batch));
        if (search(endMs))
            return true;
        m_batches.pop_back();
        for (size_t i = 0; i < members.size(); ++i) {
            m_readyMs[members[i]] = savedReady[i];
            --m_next[members[i]];
        }
        return false;
    }

    std::vector<double> snapshot(double gpuFreeMs) const
    {
        std::vector<double> state(m_readyMs);
        state.push_back(gpuFreeMs);
        return state;
    }

    void remember(double gpuFreeMs)
    {
        if (m_storedNumbers + m_readyMs.size() + 1 > kMaxStoredNumbers) {
            m_failed.clear();
            m_storedNumbers = 0;
        }
        m_failed[m_next].push_back(snapshot(gpuFreeMs));
        m_storedNumbers += m_readyMs.size() + 1 + m_next.size();
    }

    // A state with the same progress but everything ready no earlier than a failed one fails too.
    bool dominatedByFailure(double gpuFreeMs) const
    {
        auto it = m_failed.find(m_next);
        if (it == m_failed.end())
            return false;
        // Scanning the failed states is most of a node's cost when many are remembered.
        m_meter.spend(static_cast<long long>(it->second.size() * (m_readyMs.size() + 1)));
        const std::vector<double> state = snapshot(gpuFreeMs);
        for (const auto& failed : it->second) {
            bool dominated = true;
            for (size_t i = 0; i < state.size() && dominated; ++i)
                dominated = failed[i] <= state[i];
            if (dominated)
                return true;
        }
        return false;
    }

    const CostModel& m_model;
    WorkMeter& m_meter;
    std::vector<double> m_tailMs;
    std::vector<int> m_users, m_next;
    std::vector<double> m_readyMs;
    std::map<std::vector<int>, std::vector<std::vector<double>>> m_failed;
    size_t m_storedNumbers = 0;
    std::vector<BatchSpec> m_batches;
    bool m_complete = true;
};

/// The branch and bound over partition vectors. Its open subtrees are the untried options along
/// the current path, so their least energy bound is a proven lower bound at any moment.
class PartitionSearch {
public:
    PartitionSearch(const CostModel& model, WorkMeter& meter)
        : m_model(model), m_meter(meter), m_schedules(model, meter)
        , m_partitions(static_cast<size_t>(model.userCount()), -1)
    {
        // Tight users first: their choices prune the most.
        m_order.resize(static_cast<size_t>(model.userCount()));
        std::iota(m_order.begin(), m_order.end(), 0);
        std::stable_sort(m_order.begin(), m_order.end(),
                         [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
        for (int m : m_order)
            m_options.push_back(model.aloneOptionsCheapestFirst(m));
        m_minRestMj.assign(m_order.size() + 1, 0.0);
        for (size_t i = m_order.size(); i-- > 0;)
            m_minRestMj[i] = m_minRestMj[i + 1]
                + (m_options[i].empty() ? kInf : m_model.energyMj(m_order[i], m_options[i].front()));
        // Dropping a user from a feasible schedule keeps it feasible only if smaller batches are
        // never slower; only then may a partial assignment be pruned by its own infeasibility.
        m_prunePartial = model.edgeIsMonotone();
        m_path.resize(m_order.size());
    }

    /// Starts from a known feasible plan, so that only strictly cheaper ones are searched.
    void setIncumbent(const Schedule& schedule, double energyMj)
    {
        m_best = schedule;
        m_bestMj = energyMj;
        m_haveBest = true;
    }

    /// Runs to the end or until the meter stops it. Returns why it ended.
    SearchEnd run()
    {
        try {
            m_depth = 0;
            descend(0, 0.0);
            m_openBoundMj = kInf;
            return SearchEnd::Completed;
        } catch (const SearchStopped& stop) {
            m_openBoundMj = openBound();
            return stop.reason;
        }
    }

    bool haveBest() const { return m_haveBest; }
    const Schedule& best() const { return m_best; }
    double bestMj() const { return m_bestMj; }
    /// The proven lower bound on the optimal energy after run(): the least of the incumbent, the
    /// open subtrees and the subtrees closed by an incomplete schedule search.
    double lowerBoundMj() const
    {
        return std::max(m_minRestMj[0], std::min({m_bestMj, m_openBoundMj, m_unresolvedMj}));
    }
    /// The root bound: every user at its cheapest option it could meet alone.
    double rootBoundMj() const { return m_minRestMj[0]; }

private:
    struct PathStep {
        double energyBeforeMj = 0; // energy of the users assigned above this level
        size_t option = 0;         // index into m_options of the option being explored
    };

    void descend(size_t index, double energyMj)
    {
        if (energyMj + m_minRestMj[index] >= m_bestMj * (1 - 1e-12))
            return;
        if (index == m_order.size()) {
            const bool ok = m_schedules.feasible(m_partitions);
            if (ok) {
                m_bestMj = energyMj;
                m_haveBest = true;
                m_best.partitions = m_partitions;
                m_best.batches = m_schedules.batches();
                m_best.groups.assign(m_partitions.size(), -1);
                for (size_t m = 0; m < m_partitions.size(); ++m)
                    if (m_partitions[m] < m_model.subtaskCount())
                        m_best.groups[m] = 0;
                m_meter.setIncumbent(m_bestMj);
            } else if (!m_schedules.complete()) {
                m_unresolvedMj = std::min(m_unresolvedMj, energyMj);
            }
            return;
        }
        const int user = m_order[index];
        const auto& options = m_options[index];
        for (size_t i = 0; i < options.size(); ++i) {
            const int p = options[i];
            const double energyWith = energyMj + m_model.energyMj(user, p);
            if (energyWith + m_minRestMj[index + 1] >= m_bestMj * (1 - 1e-12))
                break; // options are cheapest first: the rest cannot do better
            m_path[index] = {energyMj, i};
            m_depth = index + 1;
            m_partitions[static_cast<size_t>(user)] = p;
            const bool offloads = p < m_model.subtaskCount();
            bool go = true;
            if (offloads && m_prunePartial && index + 1 < m_order.size()) {
                go = m_schedules.feasible(m_partitions);
                if (!go && !m_schedules.complete())
                    m_unresolvedMj = std::min(m_unresolvedMj, energyWith + m_minRestMj[index + 1]);
            }
            if (go)
                descend(index + 1, energyWith);
        }
        m_partitions[static_cast<size_t>(user)] = -1;
        m_depth = index;
    }

    // The subtrees not yet closed when the search stopped: the option in progress at the deepest
    // level, and the untried options (cheapest first) at every level above it.
    double openBound() const
    {
        double bound = kInf;
        for (size_t level = 0; level < m_depth; ++level) {
            const PathStep& step = m_path[level];
            const auto& options = m_options[level];
            const int user = m_order[level];
            const size_t from = level + 1 == m_depth ? step.option : step.option + 1;
            if (from < options.size())
                bound = std::min(bound, step.energyBeforeMj + m_model.energyMj(user, options[from]) + m_minRestMj[level + 1]);
        }
        if (m_depth == 0)
            bound = m_minRestMj[0];
        return bound;
    }

    const CostModel& m_model;
    WorkMeter& m_meter;
    ScheduleSearch m_schedules;
    std::vector<int> m_order;
    std::vector<std::vector<int>> m_options;
    std::vector<double> m_minRestMj;
    std::vector<int> m_partitions; // -1 while unassigned (ignored by the schedule search)
    std::vector<PathStep> m_path;
    size_t m_depth = 0;            // levels of m_path in use
    bool m_prunePartial = false;
    double m_bestMj = kInf;
    bool m_haveBest = false;
    double m_openBoundMj = kInf;
    double m_unresolvedMj = kInf;
    Schedule m_best;
};

} // namespace

ExactOutcome searchExact(const CostModel& model, WorkMeter& meter, const Schedule* incumbent, double incumbentMj)
{
    PartitionSearch search(model, meter);
    if (incumbent)
        search.setIncumbent(*incumbent, incumbentMj);
    ExactOutcome outcome;
    outcome.end = search.run();
    outcome.found = search.haveBest();
    if (outcome.found) {
        outcome.schedule = search.best();
        outcome.energyMj = search.bestMj();
    }
    outcome.lowerBoundMj = search.lowerBoundMj();
    outcome.rootBoundMj = search.rootBoundMj();
    return outcome;
}

Expected<Schedule> planExact(const CostModel& model, const SearchControl& control)
{
    WorkMeter meter(control);
    const ExactOutcome outcome = searchExact(model, meter, nullptr, kInf);
    if (outcome.end != SearchEnd::Completed)
        return Unexpected(Error{ErrorCode::TooLarge, std::string("the exact search stopped before it proved an optimum (")
                                              + searchEndName(outcome.end) + ")"});
    if (outcome.found && outcome.lowerBoundMj >= outcome.energyMj * (1 - 1e-9))
        return outcome.schedule;
    if (!outcome.found && !std::isfinite(outcome.lowerBoundMj))
        return Unexpected(Error{ErrorCode::Infeasible, "no partition and batch schedule meets every deadline"});
    return Unexpected(Error{ErrorCode::TooLarge, "the exact search's schedule search was incomplete for this instance (over "
                                          + std::to_string(kMaxEnumeratedCandidates) + " users at one sub-task)"});
}

} // namespace coinfer
