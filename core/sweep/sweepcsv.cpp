// The sweep CSV (docs/formats.md#sweep-csv): writing, reading and merging shards.
#include "core/sweep/sweep.h"

#include "core/io/csv.h"
#include "core/planning/planner.h"
#include "core/sweep/sweepenvelope.h"
#include "core/util/decimal.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace coinfer {
namespace {

const std::vector<std::string>& columns()
{
    static const std::vector<std::string> names = {"parameter", "value",           "repeat",         "algorithm",
                                                   "energy_mj", "local_energy_mj", "saving_percent", "feasible",
                                                   "batches",   "lower_bound_mj",  "gap_percent",    "time_ms"};
    return names;
}

std::string optionalNumber(bool present, double value)
{
    return present && std::isfinite(value) ? sweepNumberText(value) : std::string();
}

std::vector<std::string> rowFields(const SweepRow& row)
{
    return {row.parameter,
            sweepNumberText(row.value),
            std::to_string(row.repeat),
            row.algorithm,
            optionalNumber(row.planned, row.energyMj),
            sweepNumberText(row.localEnergyMj),
            optionalNumber(row.planned, row.savingPercent),
            row.feasible ? "true" : "false",
            row.planned ? std::to_string(row.batches) : std::string(),
            optionalNumber(row.planned, row.lowerBoundMj),
            optionalNumber(row.planned, row.gapPercent),
            sweepNumberText(row.timeMs)};
}

std::string joined(const std::vector<std::string>& fields)
{
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i)
        line += (i ? "," : "") + csvField(fields[i]);
    return line;
}

/// Reads the fields of one data row; the error is the problem alone (the caller adds where).
Expected<SweepRow> rowFromFields(const std::vector<std::string>& fields)
{
    const auto fail = [](std::string problem) { return Unexpected(Error{ErrorCode::BadInput, std::move(problem)}); };
    if (fields.size() != columns().size())
        return fail("has " + std::to_string(fields.size()) + " fields, not " + std::to_string(columns().size()));
    SweepRow row;
    row.parameter = fields[0];
    if (!sweepParameterFromName(row.parameter))
        return fail("unknown parameter '" + row.parameter + "'");
    row.algorithm = fields[3];
    if (!algorithmFromName(row.algorithm))
        return fail("unknown algorithm '" + row.algorithm + "'");
    if (fields[7] != "true" && fields[7] != "false")
        return fail("feasible must be true or false, not '" + fields[7] + "'");
    row.feasible = fields[7] == "true";
    row.planned = !fields[4].empty();
    // Required numbers: value, repeat, local_energy_mj, time_ms; the others only on planned rows.
    const size_t required[] = {1, 2, 5, 11};
    const size_t optional[] = {4, 6, 8, 9, 10};
    double numbers[12] = {};
    for (size_t i : required) {
        const std::optional<double> number = parsePlainDecimal(fields[i]);
        if (!number)
            return fail(columns()[i] + " '" + fields[i] + "' is not a number");
        numbers[i] = *number;
    }
    for (size_t i : optional) {
        numbers[i] = NAN;
        if (fields[i].empty())
            continue;
        const std::optional<double> number = parsePlainDecimal(fields[i]);
        if (!number || !row.planned)
            return fail(columns()[i] + " '" + fields[i] + "' is not a number" +
                        (row.planned ? "" : " on a row without energy_mj"));
        numbers[i] = *number;
    }
    if (numbers[2] < 0 || std::floor(numbers[2]) != numbers[2] || numbers[2] > 1e9)
        return fail("repeat '" + fields[2] + "' is not a whole number from 0");
    row.value = numbers[1];
    row.repeat = static_cast<int>(numbers[2]);
    row.localEnergyMj = numbers[5];
    row.timeMs = numbers[11];
    if (row.planned) {
        row.energyMj = numbers[4];
        row.savingPercent = numbers[6];
        row.batches = std::isnan(numbers[8]) ? 0 : static_cast<int>(numbers[8]);
    }
    row.lowerBoundMj = numbers[9];
    row.gapPercent = numbers[10];
    return row;
}

using PointKey = std::pair<double, int>;

