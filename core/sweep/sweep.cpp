// Sweep parameters, values and the variant scenario of one point.
#include "core/sweep/sweep.h"
#include "core/util/decimal.h"

#include "core/io/scenarioio.h"
#include "core/io/scenariovariant.h"
#include "core/util/random.h"
#include "core/util/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <utility>
#include <variant>

namespace coinfer {
namespace {

Unexpected<Error> badInput(std::string message)
{
    return Unexpected(Error{ErrorCode::BadInput, std::move(message)});
}

/// @p value rounded to 12 significant digits, so that 0.1 + 2*0.1 reads as 0.3.
double roundTo12Digits(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    return std::strtod(buffer, nullptr);
}

Expected<std::vector<double>> parseRange(const std::string& text)
{
    const size_t first = text.find(':');
    const size_t second = text.find(':', first + 1);
    if (second == std::string::npos || text.find(':', second + 1) != std::string::npos)
        return badInput("range '" + text + "' must be FIRST:LAST:STEP");
    const std::string parts[] = {trimmed(text.substr(0, first)), trimmed(text.substr(first + 1, second - first - 1)),
                                 trimmed(text.substr(second + 1))};
    const char* names[] = {"first value", "last value", "step"};
    double numbers[3];
    for (int i = 0; i < 3; ++i) {
        const std::optional<double> number = parsePlainDecimal(parts[i]);
        if (!number)
            return badInput("range '" + text + "': the " + names[i] + " '" + parts[i] + "' is not a finite number");
        numbers[i] = *number;
    }
    if (!(numbers[2] > 0))
        return badInput("range '" + text + "': the step must be positive");
    if (numbers[1] < numbers[0])
        return badInput("range '" + text + "': the last value is below the first");
    const double steps = std::floor((numbers[1] - numbers[0]) / numbers[2] + 1e-9);
    if (steps + 1 > kMaxSweepValues)
        return badInput("range '" + text + "' has more than " + std::to_string(kMaxSweepValues) + " values");
    std::vector<double> values;
    for (long long i = 0; i <= static_cast<long long>(steps); ++i)
        values.push_back(roundTo12Digits(numbers[0] + static_cast<double>(i) * numbers[2]));
    return values;
}

Expected<std::vector<double>> parseList(const std::string& text)
{
    std::vector<double> values;
    size_t start = 0;
    for (int item = 1;; ++item) {
        const size_t comma = text.find(',', start);
        const std::string part = trimmed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (part.empty())
            return badInput("item " + std::to_string(item) + " of '" + text + "' is empty");
        const std::optional<double> number = parsePlainDecimal(part);
        if (!number)
            return badInput("item " + std::to_string(item) + " of '" + text + "', '" + part + "', is not a finite number");
        values.push_back(*number);
        if (values.size() > static_cast<size_t>(kMaxSweepValues))
            return badInput("'" + text + "' has more than " + std::to_string(kMaxSweepValues) + " values");
        if (comma == std::string::npos)
            return values;
        start = comma + 1;
    }
}

bool isWhole(double value)
{
    return std::floor(value) == value;
}

} // namespace

const std::vector<SweepParameterInfo>& sweepParameters()
{
    static const std::vector<SweepParameterInfo> parameters = {
        {SweepParameter::Users, "users", "number of users: a population regenerates that many, a table keeps a seeded subset",
         true},
        {SweepParameter::DeadlineScale, "deadline_scale", "multiplies every user's deadline", false},
        {SweepParameter::UplinkScale, "uplink_scale",
         "multiplies every user's uplink rate (as if each link were that much faster)", false},
        {SweepParameter::BandwidthMhz, "bandwidth_mhz",
         "the channel's bandwidth in MHz; Shannon rates recomputed (needs a channel)", false},
        {SweepParameter::EdgeScale, "edge_scale", "multiplies every edge batch latency tau_n(b) (a slower or faster GPU)", false},
        {SweepParameter::TxPowerScale, "tx_power_scale", "multiplies every transmit power; Shannon rates follow the new power",
         false},
        {SweepParameter::MaxBatch, "max_batch", "B_max: the largest batch, the batch curves cut at that size", true},
    };
    return parameters;
}

std::optional<SweepParameter> sweepParameterFromName(std::string_view name)
{
    for (const SweepParameterInfo& info : sweepParameters())
        if (info.name == name)
            return info.parameter;
    return std::nullopt;
}

std::string sweepParameterName(SweepParameter parameter)
{
    for (const SweepParameterInfo& info : sweepParameters())
        if (info.parameter == parameter)
            return info.name;
    return "unknown";
}

std::string sweepParameterNames()
{
    std::string names;
    for (const SweepParameterInfo& info : sweepParameters())
        names += (names.empty() ? "" : ", ") + info.name;
    return names;
}

std::string sweepNumberText(double value)
{
    if (std::isnan(value))
        return {};
    char buffer[64];
    const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

Expected<std::vector<double>> parseSweepValues(std::string_view text)
{
    const std::string whole = trimmed(text);
    if (whole.empty())
        return badInput("no values given");
    Expected<std::vector<double>> values = whole.find(':') != std::string::npos ? parseRange(whole) : parseList(whole);
    if (!values)
        return values;
    std::sort(values->begin(), values->end());
    const auto duplicate = std::adjacent_find(values->begin(), values->end());
    if (duplicate != values->end())
        return badInput("the value " + sweepNumberText(*duplicate) + " is given twice");
    return values;
}

Expected<SweepBase> prepareSweepBase(std::string text, const std::string& sourceName)
{
    SweepBase base;
    return parseScenario(text, sourceName, {}, &base.warnings).and_then([&](Scenario&& scenario) {
        return readPopulationFacts(text, sourceName).transform([&](const PopulationFacts& facts) {
            base.scenario = std::move(scenario);
            base.text = std::move(text);
            base.sourceName = sourceName;
            base.hasPopulation = facts.present;
            base.populationCount = facts.count;
            base.populationSeed = facts.seed;
            base.extraUsers = facts.present ? base.scenario.userCount() - facts.count : 0;
            return std::move(base);
        });
    });
}

double ownSweepValue(const SweepBase& base, SweepParameter parameter)
{
    switch (parameter) {
    case SweepParameter::Users:
        return base.scenario.userCount();
    case SweepParameter::MaxBatch:
        return base.scenario.dnn.maxBatch();
    case SweepParameter::BandwidthMhz:
        return base.scenario.hasChannel ? base.scenario.channel.bandwidthMhz : 0;
    default:
        return 1;
    }
}

Expected<void> checkSweepValue(const SweepBase& base, SweepParameter parameter, double value)
{
    const std::string name = sweepParameterName(parameter);
    const std::string said = name + "=" + sweepNumberText(value);
    if (!std::isfinite(value) || !(value > 0))
        return badInput(said + ": values of " + name + " must be positive");
    switch (parameter) {
    case SweepParameter::Users: {
        if (!isWhole(value))
            return badInput(said + ": users must be a whole number");
        if (base.hasPopulation && value < static_cast<double>(base.extraUsers + 1))
            return badInput(said + ": the file lists " + std::to_string(base.extraUsers) +
                            " users besides its population, so users must be at least " + std::to_string(base.extraUsers + 1));
        if (!base.hasPopulation && value > base.scenario.userCount())
            return badInput(said + ": the scenario is a table of " + std::to_string(base.scenario.userCount()) +
                            " users and a subset cannot be larger; give a population block to generate more");
        return {};
    }
    case SweepParameter::MaxBatch:
        if (!isWhole(value) || value > base.scenario.dnn.maxBatch())
            return badInput(said + ": max_batch must be a whole number from 1 to the scenario's B_max, " +
                            std::to_string(base.scenario.dnn.maxBatch()) + " (the batch curves end there)");
        return {};
    case SweepParameter::BandwidthMhz:
        if (!base.scenario.hasChannel)
            return badInput(said + ": the scenario has no \"channel\" block, so it has no bandwidth; vary uplink_scale instead");
        return {};
    default:
        return {};
    }
}

std::uint64_t sweepRepeatSeed(std::uint64_t seed, int repeat)
{
    SeededRandom random(seed ^ (0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(repeat + 1)));
    random.next();
    // A population's seed is read as a JSON integer of at most 2^53.
    return random.next() & ((1ull << 53) - 1);
}

namespace {

/// The file-form edits of one point: the population's size and seed, power and bandwidth.
ScenarioFileEdits fileEdits(const SweepBase& base, SweepParameter parameter, double value, int repeat, std::uint64_t seed)
{
    ScenarioFileEdits edits;
    if (base.hasPopulation) {
        const long long count =
            parameter == SweepParameter::Users ? static_cast<long long>(value) - base.extraUsers : base.populationCount;
        if (count != base.populationCount)
            edits.populationCount = count;
        if (repeat > 0)
            edits.populationSeed = sweepRepeatSeed(seed, repeat);
    }
    if (parameter == SweepParameter::TxPowerScale)
        edits.txPowerScale = value;
    if (parameter == SweepParameter::BandwidthMhz && value != base.scenario.channel.bandwidthMhz)
        edits.bandwidthMhz = value;
    return edits;
}

/// Keeps @p count users of the table, drawn with @p seed, in file order. O(M).
void keepSubset(Scenario& scenario, size_t count, std::uint64_t seed)
{
    std::vector<size_t> order(scenario.users.size());
    std::iota(order.begin(), order.end(), size_t{0});
    SeededRandom random(seed);
    for (size_t i = 0; i < count; ++i) {
        const size_t left = order.size() - i;
        const size_t pick = i + std::min(left - 1, static_cast<size_t>(random.uniform() * static_cast<double>(left)));
        std::swap(order[i], order[pick]);
    }
    order.resize(count);
    std::sort(order.begin(), order.end());
    std::vector<User> kept;
    kept.reserve(count);
    for (size_t index : order)
        kept.push_back(std::move(scenario.users[index]));
    scenario.users = std::move(kept);
}

/// The scales and cuts applied to the scenario once read. O(M + N*B).
void applyNumbers(Scenario& scenario, SweepParameter parameter, double value)
{
    switch (parameter) {
    case SweepParameter::DeadlineScale:
        for (User& user : scenario.users)
            user.deadlineMs *= value;
        break;
    case SweepParameter::UplinkScale:
        for (User& user : scenario.users)
            user.uplinkRateMbps *= value;
        break;
    case SweepParameter::EdgeScale:
        for (Subtask& subtask : scenario.dnn.subtasks)
            for (double& latency : subtask.edgeLatencyMs)
                latency *= value;
        break;
    case SweepParameter::MaxBatch:
        for (Subtask& subtask : scenario.dnn.subtasks)
            subtask.edgeLatencyMs.resize(static_cast<size_t>(value));
        break;
    default:
        break;
    }
}

} // namespace

Expected<Scenario> sweepVariant(const SweepBase& base, SweepParameter parameter, double value, int repeat, std::uint64_t seed)
{
    return checkSweepValue(base, parameter, value).and_then([&]() -> Expected<Scenario> {
        if (repeat < 0)
            return badInput("repeat " + std::to_string(repeat) + " is negative");
        const ScenarioFileEdits edits = fileEdits(base, parameter, value, repeat, seed);
        Expected<Scenario> variant =
            edits.empty() ? Expected<Scenario>(base.scenario) : parseEditedScenario(base.text, base.sourceName, edits);
        if (!variant)
            return variant;
        if (parameter == SweepParameter::Users && !base.hasPopulation && value < variant->userCount())
            keepSubset(*variant, static_cast<size_t>(value), sweepRepeatSeed(seed, repeat));
        applyNumbers(*variant, parameter, value);
        variant->name +=
            " [" + sweepParameterName(parameter) + "=" + sweepNumberText(value) + ", repeat " + std::to_string(repeat) + "]";
        return variant;
    });
}

std::vector<Algorithm> defaultSweepAlgorithms()
{
    return {Algorithm::Local, Algorithm::NoBatching, Algorithm::IpSsa, Algorithm::Og, Algorithm::Best};
}

Expected<std::vector<Algorithm>> parseSweepAlgorithms(std::string_view text)
{
    const std::string whole = trimmed(text);
    std::vector<Algorithm> chosen;
    if (whole == "all" || whole == "all+exact") {
        for (Algorithm algorithm : allAlgorithms())
            if (algorithm != Algorithm::Exact || whole == "all+exact")
                chosen.push_back(algorithm);
        return chosen;
    }
    std::string valid;
    for (Algorithm algorithm : allAlgorithms())
        valid += algorithmName(algorithm) + ", ";
    valid += "all, all+exact";
    size_t start = 0;
    while (true) {
        const size_t comma = whole.find(',', start);
        const std::string name = trimmed(whole.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        const std::optional<Algorithm> algorithm = algorithmFromName(name);
        if (!algorithm)
            return badInput("unknown algorithm '" + name + "'; use " + valid);
        if (std::find(chosen.begin(), chosen.end(), *algorithm) == chosen.end())
            chosen.push_back(*algorithm);
        if (comma == std::string::npos)
            return chosen;
        start = comma + 1;
    }
}

} // namespace coinfer
