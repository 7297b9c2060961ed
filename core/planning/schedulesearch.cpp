#include "core/planning/schedulesearch.h"

#include "core/planning/roundbuilder.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <span>

namespace coinfer {
namespace {

/// Largest candidate set whose member subsets are all enumerated; above it the schedule search
/// tries a few readiness-ordered batches only and its "infeasible" proves nothing.
constexpr size_t kMaxEnumeratedCandidates = 12;

/// Bits set in each subset mask of up to kMaxEnumeratedCandidates candidates.
constexpr auto kBitCount = [] {
    std::array<std::uint8_t, size_t{1} << kMaxEnumeratedCandidates> bits{};
    for (size_t mask = 1; mask < bits.size(); ++mask)
        bits[mask] = static_cast<std::uint8_t>(bits[mask >> 1] + (mask & 1));
    return bits;
}();

/// Failed states remembered per schedule search, counted in stored numbers (8 bytes each):
/// 4 million numbers, 32 MB, after which the memory is cleared and filled again.
constexpr size_t kMaxStoredNumbers = 4'000'000;

} // namespace

size_t ScheduleSearch::smallerSizes(int subtask, int size, std::array<int, 4>& sizes) const
{
    // The largest b below @p size with tau_n(b) < tau_n(b + 1), largest first; at most four,
    // spread over the range when the curve steps at every size (an affine one).
    const std::vector<int>& all = m_stepSizes[static_cast<size_t>(subtask)];
    const auto below = std::find_if(all.begin(), all.end(), [size](int b) { return b < size; });
    const std::span<const int> steps(below, all.end());
    if (steps.size() <= sizes.size()) {
        std::copy(steps.begin(), steps.end(), sizes.begin());
        return steps.size();
    }
    for (size_t i = 0; i < sizes.size(); ++i)
        sizes[i] = steps[(i * steps.size()) / sizes.size() + steps.size() / (2 * sizes.size())];
    return sizes.size();
}

ScheduleSearch::ScheduleSearch(const CostModel& model, WorkMeter& meter) : m_model(model), m_meter(meter)
{
    for (int n = m_model.subtaskCount(); n >= 1; --n)
        m_tailMs.insert(m_tailMs.begin(), (m_tailMs.empty() ? 0.0 : m_tailMs.front()) + m_model.minEdgeMs(n));
    m_tailMs.push_back(0.0); // m_tailMs[n-1] = sum of min tau over sub-tasks n..N
    m_constantEdge.assign(static_cast<size_t>(m_model.subtaskCount()) + 1, true);
    for (int n = 1; n <= m_model.subtaskCount(); ++n)
        for (int b = 2; b <= m_model.maxBatch(); ++b)
            m_constantEdge[static_cast<size_t>(n)] =
                m_constantEdge[static_cast<size_t>(n)] && m_model.edgeMs(n, b) == m_model.edgeMs(n, 1);
    m_stepSizes.resize(static_cast<size_t>(m_model.subtaskCount()) + 1);
    for (int n = 1; n <= m_model.subtaskCount(); ++n)
        for (int b = m_model.maxBatch() - 1; b >= 1; --b)
            if (m_model.edgeMs(n, b) < m_model.edgeMs(n, b + 1))
                m_stepSizes[static_cast<size_t>(n)].push_back(b);
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
    m_byUrgency.resize(m_users.size());
    std::iota(m_byUrgency.begin(), m_byUrgency.end(), size_t{0});
    std::stable_sort(m_byUrgency.begin(), m_byUrgency.end(),
                     [&](size_t a, size_t b) { return m_model.deadlineMs(m_users[a]) < m_model.deadlineMs(m_users[b]); });
    m_failed.clear();
    m_storedNumbers = 0;
    m_batches.clear();
    m_depth = 0;
    m_savedReadyMs.clear();
    m_complete = true;
    m_nodes = 0;
    m_nodeLimitReached = false;
    // Rounds built greedily along a few orders decide most feasible vectors at once, where the
    // depth-first search can take long to find a schedule it will then confirm.
    // Building them orders, cuts and times every user for each: the meter counts that up front
    // (when the first holds the rest were built for nothing), then each check of the batches.
    if (!m_users.empty()) {
        const size_t built = chunkedRoundSchedules(m_model, partitions, m_rounds);
        m_meter.spend(static_cast<long long>(built) * m_model.userCount() * (m_model.subtaskCount() + 1));
        for (size_t i = 0; i < built; ++i) {
            m_meter.spend(static_cast<long long>(m_users.size()) * (m_model.subtaskCount() + 1));
            if (meetsEveryDeadline(m_rounds[i].batches)) {
                m_batches = m_rounds[i].batches;
                return true;
            }
        }
    }
    const bool found = search(m_model.edgeFreeAtMs());
    if (m_nodeLimitReached) {
        // The batches found so far are no plan.
        m_batches.clear();
        m_complete = false;
        return false;
    }
    m_batches.resize(found ? m_depth : 0);
    return found;
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
    // Returning, not throwing: a level-0 window search reaches its few nodes on most calls, and
    // unwinding an exception each time took a tenth of best's time.
    if (m_nodeLimit > 0 && ++m_nodes > m_nodeLimit) {
        m_nodeLimitReached = true;
        return false;
    }
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

    std::vector<size_t>& candidates = level(m_depth).candidates;
    for (int subtask = 1; subtask <= n; ++subtask) {
        candidates.clear();
        for (size_t u = 0; u < m_users.size(); ++u)
            if (m_next[u] == subtask)
                candidates.push_back(u);
        if (candidates.empty())
            continue;
        const bool allFit = static_cast<int>(candidates.size()) <= m_model.maxBatch();
        if (candidates.size() <= kMaxEnumeratedCandidates && !(m_constantEdge[static_cast<size_t>(subtask)] && allFit)) {
            if (tryEverySubset(subtask, candidates, gpuFreeMs))
                return true;
        } else if (tryReadinessChoices(subtask, candidates, gpuFreeMs)) {
            return true;
        }
        if (m_nodeLimitReached) // nothing below was proved infeasible
            return false;
    }
    remember(gpuFreeMs);
    return false;
}

bool ScheduleSearch::tryReadinessChoices(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs)
{
    // With tau constant in b and room for all, adding a member that is ready by the start costs
    // nothing and only moves it ahead, so each choice is "everyone ready by one of the ready
    // times" (complete). Otherwise this is the fallback for large candidate sets: the most
    // urgent B_max of those ready by each ready time (incomplete), and after all of them, the
    // most urgent members of each up to the sizes where tau_n steps up (a smaller batch can be
    // faster).
    const size_t maxBatch = static_cast<size_t>(m_model.maxBatch());
    const bool constant = m_constantEdge[static_cast<size_t>(subtask)];
    if (!(constant && candidates.size() <= maxBatch))
        m_complete = false;
    Level& here = level(m_depth);
    here.byUrgency.clear();
    for (size_t u : m_byUrgency)
        if (m_next[u] == subtask)
            here.byUrgency.push_back(u);
    here.startsMs.clear();
    for (size_t u : candidates)
        here.startsMs.push_back(std::max(gpuFreeMs, m_readyMs[u]));
    std::sort(here.startsMs.begin(), here.startsMs.end());
    here.startsMs.erase(std::unique(here.startsMs.begin(), here.startsMs.end()), here.startsMs.end());
    const auto fullChoice = [&](double startMs) {
        here.chosen.clear();
        for (size_t u : here.byUrgency)
            if (m_readyMs[u] <= startMs && here.chosen.size() < maxBatch)
                here.chosen.push_back(u);
    };
    // The meter counts every choice's members up front, as the subsets of tryEverySubset.
    long long members = 0;
    std::array<int, 4> sizes{};
    for (double startMs : here.startsMs) {
        const size_t ready = static_cast<size_t>(
            std::count_if(candidates.begin(), candidates.end(), [&](size_t u) { return m_readyMs[u] <= startMs; }));
        const int full = static_cast<int>(std::min(ready, maxBatch));
        members += full;
        if (!constant)
            for (size_t i = 0, count = smallerSizes(subtask, full, sizes); i < count; ++i)
                members += sizes[i];
    }
    m_meter.spend(members);
    for (double startMs : here.startsMs) {
        fullChoice(startMs);
        if (tryBatch(subtask, here.chosen, gpuFreeMs))
            return true;
        if (m_nodeLimitReached)
            return false;
    }
    if (constant)
        return false;
    for (double startMs : here.startsMs) {
        fullChoice(startMs);
        for (size_t i = 0, count = smallerSizes(subtask, static_cast<int>(here.chosen.size()), sizes); i < count; ++i)
            if (tryBatch(subtask, std::span<const size_t>(here.chosen).first(static_cast<size_t>(sizes[i])), gpuFreeMs))
                return true;
            else if (m_nodeLimitReached)
                return false;
    }
    return false;
}

bool ScheduleSearch::tryEverySubset(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs)
{
    const size_t count = candidates.size();
    const int maxBatch = m_model.maxBatch();
    const unsigned long all = (1ul << count) - 1;
    // Up to 4,095 subsets of 12 candidates: the meter counts their members up front, so that the
    // work budget bounds the time of a node and not only the number of nodes.
    // Sum over sizes k <= B_max of k * C(count, k): the members of all those subsets.
    long long members = 0;
    long long subsetsOfSize = 1; // C(count, k)
    for (long long k = 1; k <= std::min<long long>(maxBatch, static_cast<long long>(count)); ++k) {
        subsetsOfSize = subsetsOfSize * (static_cast<long long>(count) - k + 1) / k;
        members += k * subsetsOfSize;
    }
    m_meter.spend(members);
    std::vector<size_t>& chosen = level(m_depth).chosen;
    for (unsigned long mask = all; mask > 0; --mask) {
        // A table, not std::popcount: without -mpopcnt that is a library call, and this loop
        // visits up to 4,095 masks per node.
        if (kBitCount[mask] > maxBatch)
            continue;
        chosen.clear();
        for (size_t bit = 0; bit < count; ++bit)
            if (mask & (1ul << bit))
                chosen.push_back(candidates[bit]);
        if (tryBatch(subtask, chosen, gpuFreeMs))
            return true;
        if (m_nodeLimitReached)
            return false;
    }
    return false;
}

bool ScheduleSearch::tryBatch(int subtask, std::span<const size_t> members, double gpuFreeMs)
{
    double startMs = gpuFreeMs;
    for (size_t u : members)
        startMs = std::max(startMs, m_readyMs[u]);
    const double endMs = startMs + m_model.edgeMs(subtask, static_cast<int>(members.size()));
    if (subtask == m_model.subtaskCount())
        for (size_t u : members)
            if (!meetsDeadline(endMs, m_model.deadlineMs(m_users[u])))
                return false;
    const size_t savedFrom = m_savedReadyMs.size();
    for (size_t u : members) {
        m_savedReadyMs.push_back(m_readyMs[u]);
        m_readyMs[u] = endMs;
        ++m_next[u];
    }
    if (m_batches.size() <= m_depth)
        m_batches.emplace_back();
    BatchSpec& batch = m_batches[m_depth];
    batch.subtask = subtask;
    batch.users.clear();
    for (size_t u : members)
        batch.users.push_back(m_users[u]);
    ++m_depth;
    if (search(endMs))
        return true;
    --m_depth;
    for (size_t i = 0; i < members.size(); ++i) {
        m_readyMs[members[i]] = m_savedReadyMs[savedFrom + i];
        --m_next[members[i]];
    }
    m_savedReadyMs.resize(savedFrom);
    return false;
}

ScheduleSearch::Level& ScheduleSearch::level(size_t depth)
{
    while (m_levels.size() <= depth)
        m_levels.emplace_back();
    return m_levels[depth];
}

size_t ScheduleSearch::ProgressHash::operator()(const std::vector<int>& progress) const noexcept
{
    size_t hash = 14695981039346656037ull; // FNV-1a
    for (int next : progress)
        hash = (hash ^ static_cast<size_t>(next)) * 1099511628211ull;
    return hash;
}

void ScheduleSearch::remember(double gpuFreeMs)
{
    if (m_storedNumbers + m_readyMs.size() + 1 > kMaxStoredNumbers) {
        m_failed.clear();
        m_storedNumbers = 0;
    }
    std::vector<double>& states = m_failed[m_next];
    states.insert(states.end(), m_readyMs.begin(), m_readyMs.end());
    states.push_back(gpuFreeMs);
    m_storedNumbers += m_readyMs.size() + 1 + m_next.size();
}

// A state with the same progress but everything ready no earlier than a failed one fails too.
bool ScheduleSearch::dominatedByFailure(double gpuFreeMs) const
{
    const auto it = m_failed.find(m_next);
    if (it == m_failed.end())
        return false;
    const std::vector<double>& states = it->second;
    const size_t stride = m_readyMs.size() + 1;
    // Scanning the failed states is most of a node's cost when many are remembered.
    m_meter.spend(static_cast<long long>(states.size()));
    for (size_t at = 0; at < states.size(); at += stride) {
        bool dominated = states[at + stride - 1] <= gpuFreeMs;
        for (size_t i = 0; i + 1 < stride && dominated; ++i)
            dominated = states[at + i] <= m_readyMs[i];
        if (dominated)
            return true;
    }
    return false;
}

} // namespace coinfer
