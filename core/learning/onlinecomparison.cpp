#include "core/learning/onlinecomparison.h"

#include "core/model/onlinepolicy.h"

#include <cstdio>
#include <map>
#include <utility>

namespace coinfer {
namespace {

/// The period (2 to 40 slots) with the best result on the evaluation traces.
double bestPeriodMs(const Scenario& s, OnlinePlanner planner, std::uint64_t evaluationSeed, int episodes)
{
    double bestPeriod = 0;
    OnlineResult best;
    for (int slots : {2, 5, 10, 20, 40}) {
        const double period = slots * s.online.slotMs;
        const OnlineResult r = evaluatePolicy(s, planner, periodicPolicy(period, s.online.slotMs), evaluationSeed, episodes);
        if (bestPeriod == 0 || betterOnlineResult(r, best)) {
            bestPeriod = period;
            best = r;
        }
    }
    return bestPeriod;
}

std::string formatted(const char* pattern, double value, const std::string& suffix)
{
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text + suffix;
}

/// What every row of one comparison shares: the scenario, the options, the hooks and the
/// thresholds already tuned.
class ComparisonRun {
public:
    ComparisonRun(const Scenario& scenario, const OnlineComparisonOptions& options, const OnlineComparisonHooks& hooks)
        : m_scenario(scenario), m_options(options), m_hooks(hooks)
    {
    }

    bool stopped() const { return m_hooks.stopped && m_hooks.stopped(); }

    /// @p rows with the agent trained for @p planner, unless a stop came before or during it.
    Expected<std::vector<OnlineComparisonRow>> withDdpgRow(OnlinePlanner planner, std::vector<OnlineComparisonRow> rows)
    {
        if (stopped())
            return rows;
        TrainingOptions training;
        training.planner = planner;
        training.episodes = m_options.episodes;
        training.evaluationEpisodes = kOnlineEvaluationEpisodes;
        training.ddpg.seed = m_options.seed;
        training.ddpg.hidden = m_options.hidden;
        training.progress = [this](const EpisodeReport&) { return !stopped(); };
        Expected<DdpgPolicy> policy = m_hooks.train ? m_hooks.train(training) : trainDdpg(m_scenario, training);
        if (!policy)
            return Unexpected(policy.error());
        if (stopped())
            return rows;
        const TrainingVerdict verdict = judgeTraining(m_scenario, *policy, kOnlineEvaluationEpisodes);
        m_tunedThresholds[planner] = verdict.fixedRule.threshold;
        if (m_hooks.verdict)
            m_hooks.verdict(verdict);
        if (stopped())
            return rows;
        const std::string name = onlinePlannerName(planner);
        rows.push_back({"DDPG-" + name, "ddpg", name, {}, 0, test(planner, ddpgDispatchPolicy(policy->actor))});
        return rows;
    }

    /// @p rows with the fixed rules of each planner and local computing.
    std::vector<OnlineComparisonRow> withFixedRows(std::vector<OnlineComparisonRow> rows)
    {
        const Scenario& s = m_scenario;
        for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
            const std::string name = onlinePlannerName(planner);
            const std::string suffix = " (" + name + ")";
            if (stopped())
                return rows;
            rows.push_back({"immediate" + suffix, "immediate", name, {}, 0, test(planner, immediatePolicy())});
            const double periodMs = bestPeriodMs(s, planner, evaluationSeed(), kOnlineEvaluationEpisodes);
            if (stopped())
                return rows;
            rows.push_back({formatted("periodic:%g", periodMs, suffix), "periodic-best", name, "period_ms", periodMs,
                            test(planner, periodicPolicy(periodMs, s.online.slotMs))});
            const double threshold = tunedThreshold(planner);
            if (stopped())
                return rows;
            rows.push_back({formatted("threshold:%.2f", threshold, suffix), "threshold-best", name, "threshold", threshold,
                            test(planner, thresholdPolicy(threshold))});
        }
        OnlineResult local;
        for (int e = 0; e < m_options.testEpisodes; ++e)
            local.add(localOnlyResult(s, makeArrivalTrace(s, testSeed() + static_cast<std::uint64_t>(e))));
        if (!stopped())
            rows.push_back({"local", "local", {}, {}, 0, local});
        return rows;
    }

private:
    // Training uses traces seeded online.seed + ..., selection the evaluation traces, and the
    // comparison separate test traces that neither saw.
    std::uint64_t testSeed() const { return m_scenario.online.seed + 2'000'000; }
    std::uint64_t evaluationSeed() const { return m_scenario.online.seed + 1'000'000; }

    OnlineResult test(OnlinePlanner planner, const DispatchPolicy& policy) const
    {
        return evaluatePolicy(m_scenario, planner, policy, testSeed(), m_options.testEpisodes);
    }

    /// The best fixed threshold of @p planner, searched once (an agent's verdict searches it too).
    double tunedThreshold(OnlinePlanner planner)
    {
        if (!m_tunedThresholds.contains(planner))
            m_tunedThresholds[planner] =
                bestFixedThreshold(m_scenario, planner, evaluationSeed(), kOnlineEvaluationEpisodes).threshold;
        return m_tunedThresholds[planner];
    }

    const Scenario& m_scenario;
    const OnlineComparisonOptions& m_options;
    const OnlineComparisonHooks& m_hooks;
    std::map<OnlinePlanner, double> m_tunedThresholds;
};

} // namespace

Expected<std::vector<OnlineComparisonRow>> compareOnlinePolicies(const Scenario& scenario, const OnlineComparisonOptions& options,
                                                                 const OnlineComparisonHooks& hooks)
{
    ComparisonRun run(scenario, options, hooks);
    return run.withDdpgRow(OnlinePlanner::Og, {})
        .and_then([&](std::vector<OnlineComparisonRow> rows) { return run.withDdpgRow(OnlinePlanner::IpSsa, std::move(rows)); })
        .transform([&](std::vector<OnlineComparisonRow> rows) { return run.withFixedRows(std::move(rows)); });
}

} // namespace coinfer
