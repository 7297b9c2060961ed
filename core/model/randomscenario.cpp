#include "core/model/randomscenario.h"

#include "core/model/devicemodels.h"
#include "core/util/random.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace coinfer {

namespace {

double edgeLatencyMs(EdgeShape shape, double alpha, double beta, int b, SeededRandom& random)
{
    const double extra = b - 1.0;
    switch (shape) {
    case EdgeShape::Constant:
        return alpha;
    case EdgeShape::Affine:
        return alpha + beta * extra;
    case EdgeShape::Sqrt:
        return alpha + 3 * beta * (std::sqrt(double(b)) - 1);
    case EdgeShape::Quadratic:
        return alpha + beta * extra * extra / 4;
    case EdgeShape::Step:
        return alpha * (1 + std::floor(extra / 4) / 2);
    case EdgeShape::Knee:
        return alpha + 2 * beta * std::max(0.0, b - 4.0);
    case EdgeShape::Noisy:
        return (alpha + beta * extra) * (0.85 + 0.3 * random.uniform());
    }
    return alpha;
}

} // namespace

Scenario makeRandomScenario(std::uint64_t seed, const RandomScenarioSpec& spec)
{
    SeededRandom random(seed);
    auto between = [&](double low, double high) { return low + (high - low) * random.uniform(); };
    Scenario scenario;
    scenario.name = "random-" + std::to_string(seed);
    scenario.dnn.name = "random-chain";
    scenario.dnn.inputBytes = between(50e3, 600e3);
    double totalEdgeMs = 0;
    for (int n = 0; n < spec.subtasks; ++n) {
        Subtask subtask;
        subtask.name = "s" + std::to_string(n + 1);
        subtask.outputBytes = between(5e3, 800e3) * (n + 1 == spec.subtasks ? 0.01 : 1.0);
        subtask.flops = between(1e7, 3e8);
        const double alpha = between(0.3, 3.0) * spec.edgeScale;
        const EdgeShape shape = spec.edgeShape.value_or(spec.constantEdge ? EdgeShape::Constant : EdgeShape::Affine);
        const double beta = shape == EdgeShape::Constant ? 0.0 : between(0.02, 0.4) * alpha;
        for (int b = 1; b <= spec.maxBatch; ++b)
            subtask.edgeLatencyMs.push_back(edgeLatencyMs(shape, alpha, beta, b, random));
        totalEdgeMs += alpha;
        scenario.dnn.subtasks.push_back(std::move(subtask));
    }
    const double commonDeadline = between(0.5, 1.5);
    for (int m = 0; m < spec.users; ++m) {
        User user;
        user.id = "u" + std::to_string(m + 1);
        const CpuModel cpu{between(0.8, 2.8), between(0.5, 2.0), 1e-28};
        applyCpuModel(cpu, scenario.dnn, user);
        user.uplinkRateMbps = between(2.0, 60.0);
        user.txPowerW = between(0.1, 0.4);
        double localMs = 0;
        for (double t : user.localLatencyMs)
            localMs += t;
        const double uploadMs = scenario.dnn.inputBytes * 8 / (user.uplinkRateMbps * 1e3);
        // Deadlines around the time of the faster of "all local" and "upload everything",
        // so that many instances have both feasible and infeasible options.
        const double reference = std::min(localMs, uploadMs + totalEdgeMs * 2);
        const double factor = spec.equalDeadlines ? commonDeadline : 1.0 + spec.deadlineSpread * (random.uniform() - 0.5);
        user.deadlineMs = reference * factor * spec.tightness + 1.0;
        if (spec.localAlwaysFeasible)
            user.deadlineMs = std::max(user.deadlineMs, localMs);
        scenario.users.push_back(std::move(user));
    }
    if (spec.deadlineTies && !spec.equalDeadlines) {
        // Two deadlines shared by everyone: the mean deadline scaled down or up.
        double mean = 0;
        for (const User& user : scenario.users)
            mean += user.deadlineMs / spec.users;
        for (User& user : scenario.users)
            user.deadlineMs = mean * (user.deadlineMs < mean ? 1 - spec.deadlineSpread / 4 : 1 + spec.deadlineSpread / 4);
    }
    if (spec.equalDeadlines) {
        double deadline = 0;
        for (const User& user : scenario.users)
            deadline += user.deadlineMs / spec.users;
        for (User& user : scenario.users)
            user.deadlineMs = deadline;
    }
    return scenario;
}

} // namespace coinfer
