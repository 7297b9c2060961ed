#pragma once
// The schedule search behind the exact branch and bound and the large-neighbourhood search of
// best: for fixed partitions, is there a batch sequence that meets every deadline?

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/planning/search.h"

#include <map>
#include <vector>

namespace coinfer {

/// Depth-first search over batch sequences for fixed partitions. Each batch starts as soon as the
/// GPU and its members are ready (waiting longer never helps with deadlines alone). Failed states
/// are remembered, and a state no earlier than a failed one with the same progress fails too.
/// For up to 12 candidates of one sub-task every member subset is tried (complete); above that,
/// or with a node limit that is reached, the answer "infeasible" proves nothing (complete() is
/// false). Time: exponential in the worst case; memory at most 32 MB of remembered states.
class ScheduleSearch {
public:
    ScheduleSearch(const CostModel& model, WorkMeter& meter);

    /// Stops each later call of feasible() after @p nodes search nodes (0: no limit), so that a
    /// heuristic caller bounds its cost; a search stopped so is incomplete.
    void setNodeLimit(long long nodes) { m_nodeLimit = nodes; }

    /// True when the users with partitions[m] < N (others ignored; -1 marks an unassigned user)
    /// can all meet their deadlines; the batch order found is left in batches(). A false answer
    /// is a proof only when complete() is true afterwards.
    bool feasible(const std::vector<int>& partitions);

    const std::vector<BatchSpec>& batches() const { return m_batches; }
    bool complete() const { return m_complete; }

private:
    struct NodeLimitReached { };

    /// Whether @p batches (every offloading user's sub-tasks in order, as roundSchedule builds
    /// them), each started as soon as it can, meet every deadline and B_max. O(batch members).
    bool meetsEveryDeadline(const std::vector<BatchSpec>& batches) const;
    bool search(double gpuFreeMs);
    /// Batch sizes below @p size worth trying for sub-task @p subtask (where tau_n steps up).
    std::vector<int> smallerSizes(int subtask, int size) const;
    std::vector<std::vector<size_t>> batchChoices(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs);
    bool tryBatch(int subtask, const std::vector<size_t>& members, double gpuFreeMs);
    std::vector<double> snapshot(double gpuFreeMs) const;
    void remember(double gpuFreeMs);
    bool dominatedByFailure(double gpuFreeMs) const;

    const CostModel& m_model;
    WorkMeter& m_meter;
    std::vector<double> m_tailMs;
    std::vector<int> m_users, m_next;
    std::vector<double> m_readyMs;
    std::map<std::vector<int>, std::vector<std::vector<double>>> m_failed;
    size_t m_storedNumbers = 0;
    std::vector<BatchSpec> m_batches;
    bool m_complete = true;
    long long m_nodeLimit = 0;
    long long m_nodes = 0;
};

} // namespace coinfer
