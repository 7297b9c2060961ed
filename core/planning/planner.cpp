#include "core/planning/planner.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace coinfer {

std::string algorithmName(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::Local:
        return "local";
    case Algorithm::FullOffload:
        return "full-offload";
    case Algorithm::NoBatching:
        return "no-batching";
    case Algorithm::IpSsa:
        return "ip-ssa";
    case Algorithm::Og:
        return "og";
    case Algorithm::Best:
        return "best";
    case Algorithm::Exact:
        return "exact";
    }
    return "unknown";
}

std::vector<Algorithm> allAlgorithms()
{
    return {Algorithm::Local, Algorithm::FullOffload, Algorithm::NoBatching, Algorithm::IpSsa,
            Algorithm::Og,    Algorithm::Best,        Algorithm::Exact};
}

std::optional<Algorithm> algorithmFromName(std::string_view name)
{
    for (Algorithm algorithm : allAlgorithms())
        if (algorithmName(algorithm) == name)
            return algorithm;
    return std::nullopt;
}

std::vector<std::string> usersInfeasibleAlone(const Scenario& scenario, const CostModel& model)
{
    std::vector<std::string> ids;
    for (int m = 0; m < model.userCount(); ++m)
        if (!model.feasibleAlone(m))
            ids.push_back(scenario.users[static_cast<size_t>(m)].id);
    return ids;
}

namespace {

/// OG or IP-SSA under @p control's time limit and cancel flag (not its work budget): the plan
/// and, after a stop, which stop applied ("" when it ran to its end).
Expected<std::pair<Schedule, std::string>> planStoppable(const CostModel& model, Algorithm algorithm,
                                                         const SearchControl& control)
{
    SearchControl clockOnly = control;
    clockOnly.workBudget = 0;
    WorkMeter meter(clockOnly);
    std::optional<SearchEnd> stop;
    std::optional<Schedule> schedule = algorithm == Algorithm::Og ? planOg(model, meter, stop) : planIpSsa(model, meter, stop);
    if (!schedule)
        return Unexpected(Error{ErrorCode::TooLarge, algorithmName(algorithm) + " stopped (" + searchEndName(*stop) + ") after " +
                                                         std::to_string(std::lround(meter.elapsedMs())) +
                                                         " ms, before it had a first plan; no plan was written"});
    return std::pair{std::move(*schedule), stop ? std::string(searchEndName(*stop)) : std::string()};
}

} // namespace

Expected<Plan> makePlan(const Scenario& scenario, const CostModel& model, Algorithm algorithm, std::vector<Violation>* violations,
                        const PlanOptions& options)
{
    const std::vector<std::string> hopeless = usersInfeasibleAlone(scenario, model);
    if (!hopeless.empty()) {
        std::string names;
        for (const std::string& id : hopeless)
            names += (names.empty() ? "" : ", ") + id;
        return Unexpected(
            Error{ErrorCode::Infeasible, "no feasible plan: these users cannot meet their deadline even alone: " + names});
    }
    Schedule schedule;
    std::optional<Plan> timed; // the schedule as the planner already timed it
    double lowerBoundMj = model.aloneLowerBoundMj();
    bool provenOptimal = false;
    std::string searchEnd;
    switch (algorithm) {
    case Algorithm::Local:
        schedule = planLocal(model);
        break;
    case Algorithm::FullOffload:
        schedule = planFullOffload(model);
        break;
    case Algorithm::NoBatching:
        schedule = planNoBatching(model);
        break;
    case Algorithm::IpSsa:
    case Algorithm::Og: {
        Expected<std::pair<Schedule, std::string>> planned = planStoppable(model, algorithm, options.control);
        if (!planned)
            return Unexpected(planned.error());
        schedule = std::move(planned->first);
        searchEnd = std::move(planned->second);
        break;
    }
    case Algorithm::Best:
    case Algorithm::Exact: {
        BestOutcome outcome = algorithm == Algorithm::Best ? planBest(scenario, model, options.control)
                                                           : planExactAnytime(scenario, model, options.control);
        searchEnd = searchEndName(outcome.end);
        if (!outcome.found) {
            if (outcome.end == SearchEnd::Completed && !std::isfinite(outcome.lowerBoundMj))
                return Unexpected(Error{ErrorCode::Infeasible, "no partition and batch schedule meets every deadline"});
            // Infeasible; the simulator says who is late. After a stop, local computing: OG
            // would run for as long as it takes.
            const bool stopped = outcome.end == SearchEnd::TimeLimit || outcome.end == SearchEnd::Cancelled;
            schedule = stopped ? planLocal(model) : planOg(model);
        } else {
            // Timed by the search, and feasible: simulate() would add no violation.
            timed = std::move(outcome.plan);
        }
        lowerBoundMj = std::max(lowerBoundMj, outcome.lowerBoundMj);
        provenOptimal = outcome.provenOptimal;
        break;
    }
    }
    Plan plan = timed ? std::move(*timed) : simulate(scenario, model, schedule, algorithmName(algorithm), violations);
    plan.algorithm = algorithmName(algorithm);
    plan.lowerBoundMj = plan.feasible ? std::min(lowerBoundMj, plan.totalEnergyMj) : lowerBoundMj;
    plan.provenOptimal = plan.feasible && provenOptimal;
    plan.searchEnd = searchEnd;
    return plan;
}

} // namespace coinfer
