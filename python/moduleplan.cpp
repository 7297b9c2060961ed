// The offline side for Python: plan, verify, compare and sweep, each run off the interpreter's
// lock and stopped by Ctrl-C through the core's cancel flag.
#include "python/modulecommon.h"

#include "core/io/planio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/comparison.h"
#include "core/planning/lowerbound.h"
#include "core/planning/planner.h"
#include "core/planning/saturation.h"
#include "core/planning/search.h"
#include "core/simulation/simulator.h"
#include "core/sweep/sweep.h"
#include "core/util/expected.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h> // IWYU pragma: keep (std::vector, std::optional... to and from Python)

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace coinfer::python {
namespace {

/// Default wall-clock limits of `coinfer plan` (app/cli/plan.cpp): best stops on its work
/// budget and its clock is a safety stop; exact stops on its clock; og and ip-ssa end by themselves.
constexpr double kExactPlanTimeLimitMs = 10000;

/// A timed plan with the constraints it breaks (none when it is feasible).
struct PlanData {
    Plan plan;
    std::vector<std::string> violations;
};

Algorithm algorithmNamed(const std::string& name)
{
    const std::optional<Algorithm> algorithm = algorithmFromName(name);
    if (!algorithm)
        throw py::value_error("unknown algorithm '" + name +
                              "'; use local, full-offload, no-batching, ip-ssa, og, best or exact");
    return *algorithm;
}

/// The planner's wall-clock limit: @p timeLimitMs when given (only the stoppable planners take
/// one, as in `coinfer plan`), else the command line's default.
double timeLimitFor(Algorithm algorithm, const std::string& name, std::optional<double> timeLimitMs)
{
    const bool stoppable = algorithm == Algorithm::Best || algorithm == Algorithm::Exact || algorithm == Algorithm::Og ||
                           algorithm == Algorithm::IpSsa;
    if (timeLimitMs && !(std::isfinite(*timeLimitMs) && *timeLimitMs > 0))
        throw py::value_error("time_limit_ms must be a positive number of milliseconds, not " + std::to_string(*timeLimitMs));
    if (timeLimitMs && !stoppable)
        throw py::value_error("time_limit_ms applies to best, exact, og and ip-ssa only, not to " + name);
    if (timeLimitMs)
        return *timeLimitMs;
    return algorithm == Algorithm::Exact ? kExactPlanTimeLimitMs : algorithm == Algorithm::Best ? kBestSafetyTimeLimitMs : 0;
}

PlanData plan(const ScenarioData& data, const std::string& name, std::optional<double> timeLimitMs)
{
    const Algorithm algorithm = algorithmNamed(name);
    const double limitMs = timeLimitFor(algorithm, name, timeLimitMs);
    return valueOr(runStoppable<Expected<PlanData>>([&](const std::atomic<bool>& cancel) {
        const CostModel model(data.base.scenario);
        PlanOptions options;
        options.control.timeLimitMs = limitMs;
        options.control.cancel = &cancel;
        std::vector<Violation> violations;
        return makePlan(data.base.scenario, model, algorithm, &violations, options).transform([&](Plan&& made) {
            PlanData result{std::move(made), {}};
            for (const Violation& violation : violations)
                result.violations.push_back(violation.message);
            return result;
        });
    }));
}

/// The violations of the plan file text @p planJson for the scenario (none: feasible).
std::vector<std::string> verify(const ScenarioData& data, const std::string& planJson, const std::string& sourceName)
{
    const Plan stated = valueOr(parsePlan(planJson, sourceName, data.base.scenario));
    const CostModel model(data.base.scenario);
    std::vector<std::string> messages;
    for (const Violation& violation : verifyPlan(data.base.scenario, model, stated))
        messages.push_back(violation.message);
    return messages;
}

py::dict planUsers(const ScenarioData& data, const PlanData& planned)
{
    std::vector<std::string> ids;
    std::vector<int> partitions, groups;
    std::vector<double> energyMj, uploadStartMs, uploadEndMs, finishMs, deadlineMs;
    for (size_t m = 0; m < planned.plan.users.size(); ++m) {
        const UserOutcome& user = planned.plan.users[m];
        ids.push_back(data.base.scenario.users[m].id);
        partitions.push_back(user.partition);
        groups.push_back(user.group);
        energyMj.push_back(user.energyMj);
        uploadStartMs.push_back(user.uploadStartMs);
        uploadEndMs.push_back(user.uploadEndMs);
        finishMs.push_back(user.finishMs);
        deadlineMs.push_back(user.deadlineMs);
    }
    py::dict columns;
    columns["id"] = ids;
    columns["partition"] = partitions;
    columns["group"] = groups;
    columns["energy_mj"] = energyMj;
    columns["upload_start_ms"] = uploadStartMs;
    columns["upload_end_ms"] = uploadEndMs;
    columns["finish_ms"] = finishMs;
    columns["deadline_ms"] = deadlineMs;
    return columns;
}

py::dict planBatches(const ScenarioData& data, const PlanData& planned)
{
    std::vector<int> subtasks, sizes;
    std::vector<std::vector<std::string>> members;
    std::vector<double> startMs, endMs;
    for (const TimedBatch& batch : planned.plan.batches) {
        subtasks.push_back(batch.subtask);
        sizes.push_back(static_cast<int>(batch.users.size()));
        std::vector<std::string> ids;
        for (int user : batch.users)
            ids.push_back(data.base.scenario.users[static_cast<size_t>(user)].id);
        members.push_back(std::move(ids));
        startMs.push_back(batch.startMs);
        endMs.push_back(batch.endMs);
    }
    py::dict columns;
    columns["subtask"] = subtasks;
    columns["size"] = sizes;
    columns["users"] = members;
    columns["start_ms"] = startMs;
    columns["end_ms"] = endMs;
    return columns;
}

/// The rows of `coinfer compare` as records, with the recommendation and the GPU's saturation
/// sentence (empty when the GPU does not cap the saving).
py::dict compare(const ScenarioData& data, std::optional<double> timeLimitMs)
{
    struct Compared {
        std::vector<ComparisonRow> rows;
        std::string saturation;
    };
    const Compared compared = valueOr(runStoppable<Expected<Compared>>([&](const std::atomic<bool>& cancel) {
        const CostModel model(data.base.scenario);
        return compareEveryPlanner(data.base.scenario, model, timeLimitMs, &cancel)
            .transform([&](std::vector<ComparisonRow>&& rows) {
                const StopAsked stopped = [&cancel] { return cancel.load(); };
                return Compared{std::move(rows), describeGpuSaturation(gpuSaturation(model, stopped))};
            });
    }));
    const double strongestMj = strongestBoundMj(compared.rows);
    py::list records;
    for (const ComparisonRow& row : compared.rows) {
        py::dict record;
        record["algorithm"] = algorithmName(row.algorithm);
        const Plan* made = row.plan ? &*row.plan : nullptr;
        record["energy_mj"] = made ? made->totalEnergyMj : NAN;
        record["saving_percent"] = made ? made->savingPercent : NAN;
        record["batches"] = made ? static_cast<double>(made->batches.size()) : NAN;
        record["feasible"] = made && made->feasible;
        record["time_ms"] = row.elapsedMs;
        record["bound_mj"] = made ? made->lowerBoundMj : NAN;
        record["gap_percent"] = made ? gapToBoundPercent(*made, strongestMj) : NAN;
        record["too_big"] = row.withoutPlan == "too big";
        record["search_end"] = made ? made->searchEnd : row.withoutPlan == "too big" ? std::string() : row.withoutPlan;
        record["proven_optimal"] = made && made->provenOptimal;
        records.append(record);
    }
    const ComparisonRow* recommended = recommendedRow(compared.rows);
    py::dict result;
    result["rows"] = records;
    result["strongest_bound_mj"] = strongestMj;
    result["recommended"] = recommended ? py::cast(algorithmName(recommended->algorithm)) : py::none();
    result["saturation"] = compared.saturation;
    return result;
}

/// The sweep CSV of `coinfer sweep` for the same request (values checked and ordered as
/// parseSweepValues does).
std::string sweep(const ScenarioData& data, const std::string& parameterName, const std::vector<double>& values,
                  const std::string& algorithms, int repeats, std::uint64_t seed, int jobs)
{
    SweepRequest request;
    const std::optional<SweepParameter> parameter = sweepParameterFromName(parameterName);
    if (!parameter)
        throw py::value_error("unknown parameter '" + parameterName + "'; use one of " + sweepParameterNames());
    request.parameter = *parameter;
    std::string valuesText;
    for (double value : values)
        valuesText += (valuesText.empty() ? "" : ",") + sweepNumberText(value);
    Expected<std::vector<double>> parsed = parseSweepValues(valuesText);
    if (!parsed)
        throw py::value_error("vary " + parameterName + ": " + parsed.error().message);
    request.values = std::move(*parsed);
    Expected<std::vector<Algorithm>> chosen = parseSweepAlgorithms(algorithms);
    if (!chosen)
        throw py::value_error("algorithms: " + chosen.error().message);
    request.algorithms = std::move(*chosen);
    if (repeats < 1 || jobs < 1)
        throw py::value_error("repeats and jobs must be at least 1");
    request.repeats = repeats;
    request.seed = seed;
    request.jobs = jobs;
    const SweepResult result = valueOr(runStoppable<Expected<SweepResult>>([&](const std::atomic<bool>& cancel) {
        SweepRequest stoppable = request;
        stoppable.cancel = &cancel;
        return runSweep(data.base, stoppable);
    }));
    return sweepRowsToCsv(result.rows);
}

} // namespace

void addPlanFunctions(py::module_& module)
{
    py::class_<PlanData>(module, "PlanData", "A timed plan and the constraints it breaks")
        .def_property_readonly("algorithm", [](const PlanData& p) { return p.plan.algorithm; })
        .def_property_readonly("feasible", [](const PlanData& p) { return p.plan.feasible; })
        .def_property_readonly("total_energy_mj", [](const PlanData& p) { return p.plan.totalEnergyMj; })
        .def_property_readonly("local_energy_mj", [](const PlanData& p) { return p.plan.localEnergyMj; })
        .def_property_readonly("saving_percent", [](const PlanData& p) { return p.plan.savingPercent; })
        .def_property_readonly("lower_bound_mj", [](const PlanData& p) { return p.plan.lowerBoundMj; })
        .def_property_readonly("gap_percent", [](const PlanData& p) { return gapPercent(p.plan); })
        .def_property_readonly("proven_optimal", [](const PlanData& p) { return p.plan.provenOptimal; })
        .def_property_readonly("search_end", [](const PlanData& p) { return p.plan.searchEnd; })
        .def_property_readonly("violations", [](const PlanData& p) { return p.violations; });
    module.def("plan", &plan, py::arg("scenario"), py::arg("algorithm") = "best", py::arg("time_limit_ms") = py::none());
    module.def("plan_to_json",
               [](const ScenarioData& data, const PlanData& p) { return planToJson(data.base.scenario, p.plan); });
    module.def("plan_to_table",
               [](const ScenarioData& data, const PlanData& p) { return planToTable(data.base.scenario, p.plan); });
    module.def("plan_users", &planUsers);
    module.def("plan_batches", &planBatches);
    module.def("verify", &verify, py::arg("scenario"), py::arg("plan_json"), py::arg("source_name") = "plan");
    module.def("compare", &compare, py::arg("scenario"), py::arg("time_limit_ms") = py::none());
    module.def("sweep", &sweep, py::arg("scenario"), py::arg("parameter"), py::arg("values"), py::arg("algorithms"),
               py::arg("repeats") = 1, py::arg("seed") = 1, py::arg("jobs") = 1);
}

} // namespace coinfer::python
