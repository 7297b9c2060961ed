// The online mode for Python: episodes under one dispatch policy (`coinfer simulate`), the
// comparison of DDPG with the tuned fixed rules (`coinfer compare-online`), and the ONNX import.
// Both online functions compose the core's simulator and agent as the command line does, with
// the same seeds, so their numbers equal the command line's.
#include "python/modulecommon.h"

#include "core/io/dnnio.h"
#include "core/io/onnximport.h"
#include "core/learning/ddpg.h"
#include "core/util/decimal.h"

#include <pybind11/stl.h>

namespace coinfer::python {
namespace {

const Scenario& onlineScenario(const ScenarioData& data)
{
    if (!data.base.scenario.online.present)
        throw py::value_error(data.base.sourceName +
                              ": online: is missing (online mode needs slot_ms, horizon_ms and an arrival process; see "
                              "examples/online.json)");
    return data.base.scenario;
}

OnlinePlanner plannerNamed(const std::string& name)
{
    if (name != "og" && name != "ip-ssa")
        throw py::value_error("planner must be og or ip-ssa, not '" + name + "'");
    return name == "og" ? OnlinePlanner::Og : OnlinePlanner::IpSsa;
}

/// The number after @p prefix characters of @p spec in the command line's strict form (a plain
/// decimal, nothing around it); NaN when it is not one.
double numberAfter(const std::string& spec, size_t prefix)
{
    return parsePlainDecimal(spec.substr(prefix)).value_or(NAN);
}

/// The dispatch policy @p spec names, as `coinfer simulate --policy`: immediate, local,
/// periodic:<ms>, threshold:<0..1> or ddpg:<policy.json> (trained for @p planner).
DispatchPolicy policyNamed(const std::string& spec, const Scenario& scenario, OnlinePlanner planner)
{
    if (spec == "immediate" || spec == "local")
        return immediatePolicy();
    if (spec.rfind("periodic:", 0) == 0) {
        const double periodMs = numberAfter(spec, 9);
        if (periodMs > 0)
            return periodicPolicy(periodMs, scenario.online.slotMs);
    } else if (spec.rfind("threshold:", 0) == 0) {
        const double threshold = numberAfter(spec, 10);
        if (threshold >= 0 && threshold <= 1)
            return thresholdPolicy(threshold);
    } else if (spec.rfind("ddpg:", 0) == 0) {
        const DdpgPolicy trained = valueOr(readPolicy(spec.substr(5)));
        if (trained.planner != planner)
            throw py::value_error(spec.substr(5) + ": this policy was trained to dispatch for " +
                                  onlinePlannerName(trained.planner) + ", not for planner " + onlinePlannerName(planner));
        return ddpgDispatchPolicy(trained.actor);
    }
    throw py::value_error("policy must be immediate, local, periodic:<ms> (> 0), threshold:<0..1> or ddpg:<policy.json>, not '" +
                          spec + "'");
}

py::dict resultRecord(const OnlineResult& result)
{
    py::dict record;
    record["energy_per_task_mj"] = result.energyPerTaskMj();
    record["misses"] = result.misses;
    record["mean_batch"] = result.meanBatchSize();
    record["gpu_busy"] = result.gpuUtilisation();
    record["saving_percent"] = result.savingPercent();
    record["tasks"] = result.tasks;
    return record;
}

/// `coinfer simulate --format json`'s numbers: @p episodes traces seeded from @p seed (the
/// scenario's online seed when negative; a recorded trace is replayed once).
py::dict simulateOnline(const ScenarioData& data, const std::string& policySpec, const std::string& plannerName, int episodes,
                        long long seed)
{
    const Scenario& scenario = onlineScenario(data);
    const OnlinePlanner planner = plannerNamed(plannerName);
    const DispatchPolicy policy = policyNamed(policySpec, scenario, planner);
    if (episodes < 1)
        throw py::value_error("episodes must be at least 1");
    const bool local = policySpec == "local";
    const std::uint64_t firstSeed = seed >= 0 ? static_cast<std::uint64_t>(seed) : scenario.online.seed;
    const int runs = scenario.online.trace.empty() ? episodes : 1;
    const OnlineResult total = runStoppable<OnlineResult>([&](const std::atomic<bool>& cancel) {
        OnlineResult sum;
        for (int e = 0; e < runs && !cancel.load(); ++e) {
            const auto trace = makeArrivalTrace(scenario, firstSeed + static_cast<std::uint64_t>(e));
            sum.add(local ? localOnlyResult(scenario, trace) : runEpisode(scenario, planner, trace, policy));
        }
        return sum;
    });
    py::dict result = resultRecord(total);
    result["policy"] = policySpec;
    result["planner"] = plannerName;
    result["episodes"] = runs;
    return result;
}

bool better(const OnlineResult& a, const OnlineResult& b)
{
    return a.misses < b.misses || (a.misses == b.misses && a.energyMj < b.energyMj);
}

/// One row of the online comparison before it becomes a record.
struct OnlineRow {
    std::string policy, planner, parameter;
    double value = 0;
    OnlineResult result;
};

/// The rows of `coinfer compare-online` in its order: DDPG for og and ip-ssa, then for each
/// planner immediate, the best period and the best threshold (chosen on the evaluation traces,
/// 3 episodes), then local; all tested on @p testEpisodes traces from online.seed + 2,000,000.
Expected<std::vector<OnlineRow>> compareOnlineRows(const Scenario& s, int episodes, int testEpisodes, std::uint64_t seed,
                                                   const std::vector<int>& hidden, const std::atomic<bool>& cancel)
{
    const std::uint64_t testSeed = s.online.seed + 2'000'000, evaluationSeed = s.online.seed + 1'000'000;
    const auto test = [&](OnlinePlanner planner, const DispatchPolicy& policy) {
        return evaluatePolicy(s, planner, policy, testSeed, testEpisodes);
    };
    std::vector<OnlineRow> rows;
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        TrainingOptions training;
        training.planner = planner;
        training.episodes = episodes;
        training.ddpg.seed = seed;
        training.ddpg.hidden = hidden;
        training.progress = [&](const EpisodeReport&) { return !cancel.load(); };
        const Expected<DdpgPolicy> trained = trainDdpg(s, training);
        if (!trained)
            return Unexpected(trained.error());
        if (cancel.load())
            return rows;
        rows.push_back({"ddpg", onlinePlannerName(planner), {}, 0, test(planner, ddpgDispatchPolicy(trained->actor))});
    }
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        const std::string name = onlinePlannerName(planner);
        rows.push_back({"immediate", name, {}, 0, test(planner, immediatePolicy())});
        double bestPeriod = 0, bestThreshold = 0;
        OnlineResult best;
        for (int slots : {2, 5, 10, 20, 40}) {
            const OnlineResult r =
                evaluatePolicy(s, planner, periodicPolicy(slots * s.online.slotMs, s.online.slotMs), evaluationSeed, 3);
            if (bestPeriod == 0 || better(r, best))
                std::tie(bestPeriod, best) = std::pair(slots * s.online.slotMs, r);
        }
        if (cancel.load())
            return rows;
        rows.push_back(
            {"periodic-best", name, "period_ms", bestPeriod, test(planner, periodicPolicy(bestPeriod, s.online.slotMs))});
        for (int step = 0; step <= 20; ++step) {
            const OnlineResult r = evaluatePolicy(s, planner, thresholdPolicy(step / 20.0), evaluationSeed, 3);
            if (step == 0 || better(r, best))
                std::tie(bestThreshold, best) = std::pair(step / 20.0, r);
        }
        if (cancel.load())
            return rows;
        rows.push_back({"threshold-best", name, "threshold", bestThreshold, test(planner, thresholdPolicy(bestThreshold))});
    }
    OnlineResult local;
    for (int e = 0; e < testEpisodes; ++e)
        local.add(localOnlyResult(s, makeArrivalTrace(s, testSeed + static_cast<std::uint64_t>(e))));
    rows.push_back({"local", {}, {}, 0, local});
    return rows;
}

