// Best: a portfolio of every planner, a local search over partitions and rounds re-timed by the
// one simulator, and the exact branch and bound seeded with the result for the rest of the
// budget. docs/algorithms.md section 8 describes the stages.

#include "core/planning/lowerbound.h"
#include "core/planning/neighbourhood.h"
#include "core/planning/roundbuilder.h"
#include "core/planning/roundpacking.h"
#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <utility>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// Room between normalised round ids, so a new round can be put between two others.
constexpr int kGroupGap = 4;

/// The GPU, ASAP: among the copies ready when it frees up, the one with the least laxity (deadline
/// minus its earliest finish) goes first, batched with every other ready copy of the same
/// sub-task, least laxity first, up to B_max. Rounds of different users interleave freely.
/// With @p waitForUrgent the least-laxity copy of all goes first even if the GPU must wait for
/// its upload: keeping the GPU busy with a relaxed copy can make an urgent one late.
/// O(J*M) for J batches. With @p meter, asks it to stop before each batch (SearchStopped).
Schedule listSchedule(const CostModel& model, const std::vector<int>& partitions, bool waitForUrgent = false,
                      WorkMeter* meter = nullptr)
{
    const int users = model.userCount();
    const int n = model.subtaskCount();
    std::vector<double> tailMs(static_cast<size_t>(n + 2), 0.0);
    for (int s = n; s >= 1; --s)
        tailMs[static_cast<size_t>(s)] = tailMs[static_cast<size_t>(s + 1)] + model.minEdgeMs(s);
    Schedule schedule{partitions, std::vector<int>(static_cast<size_t>(users), -1), {}};
    std::vector<int> next(static_cast<size_t>(users));
    std::vector<double> readyMs(static_cast<size_t>(users));
    std::vector<int> pending;
    for (int m = 0; m < users; ++m) {
        const int p = partitions[static_cast<size_t>(m)];
        next[static_cast<size_t>(m)] = p + 1;
        if (p < n) {
            readyMs[static_cast<size_t>(m)] = model.arrivalMs(m, p);
            schedule.groups[static_cast<size_t>(m)] = 0;
            pending.push_back(m);
        }
    }
    double gpuFreeMs = model.edgeFreeAtMs();
    auto laxity = [&](int m, double atMs) {
        return model.deadlineMs(m) - (atMs + tailMs[static_cast<size_t>(next[static_cast<size_t>(m)])]);
    };
    std::vector<int> ready;
    while (!pending.empty()) {
        if (meter)
            meter->checkpoint();
        double startMs = kInf;
        for (int m : pending)
            startMs = std::min(startMs, readyMs[static_cast<size_t>(m)]);
        startMs = std::max(startMs, gpuFreeMs);
        if (waitForUrgent) {
            int urgent = pending.front();
            for (int m : pending)
                if (laxity(m, std::max(gpuFreeMs, readyMs[static_cast<size_t>(m)])) <
                    laxity(urgent, std::max(gpuFreeMs, readyMs[static_cast<size_t>(urgent)])))
                    urgent = m;
            startMs = std::max(gpuFreeMs, readyMs[static_cast<size_t>(urgent)]);
        }
        ready.clear();
        for (int m : pending)
            if (readyMs[static_cast<size_t>(m)] <= startMs)
                ready.push_back(m);
        std::stable_sort(ready.begin(), ready.end(), [&](int a, int b) { return laxity(a, startMs) < laxity(b, startMs); });
        const int subtask = next[static_cast<size_t>(ready.front())];
        BatchSpec batch{subtask, {}};
        for (int m : ready)
            if (next[static_cast<size_t>(m)] == subtask && static_cast<int>(batch.users.size()) < model.maxBatch())
                batch.users.push_back(m);
        gpuFreeMs = startMs + model.edgeMs(subtask, static_cast<int>(batch.users.size()));
        for (int m : batch.users) {
            readyMs[static_cast<size_t>(m)] = gpuFreeMs;
            ++next[static_cast<size_t>(m)];
        }
        schedule.batches.push_back(std::move(batch));
        std::erase_if(pending, [&](int m) { return next[static_cast<size_t>(m)] > n; });
    }
    return schedule;
}

