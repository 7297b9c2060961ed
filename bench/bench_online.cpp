// Online mode: simulator steps per second and DDPG agent updates per second.
#include "core/learning/ddpg.h"
#include "core/learning/ddpgagent.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/io/scenarioio.h"
#include "core/util/expected.h"
#include "core/util/random.h"

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <vector>

namespace {

coinfer::Scenario onlineScenario()
{
    return *coinfer::readScenario(COINFER_EXAMPLES "/online.json");
}

void BM_SimulatorSteps(benchmark::State& state)
{
    const coinfer::Scenario scenario = onlineScenario();
    const auto trace = coinfer::makeArrivalTrace(scenario, 1);
    const auto policy = coinfer::thresholdPolicy(0.3);
    const auto planner = state.range(0) == 0 ? coinfer::OnlinePlanner::Og : coinfer::OnlinePlanner::IpSsa;
    long long steps = 0;
    for (auto _ : state) {
        coinfer::OnlineSimulator simulator(scenario, planner, trace);
        while (!simulator.done()) {
            simulator.step(policy(simulator.observe()));
            ++steps;
        }
    }
    state.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatorSteps)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_AgentUpdates(benchmark::State& state)
{
    coinfer::DdpgConfig config;
    config.hidden = {static_cast<int>(state.range(0)), static_cast<int>(state.range(0))};
    coinfer::DdpgAgent agent(coinfer::OnlineObservation::kFeatures, config);
    coinfer::SeededRandom random(3);
    double s[coinfer::OnlineObservation::kFeatures], next[coinfer::OnlineObservation::kFeatures];
    for (int i = 0; i < 2000; ++i) {
        for (int f = 0; f < coinfer::OnlineObservation::kFeatures; ++f) {
            s[f] = random.uniform();
            next[f] = random.uniform();
        }
        agent.remember(s, random.uniform(), -random.uniform(), next, false);
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(agent.update());
    state.counters["updates_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AgentUpdates)->Arg(32)->Arg(64);

} // namespace

BENCHMARK_MAIN();
