// Planner scaling over growing M and N. Quote ratios from one run: these machines are shared.
#include "core/costmodel.h"
#include "core/planner.h"
#include "core/randomscenario.h"
#include "core/scenarioio.h"

#include <benchmark/benchmark.h>

#include <algorithm>

namespace {

/// M = range(0) users, N = range(1) sub-tasks, seeded. With batchCurve the edge latency grows
/// with b and B_max = 32 (several batches per sub-task, fixed-point iteration); otherwise tau is
/// constant and B_max = M.
coinfer::Scenario scenarioFor(const benchmark::State& state, bool equalDeadlines, bool batchCurve = false)
{
    coinfer::RandomScenarioSpec spec;
    spec.users = static_cast<int>(state.range(0));
    spec.subtasks = static_cast<int>(state.range(1));
    spec.maxBatch = batchCurve ? 32 : std::max(spec.users, 1);
    spec.constantEdge = !batchCurve;
    spec.equalDeadlines = equalDeadlines;
    spec.localAlwaysFeasible = true;
    return coinfer::makeRandomScenario(42, spec);
}

void BM_IpSsa(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, true);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planIpSsa(model));
    state.SetComplexityN(state.range(0) * state.range(1));
}
BENCHMARK(BM_IpSsa)->ArgsProduct({{1000, 10000, 100000}, {5, 20}})->Unit(benchmark::kMillisecond)->Complexity();

void BM_ReadScenario(benchmark::State& state)
{
    const std::string text = coinfer::scenarioToJson(scenarioFor(state, true));
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::parseScenario(text, "bench"));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ReadScenario)->Args({100000, 20})->Unit(benchmark::kMillisecond);

void BM_Og(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planOg(model));
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Og)->ArgsProduct({{10, 30, 100, 300}, {5, 20}})->Unit(benchmark::kMillisecond);

void BM_OgBatchCurve(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false, true);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planOg(model));
}
BENCHMARK(BM_OgBatchCurve)->ArgsProduct({{100, 300}, {20}})->Unit(benchmark::kMillisecond);

void BM_IpSsaBatchCurve(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false, true);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planIpSsa(model));
}
BENCHMARK(BM_IpSsaBatchCurve)->ArgsProduct({{300, 100000}, {20}})->Unit(benchmark::kMillisecond);

void BM_Simulate(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false);
    const coinfer::CostModel model(scenario);
    const coinfer::Schedule schedule = coinfer::planOg(model);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::simulate(scenario, model, schedule, "og"));
}
BENCHMARK(BM_Simulate)->Args({300, 20})->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