/// Every user at the largest partition it could meet alone (local when it can), in one round.
/// O(M*N^2).
Schedule leastGpuWork(const CostModel& model)
{
    std::vector<int> partitions(static_cast<size_t>(model.userCount()), model.subtaskCount());
    for (int m = 0; m < model.userCount(); ++m)
        for (int p = model.subtaskCount(); p >= 0; --p)
            if (model.feasibleAlone(m, p)) {
                partitions[static_cast<size_t>(m)] = p;
                break;
            }
    return roundSchedule(model, partitions, std::vector<int>(partitions.size(), 0));
}

/// Every user local where that meets its deadline, the others at the partition that finishes
/// earliest alone: the plan that leaves the GPU the most slack. O(M*N^2).
Schedule earliestAlone(const CostModel& model)
{
    const int subtasks = model.subtaskCount();
    std::vector<int> partitions(static_cast<size_t>(model.userCount()), subtasks);
    for (int m = 0; m < model.userCount(); ++m) {
        if (model.feasibleAlone(m, subtasks))
            continue;
        double earliestMs = std::numeric_limits<double>::infinity();
        for (int p = 0; p < subtasks; ++p) {
            double finishMs = model.arrivalMs(m, p);
            for (int n = p + 1; n <= subtasks; ++n)
                finishMs += model.edgeMs(n, 1);
            if (finishMs < earliestMs) {
                earliestMs = finishMs;
                partitions[static_cast<size_t>(m)] = p;
            }
        }
    }
    return roundSchedule(model, partitions, std::vector<int>(partitions.size(), 0));
}

/// Every user local where that meets its deadline, the others at partition @p shared when they
/// could meet their deadline there alone (else locally, and late): the users who must offload
/// then join the same batches from the first sub-task they need. O(M).
Schedule sharedPartition(const CostModel& model, int shared)
{
    const int subtasks = model.subtaskCount();
    std::vector<int> partitions(static_cast<size_t>(model.userCount()), subtasks);
    for (int m = 0; m < model.userCount(); ++m)
        if (!model.feasibleAlone(m, subtasks) && model.feasibleAlone(m, shared))
            partitions[static_cast<size_t>(m)] = shared;
    return roundSchedule(model, partitions, std::vector<int>(partitions.size(), 0));
}

/// Every user at the cheapest partition it could meet alone (the alone bound's choice). O(M*N^2).
Schedule cheapestAlone(const CostModel& model)
{
    std::vector<int> partitions(static_cast<size_t>(model.userCount()), model.subtaskCount());
    for (int m = 0; m < model.userCount(); ++m) {
        const std::vector<int> options = model.aloneOptionsCheapestFirst(m);
        if (!options.empty())
            partitions[static_cast<size_t>(m)] = options.front();
    }
    return roundSchedule(model, partitions, std::vector<int>(partitions.size(), 0));
}

/// The search's state and its one way of judging a schedule: the simulator.
class BestSearch {
public:
    BestSearch(const Scenario& scenario, const CostModel& model, WorkMeter& meter)
        : m_scenario(scenario), m_model(model), m_meter(meter)
    {
    }

    /// Re-times @p schedule with the simulator; keeps it when it is feasible and the cheapest so
    /// far. Returns whether it is feasible. A metered check stops, throwing SearchStopped, when
    /// the time limit or a cancel comes during its timing (at 10^6 users a timing takes up to
    /// 0.7 s). Unmetered checks are for a result the budget already paid for (the branch and
    /// bound's plan, after the meter has stopped it): they are timed to their end.
    bool consider(const Schedule& schedule, const std::string& source, bool metered = true)
    {
        long long members = 0;
        for (const BatchSpec& batch : schedule.batches)
            members += static_cast<long long>(batch.users.size()) + 1;
        if (!metered)
            return keepIfBest(simulate(m_scenario, m_model, schedule, source), schedule, source);
        m_meter.spend(static_cast<long long>(m_model.userCount()) * (m_model.subtaskCount() + 1) + members);
        return considerUnlessStopped(schedule, source);
    }

