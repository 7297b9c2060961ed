// Scenarios for Python: read from a file or a JSON text, their tables as plain columns and numpy
// arrays, and their variants (a sweep's points) as new scenarios.
#include "python/modulecommon.h"

#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/io/scenariovariant.h"
#include "core/model/scenario.h"
#include "core/sweep/sweep.h"
#include "core/util/expected.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h> // IWYU pragma: keep (std::vector, std::optional... to and from Python)

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace coinfer::python {
namespace {

ScenarioData prepared(std::string text, const std::string& sourceName)
{
    return ScenarioData{valueOr(runStoppable<Expected<SweepBase>>(
        [&](const std::atomic<bool>&) { return prepareSweepBase(std::move(text), sourceName); }))};
}

ScenarioData loadScenario(const std::string& path)
{
    return prepared(valueOr(readTextFile(path)), path);
}

/// A rows x columns array filled by @p cell(row, column). O(rows x columns).
template<class Cell> py::array_t<double> matrix(size_t rows, size_t columns, const Cell& cell)
{
    py::array_t<double> array({rows, columns});
    auto view = array.mutable_unchecked<2>();
    for (size_t row = 0; row < rows; ++row)
        for (size_t column = 0; column < columns; ++column)
            view(static_cast<py::ssize_t>(row), static_cast<py::ssize_t>(column)) = cell(row, column);
    return array;
}

/// The users' scalar fields as columns, in file order. O(M).
py::dict userColumns(const ScenarioData& data)
{
    const std::vector<User>& users = data.base.scenario.users;
    std::vector<std::string> ids, classes;
    std::vector<double> deadlineMs, rateMbps, powerW;
    for (const User& user : users) {
        ids.push_back(user.id);
        classes.push_back(user.deviceClass);
        deadlineMs.push_back(user.deadlineMs);
        rateMbps.push_back(user.uplinkRateMbps);
        powerW.push_back(user.txPowerW);
    }
    py::dict columns;
    columns["id"] = ids;
    columns["device_class"] = classes;
    columns["deadline_ms"] = deadlineMs;
    columns["uplink_rate_mbps"] = rateMbps;
    columns["tx_power_w"] = powerW;
    return columns;
}

/// The sub-tasks' scalar fields as columns, in chain order. O(N).
py::dict subtaskColumns(const ScenarioData& data)
{
    std::vector<int> numbers;
    std::vector<std::string> names;
    std::vector<double> outputBytes, flops;
    int number = 1;
    for (const Subtask& subtask : data.base.scenario.dnn.subtasks) {
        numbers.push_back(number++);
        names.push_back(subtask.name);
        outputBytes.push_back(subtask.outputBytes);
        flops.push_back(subtask.flops);
    }
    py::dict columns;
    columns["subtask"] = numbers;
    columns["name"] = names;
    columns["output_bytes"] = outputBytes;
    columns["flops"] = flops;
    return columns;
}

/// Whether @p parameter changes the file's own form on @p base (users drawn by a population,
/// powers and bandwidths that Shannon rates follow) rather than numbers of the scenario read.
bool changesFileForm(const SweepBase& base, SweepParameter parameter)
{
    return (parameter == SweepParameter::Users && base.hasPopulation) || parameter == SweepParameter::TxPowerScale ||
           parameter == SweepParameter::BandwidthMhz;
}

/// @p base with one file-form change (and a population redrawn for @p repeat > 0 when asked).
Expected<SweepBase> editedBase(const SweepBase& base, std::optional<std::pair<SweepParameter, double>> change, bool redraw,
                               int repeat, std::uint64_t seed)
{
    ScenarioFileEdits edits;
    if (change) {
        const auto [parameter, value] = *change;
        if (Expected<void> valid = checkSweepValue(base, parameter, value); !valid)
            return Unexpected(valid.error());
        if (parameter == SweepParameter::Users)
            edits.populationCount = static_cast<long long>(value) - base.extraUsers;
        else if (parameter == SweepParameter::TxPowerScale)
            edits.txPowerScale = value;
        else
            edits.bandwidthMhz = value;
    }
    if (redraw)
        edits.populationSeed = sweepRepeatSeed(seed, repeat);
    return editScenarioText(base.text, base.sourceName, edits).and_then([&](std::string&& text) {
        return prepareSweepBase(std::move(text), base.sourceName);
    });
}

/// The scenario with every change of @p changes (parameter name, value), for repeat @p repeat of
/// a sweep seeded @p seed: the point sweepVariant() gives for one change. File-form changes come
/// first, through the file's text; then scales and cuts, after which the scenario is kept in the
/// table form. O(changes x (size + M*N)).
Expected<SweepBase> variantBase(SweepBase base, const std::vector<std::pair<std::string, double>>& changes, int repeat,
                                std::uint64_t seed)
{
    std::vector<std::pair<SweepParameter, double>> fileForm, numbers;
    for (const auto& [name, value] : changes) {
        const std::optional<SweepParameter> parameter = sweepParameterFromName(name);
        if (!parameter)
            return Unexpected(Error{ErrorCode::BadInput, "unknown parameter '" + name + "'; use one of " + sweepParameterNames() +
                                                             ", repeat or seed"});
        (changesFileForm(base, *parameter) ? fileForm : numbers).emplace_back(*parameter, value);
    }
    bool redraw = base.hasPopulation && repeat > 0;
    if (fileForm.empty() && redraw)
        fileForm.emplace_back(SweepParameter::Users, static_cast<double>(base.scenario.userCount()));
    for (const auto& change : fileForm) {
        Expected<SweepBase> edited = editedBase(base, change, redraw, repeat, seed);
        if (!edited)
            return edited;
        base = std::move(*edited);
        redraw = false;
    }
    for (const auto& [parameter, value] : numbers) {
        Expected<Scenario> variant = sweepVariant(base, parameter, value, base.hasPopulation ? 0 : repeat, seed);
        if (!variant)
            return Unexpected(variant.error());
        Expected<SweepBase> next = prepareSweepBase(scenarioToJson(*variant), base.sourceName);
        if (!next)
            return next;
        base = std::move(*next);
    }
    return base;
}

} // namespace

void addScenarioFunctions(py::module_& module)
{
    py::class_<ScenarioData>(module, "ScenarioData", "A scenario: the file's text and the scenario it gives")
        .def_property_readonly("name", [](const ScenarioData& data) { return data.base.scenario.name; })
        .def_property_readonly("source", [](const ScenarioData& data) { return data.base.sourceName; })
        .def_property_readonly("warnings", [](const ScenarioData& data) { return data.base.warnings; })
        .def_property_readonly("has_population", [](const ScenarioData& data) { return data.base.hasPopulation; })
        .def_property_readonly("has_online", [](const ScenarioData& data) { return data.base.scenario.online.present; })
        .def_property_readonly("user_count", [](const ScenarioData& data) { return data.base.scenario.userCount(); })
        .def_property_readonly("dnn_name", [](const ScenarioData& data) { return data.base.scenario.dnn.name; })
        .def_property_readonly("input_bytes", [](const ScenarioData& data) { return data.base.scenario.dnn.inputBytes; })
        .def_property_readonly("max_batch", [](const ScenarioData& data) { return data.base.scenario.dnn.maxBatch(); })
        .def("user_columns", &userColumns)
        .def("subtask_columns", &subtaskColumns)
        .def("local_latency_ms",
             [](const ScenarioData& data) {
                 const Scenario& s = data.base.scenario;
                 return matrix(s.users.size(), s.dnn.subtasks.size(),
                               [&](size_t m, size_t n) { return s.users[m].localLatencyMs[n]; });
             })
        .def("local_energy_mj",
             [](const ScenarioData& data) {
                 const Scenario& s = data.base.scenario;
                 return matrix(s.users.size(), s.dnn.subtasks.size(),
                               [&](size_t m, size_t n) { return s.users[m].localEnergyMj[n]; });
             })
        .def("edge_latency_ms",
             [](const ScenarioData& data) {
                 const Dnn& dnn = data.base.scenario.dnn;
                 return matrix(dnn.subtasks.size(), static_cast<size_t>(dnn.maxBatch()),
                               [&](size_t n, size_t b) { return dnn.subtasks[n].edgeLatencyMs[b]; });
             })
        .def("text", [](const ScenarioData& data) { return data.base.text; })
        .def("to_json", [](const ScenarioData& data) { return scenarioToJson(data.base.scenario); })
        .def(
            "variant",
            [](const ScenarioData& data, const std::vector<std::pair<std::string, double>>& changes, int repeat,
               std::uint64_t seed) {
                return ScenarioData{valueOr(runStoppable<Expected<SweepBase>>(
                    [&](const std::atomic<bool>&) { return variantBase(data.base, changes, repeat, seed); }))};
            },
            py::arg("changes"), py::arg("repeat") = 0, py::arg("seed") = 1);
    module.def("load_scenario", &loadScenario, py::arg("path"), "Reads a scenario file (ValueError naming the field's path)");
    module.def("parse_scenario", &prepared, py::arg("text"), py::arg("source_name"),
               "Reads a scenario from its JSON text; messages name source_name");
    module.def("sweep_parameters", [] {
        std::vector<std::string> names;
        for (const SweepParameterInfo& info : sweepParameters())
            names.push_back(info.name);
        return names;
    });
}

} // namespace coinfer::python
