// Planner scaling over growing M and N. Quote ratios from one run: these machines are shared.
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/lowerbound.h"
#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "core/planning/windowbound.h"
#include "core/model/randomscenario.h"
#include "core/io/fileio.h"
#include "core/io/planio.h"
#include "core/io/scenariofast.h"
#include "core/io/scenarioio.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"
#include "families.h"
#include "ogreference.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <time.h>

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

/// Peak resident memory of this process so far (MB): a ceiling for the case that ran last.
double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// The file of `scripts/make-large-scenario.py --users M --form table`, made in memory: examples/campus.json with
/// range(0) users, in the table form (`coinfer expand`). At 100,000 users, 51 MB.
const std::string& campusTableText(int users)
{
    static std::map<int, std::string> texts;
    auto it = texts.find(users);
    if (it == texts.end()) {
        std::string campus = *coinfer::readTextFile(COINFER_EXAMPLES "/campus.json");
        campus.replace(campus.find("\"count\": 200"), 12, "\"count\": " + std::to_string(users));
        it =
            texts.emplace(users, coinfer::scenarioToJson(*coinfer::parseScenario(campus, COINFER_EXAMPLES "/campus.json"))).first;
    }
    return it->second;
}

/// Reading a large table-form scenario: range(1) = 0 for parseScenario() (the fast
/// reader; it copies the text once to pad it), 1 for the path-naming reader alone, as before.
void BM_ReadTableScenario(benchmark::State& state)
{
    const std::string& text = campusTableText(static_cast<int>(state.range(0)));
    const bool withPaths = state.range(1) != 0;
    for (auto _ : state) {
        auto scenario = withPaths ? coinfer::detail::parseScenarioWithPaths(text, "campus.json", {}, nullptr)
                                  : coinfer::parseScenario(text, "campus.json");
        if (!scenario)
            state.SkipWithError(scenario.error().message.c_str());
        benchmark::DoNotOptimize(scenario);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
    state.counters["file_mb"] = static_cast<double>(text.size()) / 1e6;
}
BENCHMARK(BM_ReadTableScenario)->ArgsProduct({{100000}, {0, 1}})->Unit(benchmark::kMillisecond);

/// The population file of `scripts/make-large-scenario.py --users M --subtasks N --form
/// population`: the campus with range(0) users and its sub-tasks repeated to range(1), each
/// scaled by 5/N (the same doubles: the scale is a power of two for N = 20).
std::string campusPopulationText(int users, int subtasks)
{
    nlohmann::json campus = nlohmann::json::parse(*coinfer::readTextFile(COINFER_EXAMPLES "/campus.json"));
    campus["population"]["count"] = users;
    const nlohmann::json base = campus["dnn"]["subtasks"];
    const double scale = static_cast<double>(base.size()) / subtasks;
    nlohmann::json repeated = nlohmann::json::array();
    for (int n = 0; n < subtasks; ++n) {
        nlohmann::json entry = base[static_cast<size_t>(n) % base.size()];
        entry["name"] = entry["name"].get<std::string>() + " #" + std::to_string(n + 1);
        entry["flops"] = entry["flops"].get<double>() * scale;
        for (auto& [key, value] : entry["edge_affine_ms"].items())
            value = value.get<double>() * scale;
        repeated.push_back(entry);
    }
    campus["dnn"]["subtasks"] = repeated;
    return campus.dump(2);
}

/// What `coinfer plan FILE --algorithm ip-ssa` does on that file, step by step (the scale target of
/// 10^6 users x 20 sub-tasks): read (generate the population), cost model, plan, plan file text.
/// One iteration; counters give each step's seconds and the process's peak RSS after it.
void BM_PlanPopulationIpSsa(benchmark::State& state)
{
    const std::string text = campusPopulationText(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    using Clock = std::chrono::steady_clock;
    const auto seconds = [](Clock::time_point from) { return std::chrono::duration<double>(Clock::now() - from).count(); };
    for (auto _ : state) {
        auto start = Clock::now();
        const coinfer::Expected<coinfer::Scenario> scenario = coinfer::parseScenario(text, "campus-population.json");
        if (!scenario) {
            state.SkipWithError(scenario.error().message.c_str());
            return;
        }
        state.counters["read_s"] = seconds(start);
        start = Clock::now();
        const coinfer::CostModel model(*scenario);
        std::vector<coinfer::Violation> violations;
        const coinfer::Expected<coinfer::Plan> plan = coinfer::makePlan(*scenario, model, coinfer::Algorithm::IpSsa, &violations);
        state.counters["plan_s"] = seconds(start);
        start = Clock::now();
        const std::string planText = coinfer::planToJson(*scenario, *plan);
        state.counters["write_s"] = seconds(start);
        state.counters["plan_mb"] = static_cast<double>(planText.size()) / 1e6;
    }
    state.counters["peak_rss_mb"] = peakRssMb();
}
BENCHMARK(BM_PlanPopulationIpSsa)->Args({100000, 20})->Args({1000000, 20})->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Og(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planOg(model));
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Og)->ArgsProduct({{10, 30, 100, 300}, {5, 20}})->Unit(benchmark::kMillisecond);

/// OG at scale: range(2) = 0 for today's planOg, 1 for the test-only copy of OG before its
/// pruned sweep (tests/core/ogreference.cpp), so both run in the same run; range(3) = 1 for the batch
/// curve with B_max = 32. Reports the process's peak RSS after the case (run one case per process
/// with --benchmark_filter for a per-case figure).
void BM_OgScale(benchmark::State& state)
{
    const bool before = state.range(2) != 0;
    const coinfer::Scenario scenario = scenarioFor(state, false, state.range(3) != 0);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(before ? coinfer::reference::planOgBefore(model) : coinfer::planOg(model));
    state.SetComplexityN(state.range(0));
    state.counters["peak_rss_mb"] = peakRssMb();
}
// The three targets (constant 3,000 x 20 and 10,000 x 20; batch curve 1,000 x 20), new and old.
BENCHMARK(BM_OgScale)
    ->Args({3000, 20, 0, 0})
    ->Args({10000, 20, 0, 0})
    ->Args({1000, 20, 0, 1})
    ->Args({3000, 20, 1, 0})
    ->Args({1000, 20, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
// Scaling table: M = 100 .. 10,000, N = 5 and 20, constant tau; the old OG up to 3,000 users.
BENCHMARK(BM_OgScale)
    ->ArgsProduct({{100, 300, 1000, 3000, 10000}, {5, 20}, {0}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Name("BM_OgScaleNew");
BENCHMARK(BM_OgScale)
    ->ArgsProduct({{100, 300, 1000, 3000}, {5, 20}, {1}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Name("BM_OgScaleBefore");

void BM_OgBatchCurve(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false, true);
    const coinfer::CostModel model(scenario);
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planOg(model));
}
BENCHMARK(BM_OgBatchCurve)->ArgsProduct({{100, 300}, {20}})->Unit(benchmark::kMillisecond);

/// The batch-curve shape of the OG scale target (1,000 users x 20 sub-tasks, affine tau, B_max 32,
/// distinct deadlines) drawn with seed @p seed: the seeds differ in how hard OG's sweeps are.
coinfer::Scenario ogSeedScenario(std::uint64_t seed)
{
    coinfer::RandomScenarioSpec spec;
    spec.users = 1000;
    spec.subtasks = 20;
    spec.maxBatch = 32;
    spec.constantEdge = false;
    spec.equalDeadlines = false;
    spec.localAlwaysFeasible = true;
    return coinfer::makeRandomScenario(seed, spec);
}

/// The ten seeds of the OG worst-case target (docs/performance.md); 42 is the instance of "OG at scale".
constexpr std::uint64_t kOgSeeds[] = {42, 43, 44, 45, 46, 47, 48, 49, 50, 51};

double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

/// planOg on one seed of ogSeedScenario (range(0) = the seed). One iteration: a plan takes about
/// a second. Counters: the plan's energy, so runs can be compared.
void BM_OgSeed(benchmark::State& state)
{
    const coinfer::Scenario scenario = ogSeedScenario(static_cast<std::uint64_t>(state.range(0)));
    const coinfer::CostModel model(scenario);
    double energyMj = 0;
    for (auto _ : state) {
        const coinfer::Schedule schedule = coinfer::planOg(model);
        energyMj = 0;
        for (int m = 0; m < model.userCount(); ++m)
            energyMj += model.energyMj(m, schedule.partitions[static_cast<size_t>(m)]);
    }
    state.counters["energy_mj"] = energyMj;
}
BENCHMARK(BM_OgSeed)->DenseRange(42, 51)->Unit(benchmark::kMillisecond)->Iterations(1);

/// The worst case over the ten seeds in one line: each iteration plans every seed once and reports
/// the largest thread CPU time of one plan (worst_ms), its seed (worst_seed) and every seed's time
/// (ms_SEED); the benchmark's own time is the sum over the seeds.
void BM_OgSeedsWorst(benchmark::State& state)
{
    std::vector<coinfer::Scenario> scenarios;
    for (std::uint64_t seed : kOgSeeds)
        scenarios.push_back(ogSeedScenario(seed));
    for (auto _ : state) {
        double worstMs = 0;
        std::uint64_t worstSeed = 0;
        for (size_t i = 0; i < scenarios.size(); ++i) {
            const coinfer::CostModel model(scenarios[i]);
            const double start = threadCpuMs();
            benchmark::DoNotOptimize(coinfer::planOg(model));
            const double ms = threadCpuMs() - start;
            state.counters["ms_" + std::to_string(kOgSeeds[i])] = ms;
            if (ms > worstMs) {
                worstMs = ms;
                worstSeed = kOgSeeds[i];
            }
        }
        state.counters["worst_ms"] = worstMs;
        state.counters["worst_seed"] = static_cast<double>(worstSeed);
    }
}
BENCHMARK(BM_OgSeedsWorst)->Unit(benchmark::kMillisecond)->Iterations(1);

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

/// The simulator at large batches: IP-SSA's plan for M = range(0) users x 20 sub-tasks
/// with B_max = M (equal deadlines, so its batches hold up to all M users), re-timed by
/// simulate() (range(1) = 0) or checked as stated by verifyPlan() (range(1) = 1). Both walk each
/// batch's members once, so the time grows linearly with M; a search of the batch for each
/// member, as an earlier version did, made 65,536 members cost about 0.4 s per batch.
void BM_SimulateLargeBatch(benchmark::State& state)
{
    coinfer::RandomScenarioSpec spec;
    spec.users = static_cast<int>(state.range(0));
    spec.subtasks = 20;
    spec.maxBatch = spec.users;
    spec.equalDeadlines = true;
    spec.localAlwaysFeasible = true;
    const coinfer::Scenario scenario = coinfer::makeRandomScenario(42, spec);
    const coinfer::CostModel model(scenario);
    const coinfer::Schedule schedule = coinfer::planIpSsa(model);
    const coinfer::Plan plan = coinfer::simulate(scenario, model, schedule, "ip-ssa");
    const bool verify = state.range(1) != 0;
    for (auto _ : state) {
        if (verify)
            benchmark::DoNotOptimize(coinfer::verifyPlan(scenario, model, plan));
        else
            benchmark::DoNotOptimize(coinfer::simulate(scenario, model, schedule, "ip-ssa"));
    }
    size_t members = 0;
    size_t largest = 0;
    for (const coinfer::BatchSpec& batch : schedule.batches) {
        members += batch.users.size();
        largest = std::max(largest, batch.users.size());
    }
    state.counters["largest_batch"] = static_cast<double>(largest);
    state.counters["members"] = static_cast<double>(members);
    state.counters["feasible"] = plan.feasible ? 1 : 0;
    state.SetComplexityN(static_cast<int64_t>(members));
}
BENCHMARK(BM_SimulateLargeBatch)
    ->ArgsProduct({{4096, 16384, 65536}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);
BENCHMARK(BM_SimulateLargeBatch)
    ->ArgsProduct({{4096, 16384, 65536}, {1}})
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN)
    ->Name("BM_VerifyLargeBatch");

/// Best with its default work budget (the time limit only as a 60 s safety stop, so the work
/// budget decides): the whole pipeline of portfolio, local search and branch and bound.
void BM_Best(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false, state.range(2) != 0);
    const coinfer::CostModel model(scenario);
    coinfer::SearchControl control;
    control.timeLimitMs = 60'000;
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planBest(scenario, model, control));
}
BENCHMARK(BM_Best)
    ->Args({8, 5, 0})
    ->Args({8, 5, 1})
    ->Args({30, 10, 1})
    ->Args({100, 20, 1})
    ->Args({300, 20, 1})
    ->Unit(benchmark::kMillisecond);

/// Exact with a time limit on an instance it cannot finish (a slow GPU with B_max = 2, so that 30
/// users compete for it): the time is the limit plus the cost of the stages before the search.
void BM_ExactWithTimeLimit(benchmark::State& state)
{
    coinfer::RandomScenarioSpec spec;
    spec.users = static_cast<int>(state.range(0));
    spec.subtasks = static_cast<int>(state.range(1));
    spec.maxBatch = 2;
    spec.constantEdge = false;
    spec.edgeScale = 15;
    spec.localAlwaysFeasible = true;
    const coinfer::Scenario scenario = coinfer::makeRandomScenario(5, spec);
    const coinfer::CostModel model(scenario);
    coinfer::SearchControl control;
    control.timeLimitMs = static_cast<double>(state.range(2));
    for (auto _ : state)
        benchmark::DoNotOptimize(coinfer::planExactAnytime(scenario, model, control));
}
BENCHMARK(BM_ExactWithTimeLimit)->Args({30, 6, 100})->Args({30, 6, 500})->Unit(benchmark::kMillisecond)->Iterations(3);

/// The schedule search, which most of exact's and best's windows' time goes to, on two medium
/// instances of tests/core/families.h: exact proving the optimum of affine #66 (10 users x 4
/// sub-tasks, B_max 2; family 1) and best with its default budget on noisy #59 (40 x 5, B_max 10;
/// family 6). Both results are fixed by the work spent, not the clock.
void BM_ScheduleSearchMedium(benchmark::State& state)
{
    const bool exact = state.range(0) == 0;
    const coinfer::Scenario scenario =
        exact ? coinfer::families::mediumScenario(1, 66) : coinfer::families::mediumScenario(6, 59);
    const coinfer::CostModel model(scenario);
    coinfer::SearchControl control;
    control.timeLimitMs = 60'000;
    for (auto _ : state) {
        if (exact)
            benchmark::DoNotOptimize(coinfer::planExact(model, control));
        else
            benchmark::DoNotOptimize(coinfer::planBest(scenario, model, control));
    }
}
BENCHMARK(BM_ScheduleSearchMedium)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

/// The proven lower bounds that every best and exact plan computes (docs/algorithms.md section 8),
/// with different deadlines and the batch curve (B_max = 32): range(2) = 0 for the prefix capacity
/// bound, 1 for the window bound, 2 for capacityLowerBoundMj (both; what the planners call).
void BM_LowerBound(benchmark::State& state)
{
    const coinfer::Scenario scenario = scenarioFor(state, false, true);
    const coinfer::CostModel model(scenario);
    for (auto _ : state) {
        switch (state.range(2)) {
        case 0:
            benchmark::DoNotOptimize(coinfer::prefixCapacityBoundMj(model));
            break;
        case 1:
            benchmark::DoNotOptimize(coinfer::windowLowerBoundMj(model));
            break;
        default:
            benchmark::DoNotOptimize(coinfer::capacityLowerBoundMj(model));
            break;
        }
    }
}
BENCHMARK(BM_LowerBound)->ArgsProduct({{1000, 10000}, {5, 20}, {0, 1, 2}})->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