    /// Re-times @p schedule, unmetered (a start of the portfolio), and keeps it as consider()
    /// does; throws SearchStopped when the time limit or a cancel comes before its timing ends,
    /// keeping the incumbent, since a plan timed half-way is no plan.
    bool considerUnlessStopped(const Schedule& schedule, const std::string& source)
    {
        std::optional<SearchEnd> stop;
        const std::function<bool()> stopped = [this, &stop] {
            try {
                m_meter.checkpoint();
                return false;
            } catch (const SearchStopped& asked) {
                stop = asked.reason;
                return true;
            }
        };
        std::optional<Plan> plan = simulateUnlessStopped(m_scenario, m_model, schedule, source, stopped);
        if (!plan)
            throw SearchStopped{*stop};
        return keepIfBest(std::move(*plan), schedule, source);
    }

    bool found() const { return std::isfinite(m_bestMj); }
    double bestMj() const { return m_bestMj; }
    const Schedule& best() const { return m_best; }
    /// The incumbent as the simulator timed it, named after its source; moved out by the caller.
    Plan& bestPlan() { return m_bestPlan; }
    const std::string& source() const { return m_source; }
    void setSource(std::string source) { m_source = std::move(source); }

    /// Improves the incumbent by first-improvement moves until none helps or @p workLimit units
    /// have been spent: a user to a cheaper partition in its own, a neighbouring or a new round;
    /// two neighbouring rounds merged. A move is kept when the rounds it gives, or failing that
    /// the list schedule of its partitions, is feasible in the simulator.
    void localSearch(long long workLimit)
    {
        if (!std::isfinite(m_bestMj))
            return;
        collectOptions();
        m_workLimit = workLimit;
        Layout layout = layoutOf(m_best);
        bool improved = true;
        while (improved && withinLimit()) {
            improved = improveUsers(layout);
            improved = mergeRounds(layout) || improved;
        }
    }

private:
    /// Keeps @p schedule, timed as @p plan, when it is feasible and the cheapest so far. Returns
    /// whether it is feasible.
    bool keepIfBest(Plan&& plan, const Schedule& schedule, const std::string& source)
    {
        if (!plan.feasible)
            return false;
        // At equal energy the plan with fewer batches wins: it shows what batching does, where
        // the unbatched plan of the same energy would hide it (examples/classroom-split.json).
        const bool cheaper = plan.totalEnergyMj < m_bestMj * (1 - 1e-12);
        const bool asCheapFewerBatches =
            !cheaper && plan.totalEnergyMj <= m_bestMj * (1 + 1e-12) && plan.batches.size() < m_bestBatches;
        if (cheaper || asCheapFewerBatches) {
            m_bestMj = std::min(m_bestMj, plan.totalEnergyMj);
            m_bestBatches = plan.batches.size();
            m_best = schedule;
            m_bestPlan = std::move(plan);
            m_source = source;
            m_meter.setIncumbent(m_bestMj);
        }
        return true;
    }

    struct Layout {
        std::vector<int> partitions;
        std::vector<int> groups; // round order, smaller first; -1 for local users
    };

    bool withinLimit() const { return m_meter.used() < m_workLimit; }

    /// Collects every user's options once, for the local search: at 10^6 users they take 0.2 s,
    /// so they ask the meter every 4,096 users, and a search stopped before needs none (nor
    /// frees 10^6 lists after the stop).
    void collectOptions()
    {
        if (!m_optionBegin.empty())
            return;
        std::vector<int> list;
        std::vector<size_t> begin{0};
        begin.reserve(static_cast<size_t>(m_model.userCount()) + 1);
        for (int m = 0; m < m_model.userCount(); ++m) {
            if ((m & 4095) == 0)
                m_meter.checkpoint();
            const std::vector<int> options = m_model.aloneOptionsCheapestFirst(m);
            list.insert(list.end(), options.begin(), options.end());
            begin.push_back(list.size());
        }
        m_optionList = std::move(list);
        m_optionBegin = std::move(begin);
    }

    /// The partitions user @p m could meet alone, cheapest first (collectOptions() first).
    std::span<const int> options(int m) const
    {
        const size_t begin = m_optionBegin[static_cast<size_t>(m)];
        return {m_optionList.data() + begin, m_optionBegin[static_cast<size_t>(m) + 1] - begin};
    }