/// Warnings for points missing from the grid of values x repeats, or lacking a planner.
std::vector<std::string> gridWarnings(const std::vector<SweepRow>& rows)
{
    std::set<double> values;
    std::set<int> repeats;
    std::set<std::string> algorithms;
    std::map<PointKey, std::set<std::string>> points;
    for (const SweepRow& row : rows) {
        values.insert(row.value);
        repeats.insert(row.repeat);
        algorithms.insert(row.algorithm);
        points[{row.value, row.repeat}].insert(row.algorithm);
    }
    std::vector<std::string> warnings;
    size_t missing = 0, partial = 0;
    for (double value : values)
        for (int repeat : repeats) {
            auto it = points.find({value, repeat});
            if (it == points.end())
                ++missing;
            else if (it->second.size() != algorithms.size())
                ++partial;
        }
    if (repeats.size() && (*repeats.rbegin() + 1 != static_cast<int>(repeats.size())))
        warnings.push_back("the repeats are not 0.." + std::to_string(*repeats.rbegin()) + ": a shard may be missing");
    if (missing)
        warnings.push_back(std::to_string(missing) + " of the " + std::to_string(values.size() * repeats.size()) +
                           " points (values x repeats) have no rows: a shard may be missing");
    if (partial)
        warnings.push_back(std::to_string(partial) + " points lack some of the planners the others have");
    return warnings;
}

} // namespace

std::string sweepCsvHeader()
{
    return joined(columns());
}

std::string sweepRowsToCsv(const std::vector<SweepRow>& rows)
{
    std::string text = sweepCsvHeader() + "\n";
    for (const SweepRow& row : rows)
        text += joined(rowFields(row)) + "\n";
    return text;
}

Expected<std::vector<SweepRow>> parseSweepCsv(std::string_view text, const std::string& sourceName)
{
    // A spreadsheet's "CSV UTF-8" starts with a byte order mark; the JSON readers skip one too.
    text = withoutUtf8Bom(text);
    size_t pos = 0;
    long long line = 1; // the line the next record starts on
    std::vector<std::string> fields;
    if (text.empty() || !readCsvRecord(text, pos, fields, line) || fields != columns())
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": line 1: the header must be " + sweepCsvHeader()});
    std::vector<SweepRow> rows;
    while (pos < text.size()) {
        const long long recordLine = line;
        if (!readCsvRecord(text, pos, fields, line))
            return Unexpected(Error{ErrorCode::BadInput,
                                    sourceName + ": line " + std::to_string(recordLine) + ": a quoted field is not closed"});
        if (fields.size() == 1 && fields[0].empty())
            continue; // a blank line
        Expected<SweepRow> row = rowFromFields(fields);
        if (!row)
            return Unexpected(
                Error{ErrorCode::BadInput, sourceName + ": line " + std::to_string(recordLine) + ": " + row.error().message});
        rows.push_back(std::move(*row));
    }
    return rows;
}

Expected<SweepMerge> mergeSweepCsv(const std::vector<SweepCsvFile>& files)
{
    SweepMerge merge;
    std::map<std::tuple<double, int, std::string>, std::string> seen; // row key -> file that gave it
    std::string parameter, parameterFile;
    for (const SweepCsvFile& file : files)
        for (const SweepRow& row : file.rows) {
            if (parameter.empty()) {
                parameter = row.parameter;
                parameterFile = file.name;
            } else if (row.parameter != parameter) {
                return Unexpected(Error{ErrorCode::BadInput, file.name + ": varies " + row.parameter + ", but " + parameterFile +
                                                                 " varies " + parameter + "; merge shards of one sweep only"});
            }
            auto [it, added] = seen.emplace(std::make_tuple(row.value, row.repeat, row.algorithm), file.name);
            if (!added)
                return Unexpected(Error{ErrorCode::BadInput, file.name + ": the row " + parameter + "=" +
                                                                 sweepNumberText(row.value) + ", repeat " +
                                                                 std::to_string(row.repeat) + ", " + row.algorithm +
                                                                 " is already in " + it->second + " (overlapping shards?)"});
            merge.rows.push_back(row);
        }
    std::stable_sort(merge.rows.begin(), merge.rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.before(b); });
    // Each shard's rows are monotone over its own values; across shards the same rule applies.
    applyRelaxationEnvelope(merge.rows);
    merge.warnings = gridWarnings(merge.rows);
    const std::optional<SweepParameter> varied = sweepParameterFromName(parameter);
    if (files.size() > 1 && varied && isRecostedRelaxation(*varied))
        merge.warnings.push_back("best's line over " + parameter +
                                 " is monotone within each shard only: a faster link changes what a plan costs, so a "
                                 "shard's plans cannot be carried to another's values from the CSV; run the sweep "
                                 "unsharded for one monotone line");
    return merge;
}

} // namespace coinfer
