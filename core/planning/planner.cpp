#include "core/planning/planner.h"

#include <algorithm>
#include <cmath>

namespace coinfer {

std::string algorithmName(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::Local: return "local";
    case Algorithm::FullOffload: return "full-offload";
    case Algorithm::NoBatching: return "no-batching";
    case Algorithm::IpSsa: return "ip-ssa";
    case Algorithm::Og: return "og";
    case Algorithm::Best: return "best";
    case Algorithm::Exact: return "exact";
    }
    return "unknown";
}

std::vector<Algorithm> allAlgorithms()
{
    return {Algorithm::Local, Algorithm::FullOffload, Algorithm::NoBatching, Algorithm::IpSsa, Algorithm::Og, Algorithm::Best, Algorithm::Exact};
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

Expected<Plan> makePlan(const Scenario& scenario, const CostModel& model, Algorithm algorithm,
                        std::vector<Violation>* violations, const PlanOptions& options)
{
    const std::vector<std::string> hopeless = usersInfeasibleAlone(scenario, model);
    if (!hopeless.empty()) {
        std::string names;
        for (const std::string& id : hopeless)
            names += (names.empty() ? "" : ", ") + id;
        return Unexpected(Error{ErrorCode::Infeasible, "no feasible plan: these users cannot meet their deadline even alone: " + names});
    }
    Schedule schedule;
    double lowerBoundMj = model.aloneLowerBoundMj();
    bool provenOptimal = false;
    std::string searchEnd;
    switch (algorithm) {
    case Algorithm::Local: schedule = planLocal(model); break;
    case Algorithm::FullOffload: schedule = planFullOffload(model); break;
    case Algorithm::NoBatching: schedule = planNoBatching(model); break;
    case Algorithm::IpSsa: schedule = planIpSsa(model); break;
    case Algorithm::Og: schedule = planOg(model); break;
    case Algorithm::Best:
    case Algorithm::Exact: {
        const BestOutcome outcome = algorithm == Algorithm::Best ? planBest(scenario, model, options.control)
                                                                 : planExactAnytime(scenario, model, options.control);
        searchEnd = searchEndName(outcome.end);
        if (!outcome.found) {
            if (outcome.end == SearchEnd::Completed && !std::isfinite(outcome.lowerBoundMj))
                return Unexpected(Error{ErrorCode::Infeasible, "no partition and batch schedule meets every deadline"});
            schedule = planOg(model); // infeasible; the simulator says who is late
        } else {
            schedule = outcome.schedule;
        }
        lowerBoundMj = std::max(lowerBoundMj, outcome.lowerBoundMj);
        provenOptimal = outcome.provenOptimal;
        break;
    }
    }
    Plan plan = simulate(scenario, model, schedule, algorithmName(algorithm), violations);
    plan.lowerBoundMj = plan.feasible ? std::min(lowerBoundMj, plan.totalEnergyMj) : lowerBoundMj;
    plan.provenOptimal = plan.feasible && provenOptimal;
    plan.searchEnd = searchEnd;
    return plan;
}

} // namespace coinfer