    Layout layoutOf(const Schedule& schedule) const
    {
        Layout layout{schedule.partitions, schedule.groups};
        if (layout.groups.size() != layout.partitions.size())
            layout.groups.assign(layout.partitions.size(), 0);
        normalise(layout);
        return layout;
    }

    void normalise(Layout& layout) const
    {
        std::map<int, int> ids;
        for (size_t m = 0; m < layout.partitions.size(); ++m)
            if (layout.partitions[m] < m_model.subtaskCount())
                ids.emplace(layout.groups[m], 0);
        int next = 0;
        for (auto& [group, id] : ids)
            id = (next++) * kGroupGap;
        for (size_t m = 0; m < layout.partitions.size(); ++m)
            layout.groups[m] = layout.partitions[m] < m_model.subtaskCount() ? ids[layout.groups[m]] : -1;
    }

    bool tryLayout(Layout& trial)
    {
        // A move may open a round numbered below 0; renumber first, so that no offloading user
        // of a plan this search keeps has group -1 (which means "computes locally").
        normalise(trial);
        if (consider(roundSchedule(m_model, trial.partitions, trial.groups), "local search"))
            return true;
        if (consider(listSchedule(m_model, trial.partitions), "local search (list schedule)") ||
            consider(listSchedule(m_model, trial.partitions, true), "local search (urgent-first list schedule)"))
            return true;
        bool any = false;
        for (const Schedule& rounds : chunkedRoundSchedules(m_model, trial.partitions))
            any = consider(rounds, "local search (rounds in turn)") || any;
        if (!any)
            return false;
        // The list schedule interleaves rounds; keep the layout's rounds for the next moves,
        // which are judged again by both builders.
        return true;
    }

    // The rounds a user could join: its own, the rounds around its deadline, and a new round
    // just before or after them.
    std::vector<int> roundTargets(const Layout& layout, int user) const
    {
        std::map<int, double> firstDeadline;
        for (size_t m = 0; m < layout.partitions.size(); ++m)
            if (layout.groups[m] >= 0 && static_cast<int>(m) != user) {
                auto [it, added] = firstDeadline.emplace(layout.groups[m], m_model.deadlineMs(static_cast<int>(m)));
                if (!added)
                    it->second = std::min(it->second, m_model.deadlineMs(static_cast<int>(m)));
            }
        std::vector<int> targets;
        const int own = layout.groups[static_cast<size_t>(user)];
        if (own >= 0)
            targets.push_back(own);
        const double deadline = m_model.deadlineMs(user);
        int before = -1, after = -1; // the last round starting no later than the deadline, the first after
        for (const auto& [group, first] : firstDeadline) {
            if (meetsDeadline(first, deadline))
                before = group;
            else if (after < 0)
                after = group;
        }
        for (int group : {before, after})
            if (group >= 0 && group != own)
                targets.push_back(group);
        if (before >= 0)
            targets.push_back(before + 1); // a new round right after it
        else if (after >= 0)
            targets.push_back(after - 1);
        else
            targets.push_back(0);
        return targets;
    }