/// The records of `coinfer compare-online --format json`: policy, planner (None for local),
/// the tuned rule's period_ms or threshold, and the test traces' numbers.
py::list compareOnline(const ScenarioData& data, int episodes, int testEpisodes, std::uint64_t seed,
                       const std::string& hiddenText)
{
    const Scenario& scenario = onlineScenario(data);
    const std::optional<std::vector<int>> hidden = parseHiddenLayers(hiddenText);
    if (!hidden)
        throw py::value_error("hidden must be 1 to 4 layer sizes from 1 to 4096, separated by commas (e.g. 256,128), not '" +
                              hiddenText + "'");
    if (episodes < 1 || testEpisodes < 1)
        throw py::value_error("episodes and test_episodes must be at least 1");
    const std::vector<OnlineRow> rows =
        valueOr(runStoppable<Expected<std::vector<OnlineRow>>>([&](const std::atomic<bool>& cancel) {
            return compareOnlineRows(scenario, episodes, testEpisodes, seed, *hidden, cancel);
        }));
    py::list records;
    for (const OnlineRow& row : rows) {
        py::dict record;
        record["policy"] = row.policy;
        record["planner"] = row.planner.empty() ? py::object(py::none()) : py::cast(row.planner);
        for (const auto& [key, value] : resultRecord(row.result))
            record[key] = value;
        if (!row.parameter.empty())
            record[py::cast(row.parameter)] = row.value;
        records.append(record);
    }
    return records;
}

/// `coinfer dnn import`: the description file's JSON text of the ONNX model at @p path.
std::string importOnnxModel(const std::string& path, const std::string& name, int inputElementBytes, int maxSubtasks,
                            const std::string& inputShape)
{
    if (inputElementBytes != 1 && inputElementBytes != 4)
        throw py::value_error("input_element_bytes must be 1 or 4, not " + std::to_string(inputElementBytes));
    if (maxSubtasks < 0)
        throw py::value_error("max_subtasks must be 0 (no merging) or more, not " + std::to_string(maxSubtasks));
    OnnxImportOptions options;
    options.name = name;
    options.inputElementBytes = inputElementBytes;
    options.maxSubtasks = maxSubtasks;
    if (!inputShape.empty())
        options.inputShape = valueOr(parseOnnxShape(inputShape));
    const OnnxImport imported =
        valueOr(runStoppable<Expected<OnnxImport>>([&](const std::atomic<bool>&) { return importOnnx(path, options); }));
    return dnnDescriptionToJson(imported.dnn);
}

} // namespace

void addOnlineFunctions(py::module_& module)
{
    module.def("simulate_online", &simulateOnline, py::arg("scenario"), py::arg("policy") = "immediate",
               py::arg("planner") = "og", py::arg("episodes") = 5, py::arg("seed") = -1);
    module.def("compare_online", &compareOnline, py::arg("scenario"), py::arg("episodes") = 100, py::arg("test_episodes") = 5,
               py::arg("seed") = 1, py::arg("hidden") = "32,32");
    module.def("import_onnx", &importOnnxModel, py::arg("path"), py::arg("name") = "", py::arg("input_element_bytes") = 1,
               py::arg("max_subtasks") = 0, py::arg("input_shape") = "");
    module.def("onnx_available", &onnxImportAvailable);
}

} // namespace coinfer::python
