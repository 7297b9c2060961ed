#pragma once
// Derived per-user quantities of docs/formats.md#the-model, computed once per scenario.

#include "core/model/scenario.h"
#include "core/util/tolerance.h" // IWYU pragma: keep (core/planning and its tests use the tolerance through this header)

#include <algorithm>
#include <cstddef>
#include <vector>

namespace coinfer {

/// Per-user prefix sums and per-partition costs. Index p runs over 0..N.
class CostModel {
public:
    /// Builds the tables. O(M*N). @p edgeFreeAtMs is when the GPU becomes free (online mode:
    /// earlier work still runs); no batch starts before it.
    explicit CostModel(const Scenario& scenario, double edgeFreeAtMs = 0);

    int userCount() const { return m_userCount; }
    int subtaskCount() const { return m_subtaskCount; }
    int maxBatch() const { return m_maxBatch; }

    /// L_m(p): local computing time of sub-tasks 1..p.
    double localMs(int user, int partition) const { return m_localMs[at(user, partition)]; }
    /// Upload time of d_p at r_m; 0 for p = N.
    double uploadMs(int user, int partition) const { return m_uploadMs[at(user, partition)]; }
    /// A_m(p) = L_m(p) + upload time: when the GPU can use user m's data (p < N); never before
    /// the GPU is free, so that every planner and the simulator respect a busy GPU.
    double arrivalMs(int user, int partition) const
    {
        return std::max(localMs(user, partition) + uploadMs(user, partition), m_edgeFreeAtMs);
    }
    /// When the GPU becomes free (0 offline).
    double edgeFreeAtMs() const { return m_edgeFreeAtMs; }
    /// E_m(p): local computing energy plus upload energy.
    double energyMj(int user, int partition) const { return m_energyMj[at(user, partition)]; }
    /// Local computing part of E_m(p).
    double computeEnergyMj(int user, int partition) const { return m_computeMj[at(user, partition)]; }
    double deadlineMs(int user) const { return m_deadlineMs[static_cast<size_t>(user)]; }

    /// tau_n(b) for sub-task n in 1..N and batch size b in 1..B_max.
    double edgeMs(int subtask, int batchSize) const
    {
        return m_edgeMs[static_cast<size_t>((subtask - 1) * m_maxBatch + (batchSize - 1))];
    }
    /// min over b of tau_n(b): a lower bound on any batch of sub-task n.
    double minEdgeMs(int subtask) const { return m_minEdgeMs[static_cast<size_t>(subtask - 1)]; }
    /// True when tau_n(b) does not depend on b for every n.
    bool edgeIsConstant() const { return m_edgeConstant; }
    /// True when tau_n(b) never decreases as b grows, for every n.
    bool edgeIsMonotone() const { return m_edgeMonotone; }

    /// Whether user m alone, with a GPU to itself, can meet its deadline at partition p.
    bool feasibleAlone(int user, int partition) const;
    /// Whether user m can meet its deadline alone at some partition. O(N).
    bool feasibleAlone(int user) const;
    /// The partitions user m could meet alone (feasibleAlone), cheapest E_m(p) first; ties keep
    /// the smaller p first. O(N^2).
    std::vector<int> aloneOptionsCheapestFirst(int user) const;
    /// Sum over users of their cheapest E_m(p) among the partitions they could meet alone with the
    /// GPU to themselves: a proven lower bound on every feasible plan's energy (+inf when some
    /// user can meet its deadline nowhere). O(M*N^2).
    double aloneLowerBoundMj() const;
    /// Sum over users of E_m(N): the local-computing reference energy.
    double localEnergyMj() const;

private:
    size_t at(int user, int partition) const { return static_cast<size_t>(user * (m_subtaskCount + 1) + partition); }

    int m_userCount = 0;
    int m_subtaskCount = 0;
    int m_maxBatch = 0;
    double m_edgeFreeAtMs = 0;
    std::vector<double> m_localMs, m_uploadMs, m_energyMj, m_computeMj, m_deadlineMs;
    std::vector<double> m_edgeMs, m_minEdgeMs;
    bool m_edgeConstant = true;
    bool m_edgeMonotone = true;
};

} // namespace coinfer