    bool improveUsers(Layout& layout)
    {
        const int n = m_model.subtaskCount();
        std::vector<int> order;
        std::vector<double> potential(layout.partitions.size(), 0.0);
        for (int m = 0; m < m_model.userCount(); ++m) {
            const std::span<const int> cheapestFirst = options(m);
            if (cheapestFirst.empty())
                continue;
            potential[static_cast<size_t>(m)] =
                m_model.energyMj(m, layout.partitions[static_cast<size_t>(m)]) - m_model.energyMj(m, cheapestFirst.front());
            if (potential[static_cast<size_t>(m)] > 1e-12)
                order.push_back(m);
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return potential[static_cast<size_t>(a)] > potential[static_cast<size_t>(b)]; });
        bool improved = false;
        for (int m : order) {
            if (!withinLimit())
                break;
            const double current = m_model.energyMj(m, layout.partitions[static_cast<size_t>(m)]);
            bool moved = false;
            for (int p : options(m)) {
                if (moved || m_model.energyMj(m, p) >= current - 1e-12 || !withinLimit())
                    break;
                const std::vector<int> targets = p < n ? roundTargets(layout, m) : std::vector<int>{-1};
                for (int group : targets) {
                    Layout trial = layout;
                    trial.partitions[static_cast<size_t>(m)] = p;
                    trial.groups[static_cast<size_t>(m)] = group;
                    if (tryLayout(trial)) {
                        normalise(trial);
                        layout = std::move(trial);
                        moved = improved = true;
                        break;
                    }
                }
            }
        }
        return improved;
    }

    // Merging two rounds saves GPU time (one batch per sub-task instead of two), which can let
    // later moves offload more; it never changes the energy, so it is kept only when the merged
    // rounds are feasible and a user move then succeeds.
    bool mergeRounds(Layout& layout)
    {
        std::vector<int> groups;
        for (int group : layout.groups)
            if (group >= 0)
                groups.push_back(group);
        std::sort(groups.begin(), groups.end());
        groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
        bool improved = false;
        for (size_t i = 0; i + 1 < groups.size() && withinLimit(); ++i) {
            Layout trial = layout;
            for (int& group : trial.groups)
                if (group == groups[i + 1])
                    group = groups[i];
            const double before = m_bestMj;
            if (!consider(roundSchedule(m_model, trial.partitions, trial.groups), "local search"))
                continue;
            normalise(trial);
            if (improveUsers(trial) && m_bestMj < before * (1 - 1e-12)) {
                layout = std::move(trial);
                improved = true;
                break;
            }
        }
        return improved;
    }

    const Scenario& m_scenario;
    const CostModel& m_model;
    WorkMeter& m_meter;
    // Per user, the partitions it could meet alone, cheapest first: user m's are
    // m_optionList[m_optionBegin[m] .. m_optionBegin[m + 1]), one list rather than 10^6 small ones.
    std::vector<int> m_optionList;
    std::vector<size_t> m_optionBegin;
    double m_bestMj = kInf;
    std::size_t m_bestBatches = 0; ///< batches of the incumbent
    Schedule m_best;
    Plan m_bestPlan; ///< m_best as timed: makePlan need not time it again
    std::string m_source;
    long long m_workLimit = 0;
};

} // namespace

