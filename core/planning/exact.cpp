// Exact: global optimum over every partition vector and every batch schedule. Energy depends on
// the partitions alone, so a branch and bound over partitions (cheapest first) asks a schedule
// search whether each candidate vector can meet every deadline. Anytime: stopped early, it
// returns its incumbent and the least bound of the subtrees it has not closed.

#include "core/planning/planner.h"
#include "core/planning/neighbourhood.h"
#include "core/planning/schedulesearch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The branch and bound over partition vectors. Its open subtrees are the untried options along
/// the current path, so their least energy bound is a proven lower bound at any moment.
class PartitionSearch {
public:
    /// Searches every user's partition, or with @p window only those users' partitions while
    /// everyone else keeps the one in @p fixedPartitions (a large-neighbourhood move).
    PartitionSearch(const CostModel& model, WorkMeter& meter, const std::vector<int>* window = nullptr,
                    const std::vector<int>* fixedPartitions = nullptr)
        : m_model(model), m_meter(meter), m_schedules(model, meter), m_partitions(static_cast<size_t>(model.userCount()), -1)
    {
        if (window) {
            m_order = *window;
            for (int m = 0; m < model.userCount(); ++m)
                m_partitions[static_cast<size_t>(m)] = (*fixedPartitions)[static_cast<size_t>(m)];
            for (int m : m_order)
                m_partitions[static_cast<size_t>(m)] = -1;
            for (int m = 0; m < model.userCount(); ++m)
                if (m_partitions[static_cast<size_t>(m)] >= 0)
                    m_fixedMj += model.energyMj(m, m_partitions[static_cast<size_t>(m)]);
        } else {
            m_order.resize(static_cast<size_t>(model.userCount()));
            std::iota(m_order.begin(), m_order.end(), 0);
        }
        // Tight users first: their choices prune the most.
        std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
        for (int m : m_order)
            m_options.push_back(model.aloneOptionsCheapestFirst(m));
        m_minRestMj.assign(m_order.size() + 1, 0.0);
        for (size_t i = m_order.size(); i-- > 0;)
            m_minRestMj[i] =
                m_minRestMj[i + 1] + (m_options[i].empty() ? kInf : m_model.energyMj(m_order[i], m_options[i].front()));
        // Dropping a user from a feasible schedule keeps it feasible only if smaller batches are
        // never slower; only then may a partial assignment be pruned by its own infeasibility.
        m_prunePartial = model.edgeIsMonotone();
        m_path.resize(m_order.size());
    }

    /// Gives up (SearchEnd::WorkBudget) once the meter has counted @p units in all, and bounds
    /// every schedule search by @p scheduleNodes nodes: the limits of one neighbourhood move.
    void limit(long long units, long long scheduleNodes)
    {
        m_stopAtUnits = units;
        m_schedules.setNodeLimit(scheduleNodes);
    }

    /// Starts from a known feasible plan, so that only strictly cheaper ones are searched.
    void setIncumbent(const Schedule& schedule, double energyMj)
    {
        m_best = schedule;
        m_bestMj = energyMj;
        m_haveBest = true;
    }

    /// Runs to the end or until the meter stops it. Returns why it ended.
    SearchEnd run()
    {
        try {
            m_depth = 0;
            descend(0, m_fixedMj);
            m_openBoundMj = kInf;
            return SearchEnd::Completed;
        } catch (const SearchStopped& stop) {
            m_openBoundMj = openBound();
            return stop.reason;
        }
    }

    bool haveBest() const { return m_haveBest; }
    const Schedule& best() const { return m_best; }
    double bestMj() const { return m_bestMj; }
    /// The proven lower bound on the optimal energy after run(): the least of the incumbent, the
    /// open subtrees and the subtrees closed by an incomplete schedule search.
    double lowerBoundMj() const { return std::max(m_minRestMj[0], std::min({m_bestMj, m_openBoundMj, m_unresolvedMj})); }
    /// Whether some subtree was closed only because a schedule search could not decide it.
    bool scheduleSearchIncomplete() const { return std::isfinite(m_unresolvedMj); }
    /// The root bound: every user at its cheapest option it could meet alone.
    double rootBoundMj() const { return m_minRestMj[0]; }

private:
    struct PathStep {
        double energyBeforeMj = 0; // energy of the users assigned above this level
        size_t option = 0;         // index into m_options of the option being explored
    };

