#pragma once
// The classroom walkthrough of how the planner saves energy, one step at a time:
// local computing, each user's cheapest feasible split, batching copies of a sub-task, and
// grouping users by deadline. Pure logic over core plans, so the stepping can be tested.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QString>

#include <cstddef>
#include <optional>
#include <set>
#include <vector>

namespace coinfer {

class CostModel;

/// Why one user cuts the network inside (0 < p < N): what its phone computes and uploads at
/// its split, against uploading the input (p = 0) and computing everything (p = N).
struct SplitExample {
    int user = -1;            ///< index into Scenario::users
    int partition = 0;        ///< p: the phone computes sub-tasks 1..p
    double localMs = 0;       ///< L_m(p)
    double computeMj = 0;     ///< local computing part of E_m(p)
    double uploadBytes = 0;   ///< d_p
    double inputBytes = 0;    ///< d_0
    double energyMj = 0;      ///< E_m(p)
    double uploadInputMj = 0; ///< E_m(0)
    double localAllMj = 0;    ///< E_m(N)
};

/// The user of @p plan whose split inside the network saves the most against the cheaper of
/// its two ends (E_m(0), E_m(N)); ties go to the earlier user. nullopt when no user of the plan
/// has 0 < p < N. O(M).
std::optional<SplitExample> bestSplitExample(const Scenario& scenario, const CostModel& model, const Plan& plan);

/// The sentence that tells @p example with this scenario's layer names and numbers.
QString splitSentence(const Scenario& scenario, const SplitExample& example);

struct WalkthroughStep {
    QString title;
    QString explanation;   ///< with this scenario's numbers
    Plan plan;             ///< what the step shows
    std::set<int> changed; ///< users whose partition or group changed since the step before
    /// The split the step explains (step 1, when some user cuts the network inside).
    std::optional<SplitExample> split;
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