namespace {

/// Where each stage of best stops, in units counted on the meter since the start.
struct StageLimits {
    long long localSearchUntil = 0;
    long long packingUntil = 0;
    long long neighbourhoodUntil = 0;
};

/// Considers the list and round schedules of @p start's partitions (not @p start itself); stops
/// at the meter's time limit or cancel between schedules.
void considerOtherSchedules(BestSearch& search, const CostModel& model, WorkMeter& meter, const Schedule& start,
                            const std::string& name)
{
    meter.checkpoint();
    search.considerUnlessStopped(listSchedule(model, start.partitions, false, &meter), name + " partitions, list schedule");
    search.considerUnlessStopped(listSchedule(model, start.partitions, true, &meter), name + " partitions, urgent-first");
    for (const Schedule& rounds : chunkedRoundSchedules(model, start.partitions)) {
        meter.checkpoint();
        search.considerUnlessStopped(rounds, name + " partitions, rounds in turn");
    }
}

/// Considers @p start and the list and round schedules of its partitions.
void considerWithSchedules(BestSearch& search, const CostModel& model, WorkMeter& meter, const Schedule& start,
                           const std::string& name)
{
    meter.checkpoint();
    search.considerUnlessStopped(start, name);
    considerOtherSchedules(search, model, meter, start, name);
}

/// A planner shown beside best, by name, with its plan.
struct ShownPlan {
    const char* name;
    Schedule schedule;
};

/// Considers the plans of the planners shown beside best (all but OG) into @p shown, local's
/// first, so that none beats best. Under a time limit or a cancel the others stop at the clock,
/// their timing too (at 10^6 users each costs a plan of up to 0.4 s and a timing of up to 0.7 s);
/// local's is timed to its end, as makePlan would time it for a best with no plan. `compare` and
/// the app recommend the least-energy plan of all they show, so a best stopped early is not
/// recommended over them.
void considerShownPlans(BestSearch& search, const CostModel& model, WorkMeter& meter, std::vector<ShownPlan>& shown)
{
    using Planner = Schedule (*)(const CostModel&, WorkMeter&);
    const std::pair<const char*, Planner> planners[] = {
        {"local", [](const CostModel& m, WorkMeter&) { return planLocal(m); }},
        {"full-offload", [](const CostModel& m, WorkMeter& w) { return planFullOffload(m, &w); }},
        {"no-batching", [](const CostModel& m, WorkMeter& w) { return planNoBatching(m, &w); }},
        {"ip-ssa", [](const CostModel& m, WorkMeter& w) {
             // Unstopped, the plan of planIpSsa(m); a plan of a stopped bound iteration is not shown.
             std::optional<SearchEnd> stop;
             std::optional<Schedule> plan = planIpSsa(m, w, stop);
             if (stop)
                 throw SearchStopped{*stop};
             return std::move(*plan);
         }}};
    for (const auto& [name, planner] : planners) {
        const bool first = shown.empty();
        if (!first)
            meter.checkpoint();
        shown.push_back({name, planner(model, meter)});
        if (first)
            search.consider(shown.back().schedule, name, false);
        else
            search.considerUnlessStopped(shown.back().schedule, name);
    }
}

/// The rest of the portfolio of starts and a first local search. Throws SearchStopped when the
/// meter stops: every start checks the clock, so a time limit at 10^6 users holds.
void runPortfolio(BestSearch& search, const CostModel& model, WorkMeter& meter, const StageLimits& limits,
                  const std::vector<ShownPlan>& shown)
{
    // OG, the slow one of the planners shown beside best, comes after a first local search so
    // that a time limit does not leave the search no time at all on large scenarios.
    for (const ShownPlan& plan : shown)
        considerOtherSchedules(search, model, meter, plan.schedule, plan.name);
    // A start that leaves the GPU as free as possible, for scenarios where every planner above
    // misses a deadline: each user at the latest partition it could meet alone.
    considerWithSchedules(search, model, meter, leastGpuWork(model), "least GPU work");
    considerWithSchedules(search, model, meter, earliestAlone(model), "earliest finish");
    for (int shared = 0; shared < model.subtaskCount(); ++shared)
        considerWithSchedules(search, model, meter, sharedPartition(model, shared), "one partition for those who must offload");
    // Every user at its cheapest option: the plan of the alone bound, when rounds can hold it.
    considerWithSchedules(search, model, meter, cheapestAlone(model), "cheapest options");
    meter.checkpoint(); // a cancel that came during the portfolio stops here
    search.localSearch(limits.localSearchUntil / 2);
}

/// OG, the rest of the local search, the round packing and the large-neighbourhood search until
/// their @p limits. Throws SearchStopped when the meter, OG or a stage stops.
void runImprovements(BestSearch& search, const CostModel& model, WorkMeter& meter, const StageLimits& limits)
{
    std::optional<SearchEnd> ogStop; // OG stops on the clock and cancel flag, not the budget
    if (const std::optional<Schedule> og = planOg(model, meter, ogStop))
        considerWithSchedules(search, model, meter, *og, "og");
    if (ogStop) // the time limit or a cancel stopped OG: best stops with it
        throw SearchStopped{*ogStop};
    search.localSearch(limits.localSearchUntil); // on from OG's plan when that is the cheapest
    if (limits.packingUntil > meter.used() && search.found()) {
        const PackingOutcome packed = packRounds(model, meter, search.best(), limits.packingUntil);
        if (packed.improved)
            considerWithSchedules(search, model, meter, *packed.improved, "round packing");
        if (packed.stop)
            throw SearchStopped{*packed.stop};
    }
    if (limits.neighbourhoodUntil > meter.used() && search.found()) {
        const NeighbourhoodOutcome windows =
            improveByWindows(model, meter, search.best(), search.bestMj(), limits.neighbourhoodUntil);
        if (windows.improved)
            search.consider(*windows.improved, "large-neighbourhood search", false);
        if (windows.stop)
            throw SearchStopped{*windows.stop};
    }
}

/// The branch and bound from the incumbent, until the meter stops it; raises @p outcome's bound.
void runBranchAndBound(BestSearch& search, const CostModel& model, WorkMeter& meter, BestOutcome& outcome)
{
    ExactOutcome exact = searchExact(model, meter, search.found() ? &search.best() : nullptr, search.bestMj());
    if (exact.found && exact.energyMj < search.bestMj() && search.consider(exact.schedule, "branch and bound", false))
        search.setSource("branch and bound");
    outcome.lowerBoundMj = std::max(outcome.lowerBoundMj, exact.lowerBoundMj);
    outcome.end = exact.end;
}

/// The stages of best on one meter: the portfolio, the local search, the round packing and the
/// large-neighbourhood search until their @p limits, then (if asked) the branch and bound until
/// the meter stops it.
BestOutcome runStages(const Scenario& scenario, const CostModel& model, WorkMeter& meter, const StageLimits& limits,
                      bool branchAndBound)
{
    BestSearch search(scenario, model, meter);
    BestOutcome outcome;
    // The bound takes seconds at 10^6 users: a time limit or Ctrl-C ends it with what it has.
    const StopAsked limitReached = [&meter] {
        try {
            meter.checkpoint();
            return false;
        } catch (const SearchStopped&) {
            return true;
        }
    };
    outcome.lowerBoundMj = model.aloneLowerBoundMj();
    std::vector<ShownPlan> shown;
    try {
        considerShownPlans(search, model, meter, shown);
        meter.checkpoint(); // the capacity bound's first steps take 0.2 s at 10^6 users
        outcome.lowerBoundMj = std::max(outcome.lowerBoundMj, capacityLowerBoundMj(model, limitReached));
        meter.setLowerBound(outcome.lowerBoundMj);
        runPortfolio(search, model, meter, limits, shown);
        runImprovements(search, model, meter, limits);
        if (branchAndBound)
            runBranchAndBound(search, model, meter, outcome);
    } catch (const SearchStopped& stop) {
        outcome.end = stop.reason;
    }
    outcome.found = search.found();
    if (outcome.found) {
        outcome.schedule = search.best();
        outcome.plan = std::move(search.bestPlan());
        outcome.energyMj = search.bestMj();
        outcome.source = search.source();
        outcome.lowerBoundMj = std::min(outcome.lowerBoundMj, outcome.energyMj);
        outcome.provenOptimal = outcome.lowerBoundMj >= outcome.energyMj * (1 - 1e-9);
    }
    return outcome;
}

} // namespace