    void descend(size_t index, double energyMj)
    {
        if (m_stopAtUnits > 0 && m_meter.used() >= m_stopAtUnits)
            throw SearchStopped{SearchEnd::WorkBudget};
        if (energyMj + m_minRestMj[index] >= m_bestMj * (1 - 1e-12))
            return;
        if (index == m_order.size()) {
            const bool ok = m_schedules.feasible(m_partitions);
            if (ok) {
                m_bestMj = energyMj;
                m_haveBest = true;
                m_best.partitions = m_partitions;
                m_best.batches = m_schedules.batches();
                m_best.groups.assign(m_partitions.size(), -1);
                // The batches interleave users freely: the plan has one round.
                for (size_t m = 0; m < m_partitions.size(); ++m)
                    if (m_partitions[m] < m_model.subtaskCount())
                        m_best.groups[m] = 0;
                m_meter.setIncumbent(m_bestMj);
            } else if (!m_schedules.complete()) {
                m_unresolvedMj = std::min(m_unresolvedMj, energyMj);
            }
            return;
        }
        const int user = m_order[index];
        const auto& options = m_options[index];
        for (size_t i = 0; i < options.size(); ++i) {
            const int p = options[i];
            const double energyWith = energyMj + m_model.energyMj(user, p);
            if (energyWith + m_minRestMj[index + 1] >= m_bestMj * (1 - 1e-12))
                break; // options are cheapest first: the rest cannot do better
            m_path[index] = {energyMj, i};
            m_depth = index + 1;
            m_partitions[static_cast<size_t>(user)] = p;
            const bool offloads = p < m_model.subtaskCount();
            bool go = true;
            if (offloads && m_prunePartial && index + 1 < m_order.size()) {
                go = m_schedules.feasible(m_partitions);
                if (!go && !m_schedules.complete())
                    m_unresolvedMj = std::min(m_unresolvedMj, energyWith + m_minRestMj[index + 1]);
            }
            if (go)
                descend(index + 1, energyWith);
        }
        m_partitions[static_cast<size_t>(user)] = -1;
        m_depth = index;
    }

    // The subtrees not yet closed when the search stopped: the option in progress at the deepest
    // level, and the untried options (cheapest first) at every level above it.
    double openBound() const
    {
        double bound = kInf;
        for (size_t level = 0; level < m_depth; ++level) {
            const PathStep& step = m_path[level];
            const auto& options = m_options[level];
            const int user = m_order[level];
            const size_t from = level + 1 == m_depth ? step.option : step.option + 1;
            if (from < options.size())
                bound = std::min(bound, step.energyBeforeMj + m_model.energyMj(user, options[from]) + m_minRestMj[level + 1]);
        }
        if (m_depth == 0)
            bound = m_fixedMj + m_minRestMj[0];
        return bound;
    }

    const CostModel& m_model;
    WorkMeter& m_meter;
    ScheduleSearch m_schedules;
    std::vector<int> m_order;
    std::vector<std::vector<int>> m_options;
    std::vector<double> m_minRestMj;
    std::vector<int> m_partitions; // -1 while unassigned (ignored by the schedule search)
    std::vector<PathStep> m_path;
    size_t m_depth = 0; // levels of m_path in use
    bool m_prunePartial = false;
    double m_bestMj = kInf;
    bool m_haveBest = false;
    double m_openBoundMj = kInf;
    double m_unresolvedMj = kInf;
    double m_fixedMj = 0;        // energy of the users outside the window
    long long m_stopAtUnits = 0; // 0: until the meter stops the search
    Schedule m_best;
};

} // namespace

ExactOutcome searchExact(const CostModel& model, WorkMeter& meter, const Schedule* incumbent, double incumbentMj)
{
    PartitionSearch search(model, meter);
    if (incumbent)
        search.setIncumbent(*incumbent, incumbentMj);
    ExactOutcome outcome;
    outcome.end = search.run();
    outcome.found = search.haveBest();
    if (outcome.found) {
        outcome.schedule = search.best();
        outcome.energyMj = search.bestMj();
    }
    outcome.lowerBoundMj = search.lowerBoundMj();
    outcome.rootBoundMj = search.rootBoundMj();
    if (outcome.end == SearchEnd::Completed && search.scheduleSearchIncomplete() &&
        outcome.lowerBoundMj < outcome.energyMj * (1 - 1e-9))
        outcome.end = SearchEnd::HeuristicScheduleSearch;
    return outcome;
}

WindowOutcome searchWindow(const CostModel& model, WorkMeter& meter, const Schedule& incumbent, double incumbentMj,
                           const std::vector<int>& window, const WindowLimits& limits)
{
    PartitionSearch search(model, meter, &window, &incumbent.partitions);
    search.setIncumbent(incumbent, incumbentMj);
    search.limit(limits.stopAtUnits, limits.scheduleNodes);
    const SearchEnd end = search.run();
    WindowOutcome outcome;
    if (search.bestMj() < incumbentMj * (1 - 1e-12))
        outcome.improved = search.best();
    // The move's own limit ends it quietly; the caller's budget, clock or cancel end the caller.
    const bool ownLimit = end == SearchEnd::WorkBudget && meter.affords(1);
    if (end != SearchEnd::Completed && !ownLimit)
        outcome.stop = end;
    return outcome;
}

Expected<Schedule> planExact(const CostModel& model, const SearchControl& control)
{
    WorkMeter meter(control);
    const ExactOutcome outcome = searchExact(model, meter, nullptr, kInf);
    if (outcome.end == SearchEnd::HeuristicScheduleSearch)
        return Unexpected(Error{ErrorCode::TooLarge, "the exact search's schedule search was incomplete for this instance "
                                                     "(too many users at one sub-task to try every batch)"});
    if (outcome.end != SearchEnd::Completed)
        return Unexpected(Error{ErrorCode::TooLarge, std::string("the exact search stopped before it proved an optimum (") +
                                                         searchEndName(outcome.end) + ")"});
    if (outcome.found)
        return outcome.schedule;
    return Unexpected(Error{ErrorCode::Infeasible, "no partition and batch schedule meets every deadline"});
}

} // namespace coinfer
