#pragma once
// The classroom walkthrough of how the planner saves energy, one step at a time:
// local computing, each user's cheapest feasible split, batching copies of a sub-task, and
// grouping users by deadline. Pure logic over core plans, so the stepping can be tested.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QString>

#include <set>
#include <vector>

namespace coinfer {

struct WalkthroughStep {
    QString title;
    QString explanation;      ///< with this scenario's numbers
    Plan plan;                ///< what the step shows
    std::set<int> changed;    ///< users whose partition or group changed since the step before
};

class Walkthrough {
public:
    Walkthrough() = default;
    /// Plans the scenario with local, no-batching, IP-SSA and OG. O(cost of those planners).
    explicit Walkthrough(const Scenario& scenario);

    int stepCount() const { return static_cast<int>(m_steps.size()); }
    int current() const { return m_current; }
    const WalkthroughStep& step() const { return m_steps[static_cast<size_t>(m_current)]; }
    const WalkthroughStep& step(int index) const { return m_steps[static_cast<size_t>(index)]; }
    /// Moves to the next or previous step; false (and no move) at either end.
    bool next();
    bool previous();
    void first() { m_current = 0; }

private:
    std::vector<WalkthroughStep> m_steps;
    int m_current = 0;
};

} // namespace coinfer
