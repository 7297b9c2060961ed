// The online mode for Python: episodes under one dispatch policy (`coinfer simulate`), the
// comparison of DDPG with the tuned fixed rules (`coinfer compare-online`), and the ONNX import.
// Both online functions compose the core's simulator and agent as the command line does, with
// the same seeds, so their numbers equal the command line's.
#include "python/modulecommon.h"

#include "core/io/dnnio.h"
#include "core/io/onnximport.h"
#include "core/learning/ddpg.h"
#include "core/learning/onlinecomparison.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/sweep/sweep.h"
#include "core/util/decimal.h"
#include "core/util/expected.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h> // IWYU pragma: keep (std::vector, std::optional... to and from Python)

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

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

/// "threshold:0.30", the policy text of a fixed threshold rule.
std::string thresholdSpec(double threshold)
{
    char text[32];
    std::snprintf(text, sizeof text, "threshold:%.2f", threshold);
    return text;
}

/// The records of `coinfer compare-online --format json` (policy, planner (None for local),
/// the tuned rule's period_ms or threshold, and the test traces' numbers), and the warning of
/// each agent that loses to the best fixed threshold on its evaluation traces.
py::tuple compareOnline(const ScenarioData& data, int episodes, int testEpisodes, std::uint64_t seed,
                        const std::string& hiddenText)
{
    const Scenario& scenario = onlineScenario(data);
    const std::optional<std::vector<int>> hidden = parseHiddenLayers(hiddenText);
    if (!hidden)
        throw py::value_error("hidden must be 1 to 4 layer sizes from 1 to 4096, separated by commas (e.g. 256,128), not '" +
                              hiddenText + "'");
    if (episodes < 1 || testEpisodes < 1)
        throw py::value_error("episodes and test_episodes must be at least 1");
    std::vector<std::string> warnings; // the verdicts of agents that lose to a fixed rule
    const std::vector<OnlineComparisonRow> rows =
        valueOr(runStoppable<Expected<std::vector<OnlineComparisonRow>>>([&](const std::atomic<bool>& cancel) {
            OnlineComparisonHooks hooks;
            hooks.stopped = [&cancel] { return cancel.load(); };
            hooks.verdict = [&](const TrainingVerdict& verdict) {
                if (verdict.policyLoses())
                    warnings.push_back(verdict.warning("coinfer.simulate_online(scenario, planner=\"" +
                                                       onlinePlannerName(verdict.planner) + "\", policy=\"" +
                                                       thresholdSpec(verdict.fixedRule.threshold) + "\")"));
            };
            return compareOnlinePolicies(scenario, {episodes, testEpisodes, seed, *hidden}, hooks);
        }));
    py::list records;
    for (const OnlineComparisonRow& row : rows) {
        py::dict record;
        record["policy"] = row.policy;
        record["planner"] = row.planner.empty() ? py::object(py::none()) : py::cast(row.planner);
        for (const auto& [key, value] : resultRecord(row.result))
            record[key] = value;
        if (!row.parameter.empty())
            record[py::cast(row.parameter)] = row.value;
        records.append(record);
    }
    return py::make_tuple(records, warnings);
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