BestOutcome planBest(const Scenario& scenario, const CostModel& model, const SearchControl& control, const BestStages& stages)
{
    SearchControl budgeted = control;
    if (budgeted.workBudget <= 0)
        budgeted.workBudget = defaultBestWorkBudget(model.userCount());
    WorkMeter meter(budgeted);
    // A quarter of the budget for the local search (it often stops early), the round packing up
    // to half of it (it stops early unless rounds hold hundreds of users), the large-neighbourhood
    // search up to three quarters, the rest for the branch and bound.
    const long long budget = budgeted.workBudget;
    StageLimits limits;
    limits.localSearchUntil = !stages.localSearch ? 0 : stages.branchAndBound || stages.neighbourhood ? budget / 4 : budget;
    limits.packingUntil = !stages.localSearch ? 0 : stages.branchAndBound || stages.neighbourhood ? budget / 2 : budget;
    limits.neighbourhoodUntil = !stages.neighbourhood ? 0 : stages.branchAndBound ? budget / 4 * 3 : budget;
    return runStages(scenario, model, meter, limits, stages.branchAndBound);
}

BestOutcome planExactAnytime(const Scenario& scenario, const CostModel& model, const SearchControl& control)
{
    WorkMeter meter(control);
    // A short local search gives the branch and bound a good incumbent to prune with.
    const StageLimits limits{kDefaultBestWorkBudget / 10, kDefaultBestWorkBudget / 7, kDefaultBestWorkBudget / 5};
    return runStages(scenario, model, meter, limits, true);
}

} // namespace coinfer
