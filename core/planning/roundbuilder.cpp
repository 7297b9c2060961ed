#include "core/planning/roundbuilder.h"

#include "core/planning/roundbounds.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace coinfer {
namespace {

/// One round being filled: its members' partitions and the bounds that decide whether it holds.
class OpenRound {
public:
    explicit OpenRound(const CostModel& model) : m_model(&model), m_load(static_cast<size_t>(model.subtaskCount() + 1), 0) { }

    /// When the round would end with @p user (partition @p p) added, or +inf when a sub-task would
    /// exceed B_max or a member would miss its deadline. O(N).
    double endWith(int user, int p, double gpuFreeMs) const
    {
        const int subtasks = m_model->subtaskCount();
        double startMs = std::max({gpuFreeMs, m_latestArrivalMs, m_model->arrivalMs(user, p)});
        double endMs = startMs;
        for (int n = std::min(m_firstSubtask, p + 1); n <= subtasks; ++n) {
            const int members = m_load[static_cast<size_t>(n)] + (n > p ? 1 : 0);
            if (members == 0)
                continue;
            if (members > m_model->maxBatch())
                return std::numeric_limits<double>::infinity();
            endMs += m_model->edgeMs(n, members);
        }
        const double deadline = std::min(m_earliestDeadlineMs, m_model->deadlineMs(user));
        return meetsDeadline(endMs, deadline) ? endMs : std::numeric_limits<double>::infinity();
    }

    void add(int user, int p, double endMs)
    {
        for (int n = p + 1; n <= m_model->subtaskCount(); ++n)
            ++m_load[static_cast<size_t>(n)];
        m_latestArrivalMs = std::max(m_latestArrivalMs, m_model->arrivalMs(user, p));
        m_earliestDeadlineMs = std::min(m_earliestDeadlineMs, m_model->deadlineMs(user));
        m_firstSubtask = std::min(m_firstSubtask, p + 1);
        m_endMs = endMs;
        ++m_members;
    }

    bool empty() const { return m_members == 0; }
    double endMs() const { return m_endMs; }

private:
    const CostModel* m_model;
    std::vector<int> m_load; // members needing sub-task n
    double m_latestArrivalMs = 0;
    double m_earliestDeadlineMs = std::numeric_limits<double>::infinity();
    int m_firstSubtask = std::numeric_limits<int>::max();
    double m_endMs = 0;
    int m_members = 0;
};

/// Users up to which chunkedRoundSchedules also cuts its orders into rounds by segmentRounds.
constexpr int kMostSegmentedUsers = 256;

} // namespace

std::vector<int> chunkRounds(const CostModel& model, const std::vector<int>& partitions, const std::vector<int>& order)
{
    std::vector<int> groups(partitions.size(), -1);
    double gpuFreeMs = model.edgeFreeAtMs();
    OpenRound round(model);
    int index = 0;
    for (int m : order) {
        const int p = partitions[static_cast<size_t>(m)];
        if (p < 0 || p >= model.subtaskCount())
            continue;
        double endMs = round.endWith(m, p, gpuFreeMs);
        if (endMs == std::numeric_limits<double>::infinity() && !round.empty()) {
            gpuFreeMs = round.endMs();
            round = OpenRound(model);
            ++index;
            endMs = round.endWith(m, p, gpuFreeMs);
        }
        // A user late even in a round of its own still gets one; the simulator names it late.
        if (endMs == std::numeric_limits<double>::infinity())
            endMs = gpuFreeMs;
        round.add(m, p, endMs);
        groups[static_cast<size_t>(m)] = index;
    }
    return groups;
}

