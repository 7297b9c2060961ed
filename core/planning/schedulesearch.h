#pragma once
// The schedule search behind the exact branch and bound and the large-neighbourhood search of
// best: for fixed partitions, is there a batch sequence that meets every deadline?

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/planning/search.h"

#include <array>
#include <cstddef>
#include <deque>
#include <span>
#include <unordered_map>
#include <vector>

namespace coinfer {

/// Depth-first search over batch sequences for fixed partitions. Each batch starts as soon as the
/// GPU and its members are ready (waiting longer never helps with deadlines alone). Failed states
/// are remembered, and a state no earlier than a failed one with the same progress fails too.
/// For up to 12 candidates of one sub-task every member subset is tried (complete); above that,
/// or with a node limit that is reached, the answer "infeasible" proves nothing (complete() is
/// false). Time: exponential in the worst case; memory at most 32 MB of remembered states (their
/// numbers; a vector's spare capacity can add up to as much again). A node allocates nothing once
/// the search has been that deep: its scratch vectors are kept per depth.
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
    /// Whether @p batches (every offloading user's sub-tasks in order, as roundSchedule builds
    /// them), each started as soon as it can, meet every deadline and B_max. O(batch members).
    bool meetsEveryDeadline(const std::vector<BatchSpec>& batches) const;
    bool search(double gpuFreeMs);
    /// Up to four batch sizes below @p size worth trying for sub-task @p subtask (where tau_n
    /// steps up), largest first, into @p sizes; returns how many.
    size_t smallerSizes(int subtask, int size, std::array<int, 4>& sizes) const;
    /// Tries the readiness-ordered batches of @p candidates, the fallback when they are too many
    /// to enumerate (incomplete), or when tau_n is constant and all fit (complete).
    bool tryReadinessChoices(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs);
    /// Tries every subset of at most B_max of @p candidates (at most kMaxEnumeratedCandidates),
    /// largest bit mask first. Returns whether one leads to a feasible schedule.
    bool tryEverySubset(int subtask, const std::vector<size_t>& candidates, double gpuFreeMs);
    bool tryBatch(int subtask, std::span<const size_t> members, double gpuFreeMs);
    void remember(double gpuFreeMs);
    bool dominatedByFailure(double gpuFreeMs) const;
    /// Scratch vectors of one search level (batches placed so far), kept between nodes so that a
    /// node allocates nothing.
    struct Level {
        std::vector<size_t> candidates, byUrgency, chosen;
        std::vector<double> startsMs;
    };
    Level& level(size_t depth);

    /// Hashes a progress vector (each user's next sub-task) for the failure memory.
    struct ProgressHash {
        size_t operator()(const std::vector<int>& progress) const noexcept;
    };

    const CostModel& m_model;
    WorkMeter& m_meter;
    std::vector<double> m_tailMs;
    std::vector<bool> m_constantEdge;          ///< [n]: tau_n(b) is the same for every b up to B_max
    std::vector<std::vector<int>> m_stepSizes; ///< [n]: every b < B_max with tau_n(b) < tau_n(b + 1), largest first
    std::vector<int> m_users, m_next;
    std::vector<double> m_readyMs;
    /// Failed states by progress: each state's ready times and GPU free time, back to back.
    std::unordered_map<std::vector<int>, std::vector<double>, ProgressHash> m_failed;
    size_t m_storedNumbers = 0;
    std::vector<BatchSpec> m_batches; // the first m_depth are the batches placed; the rest keep their capacity
    std::vector<Schedule> m_rounds;   // the rounds built along a few orders, kept for their capacity
    size_t m_depth = 0;
    std::deque<Level> m_levels;         // a deque: references stay valid as it grows
    std::vector<double> m_savedReadyMs; // a stack of the ready times tryBatch replaced
    std::vector<size_t> m_byUrgency;    // indices into m_users by deadline, ties by index
    bool m_complete = true;
    long long m_nodeLimit = 0;
    long long m_nodes = 0;
    bool m_nodeLimitReached = false; ///< set by search() when m_nodeLimit is passed: every level returns at once
};

} // namespace coinfer
