#include "core/planning/feasibility.h"

#include "core/model/costmodel.h"
#include "core/util/tolerance.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace coinfer {

std::vector<UserFeasibility> userFeasibility(const Scenario& scenario)
{
    const CostModel model(scenario);
    const int subtasks = model.subtaskCount();
    // edgeTailMs[p]: the fastest the GPU can run sub-tasks p+1..N for one user.
    std::vector<double> edgeTailMs(static_cast<size_t>(subtasks) + 1, 0.0);
    for (int p = subtasks - 1; p >= 0; --p)
        edgeTailMs[static_cast<size_t>(p)] = edgeTailMs[static_cast<size_t>(p) + 1] + model.minEdgeMs(p + 1);
    std::vector<UserFeasibility> out;
    out.reserve(static_cast<size_t>(model.userCount()));
    for (int m = 0; m < model.userCount(); ++m) {
        UserFeasibility f;
        f.user = m;
        f.localOnlyMs = model.localMs(m, subtasks);
        f.fastestOffloadMs = std::numeric_limits<double>::infinity();
        for (int p = 0; p < subtasks; ++p) {
            const double finishMs = model.localMs(m, p) + model.uploadMs(m, p) + edgeTailMs[static_cast<size_t>(p)];
            if (finishMs < f.fastestOffloadMs) {
                f.fastestOffloadMs = finishMs;
                f.fastestOffloadPartition = p;
            }
        }
        f.deadlineMs = model.deadlineMs(m);
        f.canMeetDeadline = meetsDeadline(f.fastestMs(), f.deadlineMs);
        out.push_back(f);
    }
    return out;
}

std::vector<UserFeasibility> infeasibleUsers(const Scenario& scenario)
{
    std::vector<UserFeasibility> out;
    for (const UserFeasibility& f : userFeasibility(scenario))
        if (!f.canMeetDeadline)
            out.push_back(f);
    return out;
}

std::string describeInfeasibleUsers(const Scenario& scenario, const std::vector<UserFeasibility>& infeasible, int named)
{
    if (infeasible.empty())
        return {};
    auto ms = [](double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.4g", value);
        return std::string(text);
    };
    std::string sentence = infeasible.size() == 1
                               ? "1 user cannot meet its deadline under any plan: "
                               : std::to_string(infeasible.size()) + " users cannot meet their deadline under any plan: ";
    for (size_t k = 0; k < infeasible.size() && k < static_cast<size_t>(named); ++k) {
        const UserFeasibility& f = infeasible[k];
        if (k > 0)
            sentence += "; ";
        sentence += scenario.users[static_cast<size_t>(f.user)].id + " needs at least " + ms(f.fastestMs()) + " ms, deadline " +
                    ms(f.deadlineMs) + " ms";
    }
    if (infeasible.size() > static_cast<size_t>(named))
        sentence += "; and " + std::to_string(infeasible.size() - static_cast<size_t>(named)) + " more";
    return sentence;
}

} // namespace coinfer