std::vector<int> segmentRounds(const CostModel& model, const std::vector<int>& partitions, const std::vector<int>& order)
{
    std::vector<int> members;
    for (int m : order) {
        const int p = partitions[static_cast<size_t>(m)];
        if (p >= 0 && p < model.subtaskCount())
            members.push_back(m);
    }
    const size_t count = members.size();
    constexpr double kNever = std::numeric_limits<double>::infinity();
    // endMs[j]: the earliest end of rounds holding the first j members; from[j]: where the last
    // of those rounds starts. A round only gets later as members join (more load, a later
    // arrival, an earlier deadline), so the extension stops at the first member that breaks it.
    std::vector<double> endMs(count + 1, kNever);
    std::vector<size_t> from(count + 1, 0);
    endMs[0] = model.edgeFreeAtMs();
    for (size_t i = 0; i < count; ++i) {
        if (endMs[i] == kNever)
            continue;
        OpenRound round(model);
        for (size_t j = i; j < count; ++j) {
            const int m = members[j];
            const int p = partitions[static_cast<size_t>(m)];
            const double end = round.endWith(m, p, endMs[i]);
            if (end == kNever)
                break;
            round.add(m, p, end);
            if (end < endMs[j + 1]) {
                endMs[j + 1] = end;
                from[j + 1] = i;
            }
        }
    }
    if (endMs[count] == kNever)
        return {};
    std::vector<int> groups(partitions.size(), -1);
    std::vector<size_t> starts;
    for (size_t j = count; j > 0; j = from[j])
        starts.push_back(from[j]);
    std::reverse(starts.begin(), starts.end());
    starts.push_back(count);
    for (size_t r = 0; r + 1 < starts.size(); ++r)
        for (size_t j = starts[r]; j < starts[r + 1]; ++j)
            groups[static_cast<size_t>(members[j])] = static_cast<int>(r);
    return groups;
}

size_t chunkedRoundSchedules(const CostModel& model, const std::vector<int>& given, std::vector<Schedule>& into)
{
    const int users = model.userCount();
    // A user not assigned yet (-1, in a partial vector of the branch and bound) takes no part.
    std::vector<int> partitions(given);
    for (int& p : partitions)
        if (p < 0)
            p = model.subtaskCount();
    std::vector<double> arrival(static_cast<size_t>(users)), latestStart(static_cast<size_t>(users));
    for (int m = 0; m < users; ++m) {
        const int p = partitions[static_cast<size_t>(m)];
        if (p >= model.subtaskCount())
            continue;
        arrival[static_cast<size_t>(m)] = model.arrivalMs(m, p);
        double tailMs = 0;
        for (int n = p + 1; n <= model.subtaskCount(); ++n)
            tailMs += model.minEdgeMs(n);
        latestStart[static_cast<size_t>(m)] = model.deadlineMs(m) - tailMs;
    }
    std::vector<int> byArrival(static_cast<size_t>(users));
    std::iota(byArrival.begin(), byArrival.end(), 0);
    std::stable_sort(byArrival.begin(), byArrival.end(),
                     [&](int a, int b) { return arrival[static_cast<size_t>(a)] < arrival[static_cast<size_t>(b)]; });
    std::vector<int> byDeadline(byArrival), byLatestStart(byArrival);
    std::stable_sort(byDeadline.begin(), byDeadline.end(),
                     [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
    std::stable_sort(byLatestStart.begin(), byLatestStart.end(),
                     [&](int a, int b) { return latestStart[static_cast<size_t>(a)] < latestStart[static_cast<size_t>(b)]; });
    size_t built = 0;
    // Each schedule is written over one left in @p into, so that its vectors keep their capacity.
    const auto build = [&](const std::vector<int>& groups) {
        if (built == into.size())
            into.emplace_back();
        Schedule& schedule = into[built++];
        schedule.partitions = partitions;
        schedule.groups = groups;
        rebuildRounds(model, schedule);
    };
    std::vector<std::vector<int>> greedy;
    for (const std::vector<int>* order : {&byArrival, &byDeadline, &byLatestStart}) {
        greedy.push_back(chunkRounds(model, partitions, *order));
        build(greedy.back());
    }
    // The best cut of the deadline and latest-start orders into rounds, where it differs from
    // the greedy cut: a small first round of the earliest arrivals can let a full one follow.
    if (users <= kMostSegmentedUsers)
        for (size_t i = 1; i < 3; ++i) {
            const std::vector<int> groups = segmentRounds(model, partitions, i == 1 ? byDeadline : byLatestStart);
            if (!groups.empty() && groups != greedy[i])
                build(groups);
        }
    return built;
}

std::vector<Schedule> chunkedRoundSchedules(const CostModel& model, const std::vector<int>& partitions)
{
    std::vector<Schedule> schedules;
    schedules.resize(chunkedRoundSchedules(model, partitions, schedules));
    return schedules;
}

} // namespace coinfer
