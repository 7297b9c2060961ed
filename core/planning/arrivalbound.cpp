#include "core/planning/arrivalbound.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A user with a saving option.
struct Saver {
    int user = 0;
    double savingMj = 0;   ///< E_m(N) minus its cheapest saving option; +inf when local is late
    int lastPartition = 0; ///< the largest saving partition
};

/// The savers of every deadline class, classes by ascending deadline. O(M N^2).
std::vector<std::vector<Saver>> saverClasses(const CostModel& model, std::vector<double>& deadlinesMs)
{
    std::vector<std::pair<double, Saver>> found;
    const int local = model.subtaskCount();
    for (int m = 0; m < model.userCount(); ++m) {
        double cheapest = kInf;
        int last = -1;
        for (int p = 0; p < local; ++p) {
            if (!isSavingOption(model, m, p))
                continue;
            cheapest = std::min(cheapest, model.energyMj(m, p));
            last = p;
        }
        if (last < 0)
            continue;
        const double saving = model.feasibleAlone(m, local) ? model.energyMj(m, local) - cheapest : kInf;
        found.push_back({model.deadlineMs(m), Saver{m, saving, last}});
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::vector<Saver>> classes;
    deadlinesMs.clear();
    for (const auto& [deadline, saver] : found) {
        if (deadlinesMs.empty() || deadline != deadlinesMs.back()) {
            deadlinesMs.push_back(deadline);
            classes.emplace_back();
        }
        classes.back().push_back(saver);
    }
    return classes;
}

/// The relaxed instance of one group: members alike but for their arrivals, who need the
/// sub-tasks of levels 0..L-1 (sub-tasks Q+1..N) in order and share one deadline.
struct RelaxedGroup {
    std::vector<double> arrivalsMs;           ///< ascending
    std::vector<std::vector<double>> batchMs; ///< [level][b-1]: tau' of the level's sub-task
    std::vector<std::vector<double>> leastMs; ///< [level][c]: least GPU time of c copies in batches
    std::vector<double> tailMs;               ///< [level]: the shortest chain from the level to the end
    double startMs = 0;                       ///< the GPU is free from here
    double deadlineMs = 0;                    ///< with the slack of meetsDeadline, and a little more
};

/// Builds the relaxed instance of @p members (not empty) with deadline @p deadlineMs.
/// O(n N + n log n + n B_max N) for n members.
RelaxedGroup relaxGroup(const CostModel& model, const std::vector<Saver>& members, double deadlineMs)
{
    const int subtasks = model.subtaskCount(), maxBatch = model.maxBatch();
    int q = 0;
    for (const Saver& saver : members)
        q = std::max(q, saver.lastPartition);
    RelaxedGroup group;
    group.startMs = model.edgeFreeAtMs();
    group.deadlineMs = deadlineMs + 2 * timeSlackMs(deadlineMs);
    for (const Saver& saver : members) {
        // Its batch of sub-task q+1 follows its data and, from a smaller p, a chain up to q.
        double earliest = kInf;
        for (int p = 0; p <= saver.lastPartition; ++p) {
            if (!isSavingOption(model, saver.user, p))
                continue;
            double at = model.arrivalMs(saver.user, p);
            for (int n = p + 1; n <= q; ++n)
                at += model.minEdgeMs(n);
            earliest = std::min(earliest, at);
        }
        group.arrivalsMs.push_back(earliest);
    }
    std::sort(group.arrivalsMs.begin(), group.arrivalsMs.end());
    const int levels = subtasks - q, count = static_cast<int>(members.size());
    group.batchMs.assign(static_cast<size_t>(levels), std::vector<double>(static_cast<size_t>(maxBatch)));
    group.leastMs.assign(static_cast<size_t>(levels), std::vector<double>(static_cast<size_t>(count + 1), kInf));
    group.tailMs.assign(static_cast<size_t>(levels + 1), 0.0);
    for (int l = levels - 1; l >= 0; --l) {
        std::vector<double>& batch = group.batchMs[static_cast<size_t>(l)];
        double envelope = kInf;
        for (int b = maxBatch; b >= 1; --b)
            batch[static_cast<size_t>(b - 1)] = envelope = std::min(envelope, model.edgeMs(q + l + 1, b));
        std::vector<double>& least = group.leastMs[static_cast<size_t>(l)];
        least[0] = 0;
        for (int c = 1; c <= count; ++c)
            for (int b = 1; b <= std::min(c, maxBatch); ++b)
                least[static_cast<size_t>(c)] = std::min(least[static_cast<size_t>(c)],
                                                         least[static_cast<size_t>(c - b)] + batch[static_cast<size_t>(b - 1)]);
        group.tailMs[static_cast<size_t>(l)] = group.tailMs[static_cast<size_t>(l + 1)] + batch[0];
    }
    return group;
}

/// What a feasibility search found.
enum class Fit { Yes, No, Unknown };

/// One search over batch sequences for the k earliest members of @p group.
class FitSearch {
public:
    FitSearch(const RelaxedGroup& group, int k) : m_group(group), m_k(k), m_levels(static_cast<int>(group.tailMs.size()) - 1)
    {
        // No plan of the members from j on ends before the j-th arrival plus all their work.
        m_lateMs.assign(static_cast<size_t>(k + 1), -kInf);
        for (int j = k - 1; j >= 0; --j) {
            double work = 0;
            for (int l = 0; l < m_levels; ++l)
                work += group.leastMs[static_cast<size_t>(l)][static_cast<size_t>(k - j)];
            m_lateMs[static_cast<size_t>(j)] =
                std::max(m_lateMs[static_cast<size_t>(j + 1)], group.arrivalsMs[static_cast<size_t>(j)] + work);
        }
    }

    /// Yes when the k earliest members can all finish by the deadline, No when they cannot,
    /// Unknown when more than @p maxStates states were needed to tell. O(states * L * B_max).
    Fit run(long long maxStates, long long& statesUsed);

private:
    /// Whether a state may still finish in time: its remaining work and the late arrivals. O(L).
    bool hopeful(const std::vector<int>& counts, double timeMs) const
    {
        int below = 0;
        double work = 0;
        for (int l = 0; l < m_levels; ++l) {
            below += counts[static_cast<size_t>(l)];
            work += m_group.leastMs[static_cast<size_t>(l)][static_cast<size_t>(below)];
        }
        const int started = m_k - counts[0];
        return timeMs + work <= m_group.deadlineMs && m_lateMs[static_cast<size_t>(started)] <= m_group.deadlineMs;
    }

    std::uint64_t key(const std::vector<int>& counts) const
    {
        std::uint64_t value = 0;
        for (int l = 1; l <= m_levels; ++l)
            value = value * static_cast<std::uint64_t>(m_k + 1) + static_cast<std::uint64_t>(counts[static_cast<size_t>(l)]);
        return value;
    }

    std::vector<int> decode(std::uint64_t value) const
    {
        std::vector<int> counts(static_cast<size_t>(m_levels + 1), 0);
        int sum = 0;
        for (int l = m_levels; l >= 1; --l) {
            counts[static_cast<size_t>(l)] = static_cast<int>(value % static_cast<std::uint64_t>(m_k + 1));
            value /= static_cast<std::uint64_t>(m_k + 1);
            sum += counts[static_cast<size_t>(l)];
        }
        counts[0] = m_k - sum;
        return counts;
    }

    const RelaxedGroup& m_group;
    int m_k;
    int m_levels;
    std::vector<double> m_lateMs; ///< [j]: max over j' >= j of arrival j' plus the work of members j'..k-1
};

Fit FitSearch::run(long long maxStates, long long& statesUsed)
{
    if (m_k == 0)
        return Fit::Yes;
    // One chain after the last arrival, in the fewest batches that fit, is a plan.
    double chainMs = std::max(m_group.startMs, m_group.arrivalsMs[static_cast<size_t>(m_k - 1)]);
    for (int l = 0; l < m_levels; ++l)
        chainMs += m_group.leastMs[static_cast<size_t>(l)][static_cast<size_t>(m_k)];
    if (chainMs <= m_group.deadlineMs)
        return Fit::Yes;
    if (static_cast<double>(m_levels) * std::log2(static_cast<double>(m_k + 1)) > 62)
        return Fit::Unknown;
    // States by progress (the sum of the members' levels); each keeps its earliest time, which
    // is all that matters: members at one level are alike once their data have arrived, and
    // the members started are the earliest arrivals (swapping two members never delays a plan).
    std::vector<std::unordered_map<std::uint64_t, double>> byProgress(static_cast<size_t>(m_k * m_levels + 1));
    std::vector<int> counts(static_cast<size_t>(m_levels + 1), 0);
    counts[0] = m_k;
    if (!hopeful(counts, m_group.startMs))
        return Fit::No;
    byProgress[0][key(counts)] = m_group.startMs;
    const int maxBatch = static_cast<int>(m_group.batchMs[0].size());
    for (size_t progress = 0; progress < byProgress.size(); ++progress) {
        for (const auto& [code, timeMs] : byProgress[progress]) {
            if (progress + 1 == byProgress.size())
                return Fit::Yes; // everyone at the last level, in time by hopeful()
            const std::vector<int> from = decode(code);
            for (int l = 0; l < m_levels; ++l) {
                const int available = std::min(from[static_cast<size_t>(l)], maxBatch);
                for (int b = 1; b <= available; ++b) {
                    double start = timeMs;
                    if (l == 0)
                        start = std::max(start, m_group.arrivalsMs[static_cast<size_t>(m_k - from[0] + b - 1)]);
                    const double end = start + m_group.batchMs[static_cast<size_t>(l)][static_cast<size_t>(b - 1)];
                    counts = from;
                    counts[static_cast<size_t>(l)] -= b;
                    counts[static_cast<size_t>(l + 1)] += b;
                    if (!hopeful(counts, end))
                        continue;
                    auto [slot, added] = byProgress[progress + static_cast<size_t>(b)].try_emplace(key(counts), end);
                    if (!added)
                        slot->second = std::min(slot->second, end);
                    else if (++statesUsed > maxStates)
                        return Fit::Unknown;
                }
            }
        }
        byProgress[progress] = {};
    }
    return Fit::No;
}

/// The largest k such that the k earliest members of @p group can all finish in time (K of
/// arrivalbound.h), or an upper bound on it when the budgets run out; n when nothing is proven.
/// Doubling then bisection: O(log n) searches.
int largestFit(const RelaxedGroup& group, const ArrivalBoundOptions& options, long long& statesLeft)
{
    const int n = static_cast<int>(group.arrivalsMs.size());
    int fits = 0, fails = n + 1; // k = fits fits; k >= fails does not
    auto test = [&](int k) {
        long long used = 0;
        const Fit fit = FitSearch(group, k).run(std::min(options.maxStates, statesLeft), used);
        statesLeft -= std::min(used, statesLeft);
        return fit;
    };
    for (int k = 1; fits + 1 < fails;) {
        const Fit fit = test(k);
        if (fit == Fit::Unknown)
            break;
        (fit == Fit::Yes ? fits : fails) = k;
        k = fails == n + 1 ? std::min(2 * k, n) : (fits + fails) / 2;
        if (statesLeft <= 0)
            break;
    }
    return fails - 1;
}

/// One group's members and K (the size of the group when nothing is proven).
SaverGroup fitGroup(const CostModel& model, const std::vector<std::vector<Saver>>& classes,
                    const std::vector<double>& deadlinesMs, size_t first, size_t last, const ArrivalBoundOptions& options,
                    long long& statesLeft)
{
    SaverGroup group;
    std::vector<Saver> members;
    for (size_t c = first; c <= last; ++c)
        members.insert(members.end(), classes[c].begin(), classes[c].end());
    for (const Saver& saver : members)
        group.users.push_back(saver.user);
    group.limit = static_cast<int>(members.size());
    if (group.limit > options.maxGroupUsers || statesLeft <= 0)
        return group;
    group.limit = largestFit(relaxGroup(model, members, deadlinesMs[last]), options, statesLeft);
    return group;
}

/// What a group adds to the alone bound: the smallest (savers - K) savings; +inf when K is below
/// the savers that must offload. O(n log n).
double groupChargeMj(const std::vector<double>& savingByUser, const SaverGroup& group)
{
    std::vector<double> savings;
    for (int user : group.users)
        savings.push_back(savingByUser[static_cast<size_t>(user)]);
    std::sort(savings.begin(), savings.end());
    const size_t forced = savings.size() - std::min(savings.size(), static_cast<size_t>(group.limit));
    double charge = 0;
    for (size_t i = 0; i < forced; ++i)
        charge += savings[i];
    return charge;
}

/// The split of the classes into groups of neighbouring classes that the charges favour most,
/// by a dynamic programme over the classes; its charge in @p chargeMj. O(G maxSpan) groups.
std::vector<SaverGroup> bestSplit(const CostModel& model, const ArrivalBoundOptions& options, double& chargeMj)
{
    std::vector<double> deadlinesMs;
    const std::vector<std::vector<Saver>> classes = saverClasses(model, deadlinesMs);
    std::vector<double> savingByUser(static_cast<size_t>(model.userCount()), 0.0);
    for (const std::vector<Saver>& savers : classes)
        for (const Saver& saver : savers)
            savingByUser[static_cast<size_t>(saver.user)] = saver.savingMj;
    // best[j]: the most the classes before j add; from[j], group[j]: the last group of that split
    // (from[j] = j - 1 and no group when class j - 1 is in none).
    std::vector<double> best(classes.size() + 1, 0.0);
    std::vector<size_t> from(classes.size() + 1, 0);
    std::vector<SaverGroup> group(classes.size() + 1);
    long long statesLeft = options.maxTotalStates;
    const size_t span = static_cast<size_t>(std::max(1, options.maxSpan));
    for (size_t last = 0; last < classes.size(); ++last) {
        best[last + 1] = best[last];
        from[last + 1] = last;
        for (size_t first = last + 1; first-- > 0 && last - first < span;) {
            SaverGroup candidate = fitGroup(model, classes, deadlinesMs, first, last, options, statesLeft);
            const double charge = groupChargeMj(savingByUser, candidate);
            if (charge == kInf) {
                chargeMj = kInf;
                return {std::move(candidate)};
            }
            if (best[first] + charge > best[last + 1] && static_cast<size_t>(candidate.limit) < candidate.users.size()) {
                best[last + 1] = best[first] + charge;
                from[last + 1] = first;
                group[last + 1] = std::move(candidate);
            }
        }
    }
    chargeMj = best.back();
    std::vector<SaverGroup> split;
    for (size_t j = classes.size(); j > 0; j = from[j])
        if (!group[j].users.empty())
            split.push_back(std::move(group[j]));
    return split;
}

} // namespace

bool isSavingOption(const CostModel& model, int user, int partition)
{
    const int local = model.subtaskCount();
    if (!model.feasibleAlone(user, partition))
        return false;
    return !model.feasibleAlone(user, local) || model.energyMj(user, partition) < model.energyMj(user, local);
}

std::vector<SaverGroup> arrivalCountGroups(const CostModel& model, const ArrivalBoundOptions& options)
{
    if (model.userCount() == 0 || !std::isfinite(model.aloneLowerBoundMj()))
        return {};
    double chargeMj = 0;
    return bestSplit(model, options, chargeMj);
}

double arrivalCountBoundMj(const CostModel& model, const ArrivalBoundOptions& options)
{
    if (model.userCount() == 0)
        return 0;
    const double alone = model.aloneLowerBoundMj();
    if (!std::isfinite(alone))
        return kInf;
    double chargeMj = 0;
    bestSplit(model, options, chargeMj);
    return alone + chargeMj;
}

} // namespace coinfer
