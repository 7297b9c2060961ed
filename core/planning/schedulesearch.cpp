#include "core/planning/schedulesearch.h"

#include "core/planning/roundbuilder.h"

#include <algorithm>
#include <bit>

namespace coinfer {
namespace {

/// Largest candidate set whose member subsets are all enumerated; above it the schedule search
/// tries a few readiness-ordered batches only and its "infeasible" proves nothing.
constexpr size_t kMaxEnumeratedCandidates = 12;

/// Failed states remembered per schedule search, counted in stored numbers (8 bytes each):
/// 4 million numbers, 32 MB, after which the memory is cleared and filled again.
constexpr size_t kMaxStoredNumbers = 4'000'000;

} // namespace

std::vector<int> ScheduleSearch::smallerSizes(int subtask, int size) const
{
    // The largest b below @p size with tau_n(b) < tau_n(b + 1), largest first; at most four,
    // spread over the range when the curve steps at every size (an affine one).
    std::vector<int> steps;
    for (int b = size - 1; b >= 1; --b)
        if (m_model.edgeMs(subtask, b) < m_model.edgeMs(subtask, b + 1))
            steps.push_back(b);
    constexpr size_t kMostSizes = 4;
    if (steps.size() <= kMostSizes)
        return steps;
    std::vector<int> spread;
    for (size_t i = 0; i < kMostSizes; ++i)
        spread.push_back(steps[(i * steps.size()) / kMostSizes + steps.size() / (2 * kMostSizes)]);
    return spread;
}

ScheduleSearch::ScheduleSearch(const CostModel& model, WorkMeter& meter) : m_model(model), m_meter(meter)
{
    for (int n = m_model.subtaskCount(); n >= 1; --n)
        m_tailMs.insert(m_tailMs.begin(), (m_tailMs.empty() ? 0.0 : m_tailMs.front()) + m_model.minEdgeMs(n));
    m_tailMs.push_back(0.0); // m_tailMs[n-1] = sum of min tau over sub-tasks n..N
}

bool ScheduleSearch::feasible(const std::vector<int>& partitions)
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
    m_nodes = 0;
    // Rounds built greedily along a few orders decide most feasible vectors at once, where the
    // depth-first search can take long to find a schedule it will then confirm.
    // Building them orders, cuts and times every user for each: the meter counts that up front
    // (when the first holds the rest were built for nothing), then each check of the batches.
    if (!m_users.empty()) {
        const std::vector<Schedule> built = chunkedRoundSchedules(m_model, partitions);
        m_meter.spend(static_cast<long long>(built.size()) * m_model.userCount() * (m_model.subtaskCount() + 1));
        for (const Schedule& rounds : built) {
            m_meter.spend(static_cast<long long>(m_users.size()) * (m_model.subtaskCount() + 1));
            if (meetsEveryDeadline(rounds.batches)) {
                m_batches = rounds.batches;
                return true;
            }
        }
    }
    try {
        return search(m_model.edgeFreeAtMs());
    } catch (const NodeLimitReached&) {
        // The state vectors are rebuilt by the next call; the batches found so far are no plan.
        m_batches.clear();
        m_complete = false;
        return false;
    }
}

bool ScheduleSearch::meetsEveryDeadline(const std::vector<BatchSpec>& batches) const
{
    std::vector<double> readyMs(static_cast<size_t>(m_model.userCount()), 0.0);
    for (size_t u = 0; u < m_users.size(); ++u)
        readyMs[static_cast<size_t>(m_users[u])] = m_readyMs[u];
    double gpuFreeMs = m_model.edgeFreeAtMs();
    for (const BatchSpec& batch : batches) {
        if (batch.users.empty() || static_cast<int>(batch.users.size()) > m_model.maxBatch())
            return false;
        double startMs = gpuFreeMs;
        for (int m : batch.users)
            startMs = std::max(startMs, readyMs[static_cast<size_t>(m)]);
        gpuFreeMs = startMs + m_model.edgeMs(batch.subtask, static_cast<int>(batch.users.size()));
        for (int m : batch.users) {
            readyMs[static_cast<size_t>(m)] = gpuFreeMs;
            if (batch.subtask == m_model.subtaskCount() && !meetsDeadline(gpuFreeMs, m_model.deadlineMs(m)))
                return false;
        }
    }
    return true;
}

bool ScheduleSearch::search(double gpuFreeMs)
{
    m_meter.spend(static_cast<long long>(m_users.size()) + 1);
    if (m_nodeLimit > 0 && ++m_nodes > m_nodeLimit)
        throw NodeLimitReached{};
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
        const std::vector<std::vector<size_t>> choices = batchChoices(subtask, candidates, gpuFreeMs);
        // Up to 4,095 subsets of 12 candidates are built here: the meter counts their members, so
        // that the work budget bounds the time of a node and not only the number of nodes.
        long long members = 0;
        for (const auto& choice : choices)
            members += static_cast<long long>(choice.size());
        m_meter.spend(members);
        for (const auto& choice : choices)
            if (tryBatch(subtask, choice, gpuFreeMs))
                return true;
    }
    remember(gpuFreeMs);
    return false;
}

std::vector<std::vector<size_t>> ScheduleSearch::batchChoices(int subtask, const std::vector<size_t>& candidates,
                                                              double gpuFreeMs)
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
        std::stable_sort(byUrgency.begin(), byUrgency.end(),
                         [&](size_t a, size_t b) { return m_model.deadlineMs(m_users[a]) < m_model.deadlineMs(m_users[b]); });
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
        if (!constant) {
            // A smaller batch can be faster: the most urgent members up to the largest sizes at
            // which tau_n steps up, after every full choice.
            const size_t fullChoices = choices.size();
            for (size_t i = 0; i < fullChoices; ++i)
                for (int size : smallerSizes(subtask, static_cast<int>(choices[i].size())))
                    choices.emplace_back(choices[i].begin(), choices[i].begin() + size);
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

bool ScheduleSearch::tryBatch(int subtask, const std::vector<size_t>& members, double gpuFreeMs)
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

std::vector<double> ScheduleSearch::snapshot(double gpuFreeMs) const
{
    std::vector<double> state(m_readyMs);
    state.push_back(gpuFreeMs);
    return state;
}

void ScheduleSearch::remember(double gpuFreeMs)
{
    if (m_storedNumbers + m_readyMs.size() + 1 > kMaxStoredNumbers) {
        m_failed.clear();
        m_storedNumbers = 0;
    }
    m_failed[m_next].push_back(snapshot(gpuFreeMs));
    m_storedNumbers += m_readyMs.size() + 1 + m_next.size();
}

// A state with the same progress but everything ready no earlier than a failed one fails too.
bool ScheduleSearch::dominatedByFailure(double gpuFreeMs) const
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

} // namespace coinfer
