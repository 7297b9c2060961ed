// Exact: global optimum over every partition vector and every batch schedule. Energy depends on
// the partitions alone, so a branch and bound over partitions (cheapest first) asks a schedule
// search whether each candidate vector can meet every deadline.

#include "core/planner.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct NodeBudgetExceeded {};

/// Depth-first search over batch sequences for fixed partitions. Each batch starts as soon as the
/// GPU and its members are ready (waiting longer never helps with deadlines alone).
class ScheduleSearch {
public:
    ScheduleSearch(const CostModel& model, long long& nodes, long long maxNodes)
        : m_model(model), m_nodes(nodes), m_maxNodes(maxNodes)
    {
        for (int n = m_model.subtaskCount(); n >= 1; --n)
            m_tailMs.insert(m_tailMs.begin(), (m_tailMs.empty() ? 0.0 : m_tailMs.front()) + m_model.minEdgeMs(n));
        m_tailMs.push_back(0.0); // m_tailMs[n-1] = sum of min tau over sub-tasks n..N
    }

    /// True when the users with partitions[m] < N (others ignored, marked -1 to skip) can all
    /// meet their deadlines; the batch order found is left in batches().
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
        m_batches.clear();
        return search(0.0);
    }

    const std::vector<BatchSpec>& batches() const { return m_batches; }

private:
    bool search(double gpuFreeMs)
    {
        if (++m_nodes > m_maxNodes)
            throw NodeBudgetExceeded{};
        const int n = m_model.subtaskCount();
        bool done = true;
        for (size_t u = 0; u < m_users.size(); ++u) {
            if (m_next[u] > n)
                continue;
            done = false;
            const double earliest = std::max(m_readyMs[u], gpuFreeMs) + m_tailMs[static_cast<size_t>(m_next[u] - 1)];
            if (earliest > m_model.deadlineMs(m_users[u]) + kTimeEpsMs)
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
        m_failed[m_next].push_back(snapshot(gpuFreeMs));
        return false;
    }

    std::vector<std::vector<size_t>> batchChoices(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs) const
    {
        std::vector<std::vector<size_t>> choices;
        const int maxBatch = m_model.maxBatch();
        bool constant = true;
        for (int b = 2; b <= maxBatch; ++b)
            constant = constant && m_model.edgeMs(subtask, b) == m_model.edgeMs(subtask, 1);
        if (constant && static_cast<int>(candidates.size()) <= maxBatch) {
            // With tau constant in b, adding a member that is ready by the start costs nothing and
            // only moves it ahead, so each choice is "everyone ready by one of the ready times".
            std::vector<double> starts;
            for (size_t u : candidates)
                starts.push_back(std::max(gpuFreeMs, m_readyMs[u]));
            std::sort(starts.begin(), starts.end());
            starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
            for (double start : starts) {
                std::vector<size_t> members;
                for (size_t u : candidates)
                    if (m_readyMs[u] <= start)
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
                if (endMs > m_model.deadlineMs(m_users[u]) + kTimeEpsMs)
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

    // A state with the same progress but everything ready no earlier than a failed one fails too.
    bool dominatedByFailure(double gpuFreeMs) const
    {
        auto it = m_failed.find(m_next);
        if (it == m_failed.end())
            return false;
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
    long long& m_nodes;
    long long m_maxNodes;
    std::vector<double> m_tailMs;
    std::vector<int> m_users, m_next;
    std::vector<double> m_readyMs;
    std::map<std::vector<int>, std::vector<std::vector<double>>> m_failed;
    std::vector<BatchSpec> m_batches;
};

class PartitionSearch {
public:
    PartitionSearch(const CostModel& model, const ExactLimits& limits)
        : m_model(model), m_schedules(model, m_nodes, limits.maxNodes)
        , m_partitions(static_cast<size_t>(model.userCount()), -1)
    {
        // Tight users first: their choices prune the most.
        m_order.resize(static_cast<size_t>(model.userCount()));
        std::iota(m_order.begin(), m_order.end(), 0);
        std::stable_sort(m_order.begin(), m_order.end(),
                         [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
        for (int m : m_order) {
            std::vector<int> options;
            for (int p = 0; p <= model.subtaskCount(); ++p)
                if (model.feasibleAlone(m, p))
                    options.push_back(p);
            std::stable_sort(options.begin(), options.end(),
                             [&](int a, int b) { return model.energyMj(m, a) < model.energyMj(m, b); });
            m_options.push_back(std::move(options));
        }
        m_minRestMj.assign(m_order.size() + 1, 0.0);
        for (size_t i = m_order.size(); i-- > 0;)
            m_minRestMj[i] = m_minRestMj[i + 1]
                + (m_options[i].empty() ? kInf : m_model.energyMj(m_order[i], m_options[i].front()));
        // Dropping a user from a feasible schedule keeps it feasible only if smaller batches are
        // never slower; only then may a partial assignment be pruned by its own infeasibility.
        m_prunePartial = model.edgeIsMonotone();
    }

    bool run()
    {
        descend(0, 0.0);
        return std::isfinite(m_bestMj);
    }

    Schedule best() const { return m_best; }

private:
    void descend(size_t index, double energyMj)
    {
        if (energyMj + m_minRestMj[index] >= m_bestMj * (1 - 1e-12))
            return;
        if (index == m_order.size()) {
            if (m_schedules.feasible(m_partitions)) {
                m_bestMj = energyMj;
                m_best.partitions = m_partitions;
                m_best.batches = m_schedules.batches();
                m_best.groups.assign(m_partitions.size(), -1);
                for (size_t m = 0; m < m_partitions.size(); ++m)
                    if (m_partitions[m] < m_model.subtaskCount())
                        m_best.groups[m] = 0;
            }
            return;
        }
        const int user = m_order[index];
        for (int p : m_options[index]) {
            m_partitions[static_cast<size_t>(user)] = p;
            const bool offloads = p < m_model.subtaskCount();
            if (!offloads || !m_prunePartial || index + 1 == m_order.size() || m_schedules.feasible(m_partitions))
                descend(index + 1, energyMj + m_model.energyMj(user, p));
        }
        m_partitions[static_cast<size_t>(user)] = -1;
    }

    const CostModel& m_model;
    long long m_nodes = 0;
    ScheduleSearch m_schedules;
    std::vector<int> m_order;
    std::vector<std::vector<int>> m_options;
    std::vector<double> m_minRestMj;
    std::vector<int> m_partitions; // -1 while unassigned (ignored by the schedule search)
    bool m_prunePartial = false;
    double m_bestMj = kInf;
    Schedule m_best;
};

} // namespace

Expected<Schedule> planExact(const CostModel& model, const ExactLimits& limits)
{
    if (model.userCount() > limits.maxUsers || model.subtaskCount() > limits.maxSubtasks)
        return Error{ErrorCode::TooLarge,
                     "the exact search accepts at most " + std::to_string(limits.maxUsers) + " users and "
                         + std::to_string(limits.maxSubtasks) + " sub-tasks; this scenario has "
                         + std::to_string(model.userCount()) + " users and " + std::to_string(model.subtaskCount())
                         + " sub-tasks (use og or ip-ssa)"};
    PartitionSearch search(model, limits);
    try {
        if (!search.run())
            return Error{ErrorCode::Infeasible, "no partition and batch schedule meets every deadline"};
    } catch (const NodeBudgetExceeded&) {
        return Error{ErrorCode::TooLarge, "the exact search gave up after " + std::to_string(limits.maxNodes)
                                              + " schedule-search nodes (use og or ip-ssa)"};
    }
    return search.best();
}

} // namespace coinfer
