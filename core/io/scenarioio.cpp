#include "core/io/scenarioio.h"
#include "core/io/traceio.h"

#include "core/dnn/dnn.h"
#include "core/io/fileio.h"
#include "core/dnn/gpuprofile.h"
#include "core/model/devicemodels.h"
#include "core/model/population.h"
#include "core/io/jsonfields.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"
#include "core/io/scenarioentries.h"
#include "core/io/scenariofast.h"
#include "core/util/random.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <sstream>
#include <utility>

namespace coinfer {

using detail::Field;
using detail::InputError;
using nlohmann::json;

namespace {

std::vector<double> readEdgeCurve(const Field& subtask, std::optional<long long> maxBatch)
{
    const int forms = subtask.has("edge_latency_ms") + subtask.has("edge_affine_ms") + subtask.has("edge_constant_ms");
    if (forms == 0)
        subtask.fail("needs an edge latency: edge_latency_ms (a table per batch size), edge_affine_ms or edge_constant_ms");
    if (forms > 1)
        subtask.fail("gives more than one of edge_latency_ms, edge_affine_ms and edge_constant_ms; keep one");
    if (auto table = subtask.find("edge_latency_ms"))
        return table->nonNegativeNumbers(maxBatch ? *maxBatch : -1);
    if (!maxBatch)
        subtask.fail("uses an affine or constant edge latency, so dnn.max_batch is required");
    double alpha = 0, beta = 0;
    if (auto affine = subtask.find("edge_affine_ms")) {
        alpha = affine->at("alpha").nonNegative();
        beta = affine->at("beta").nonNegative();
    } else {
        alpha = subtask.at("edge_constant_ms").nonNegative();
    }
    // The table this expands to is what Save expanded and the plan's latencies write: keep it
    // within what the reader accepts, so every accepted file can be written and read back.
    const double largestMs = alpha + beta * static_cast<double>(*maxBatch);
    if (!(largestMs <= detail::kMaxInputMagnitude)) {
        std::ostringstream text;
        text << "comes to " << largestMs << " ms at batch size " << *maxBatch << ", beyond " << detail::kMaxInputMagnitude
             << ", the most a scenario file may state (its table form must read back)";
        (subtask.has("edge_affine_ms") ? subtask.at("edge_affine_ms") : subtask.at("edge_constant_ms")).fail(text.str());
    }
    std::vector<double> curve;
    for (long long b = 1; b <= *maxBatch; ++b)
        curve.push_back(alpha + beta * static_cast<double>(b));
    return curve;
}

std::string resolvePath(const std::string& path, const std::string& baseDir)
{
    const std::filesystem::path given(path);
    return given.is_absolute() || baseDir.empty() ? path : (std::filesystem::path(baseDir) / given).string();
}

/// A DNN given by a layer description (built-in or a file) with a measured GPU profile: the
/// description gives FLOPs and output sizes, the profile's medians give tau_n(b).
Dnn readDescribedDnn(const Field& field, const ScenarioLimits& limits, const std::string& baseDir)
{
    if (field.has("builtin") && field.has("description"))
        field.fail("gives both \"builtin\" and \"description\"; keep one");
    const bool builtin = field.has("builtin");
    const Field source = builtin ? field.at("builtin") : field.at("description");
    Expected<DnnDescription> description =
        builtin ? builtinDnn(source.string(false)) : loadDnn(resolvePath(source.string(false), baseDir));
    if (!description)
        source.fail(description.error().message);
    const Field profileField = field.at("gpu_profile");
    const std::string profilePath = resolvePath(profileField.string(false), baseDir);
    Expected<GpuProfile> profile = readGpuProfile(profilePath);
    if (!profile)
        profileField.fail(profile.error().message);
    long long maxBatch = profile->maxBatch();
    if (auto max = field.find("max_batch")) {
        maxBatch = max->integer(1, std::min<long long>(profile->maxBatch(), limits.maxBatch));
    } else if (maxBatch > limits.maxBatch) {
        profileField.fail("measures batch sizes up to " + std::to_string(maxBatch) + "; this reader accepts at most " +
                          std::to_string(limits.maxBatch) + " (set dnn.max_batch)");
    }
    Expected<Dnn> dnn = profiledDnn(*description, *profile, profilePath, static_cast<int>(maxBatch));
    if (!dnn)
        profileField.fail(dnn.error().message);
    const long long count = dnn->subtaskCount();
    if (count > limits.maxSubtasks)
        source.fail("has " + std::to_string(count) + " sub-tasks; this reader accepts at most " +
                    std::to_string(limits.maxSubtasks));
    if (maxBatch * count > limits.maxCurveCells)
        profileField.fail("needs " + std::to_string(maxBatch) + " batch sizes x " + std::to_string(count) +
                          " sub-tasks = " + std::to_string(maxBatch * count) + " latency values, more than the limit of " +
                          std::to_string(limits.maxCurveCells) + "; set a lower dnn.max_batch");
    return *dnn;
}

Dnn readDnn(const Field& field, const ScenarioLimits& limits, const std::string& baseDir)
{
    if (field.has("builtin") || field.has("description"))
        return readDescribedDnn(field, limits, baseDir);

    Dnn dnn;
    dnn.name = field.find("name") ? field.at("name").string() : std::string("dnn");
    dnn.inputBytes = field.at("input_bytes").nonNegative();
    std::optional<long long> maxBatch;
    if (auto max = field.find("max_batch"))
        maxBatch = max->integer(1, limits.maxBatch);
    const Field subtasks = field.at("subtasks");
    const size_t count = subtasks.arraySize();
    if (static_cast<long long>(count) > limits.maxSubtasks)
        subtasks.fail("has " + std::to_string(count) + " sub-tasks; this reader accepts at most " +
                      std::to_string(limits.maxSubtasks));
    if (maxBatch && *maxBatch * static_cast<long long>(count) > limits.maxCurveCells)
        field.at("max_batch")
            .fail("needs " + std::to_string(*maxBatch) + " batch sizes x " + std::to_string(count) + " sub-tasks = " +
                  std::to_string(*maxBatch * static_cast<long long>(count)) + " latency values, more than the limit of " +
                  std::to_string(limits.maxCurveCells) + "; lower max_batch or the number of sub-tasks");
    for (size_t n = 0; n < count; ++n) {
        const Field entry = subtasks.at(n);
        if (!entry.isObject())
            entry.fail("must be an object, not " + detail::describe(entry.json()));
        Subtask subtask;
        subtask.name = entry.find("name") ? entry.at("name").string() : "s" + std::to_string(n + 1);
        subtask.outputBytes = entry.at("output_bytes").nonNegative();
        subtask.flops = entry.at("flops").nonNegative();
        subtask.edgeLatencyMs = readEdgeCurve(entry, maxBatch);
        if (static_cast<long long>(subtask.edgeLatencyMs.size()) > limits.maxBatch)
            entry.at("edge_latency_ms")
                .fail("covers batch sizes up to " + std::to_string(subtask.edgeLatencyMs.size()) +
                      "; this reader accepts at most " + std::to_string(limits.maxBatch));
        if (!maxBatch) {
            maxBatch = static_cast<long long>(subtask.edgeLatencyMs.size()); // the first table sets B_max for the rest
            if (*maxBatch * static_cast<long long>(count) > limits.maxCurveCells)
                entry.at("edge_latency_ms")
                    .fail("sets " + std::to_string(*maxBatch) + " batch sizes x " + std::to_string(count) + " sub-tasks = " +
                          std::to_string(*maxBatch * static_cast<long long>(count)) + " latency values, more than the limit of " +
                          std::to_string(limits.maxCurveCells) + "; shorten the tables or use fewer sub-tasks");
        }
        dnn.subtasks.push_back(std::move(subtask));
    }
    return dnn;
}

CpuModel readCpu(const Field& field)
{
    CpuModel cpu;
    cpu.frequencyGhz = field.at("frequency_ghz").positive();
    cpu.cyclesPerFlop = field.at("cycles_per_flop").positive();
    cpu.kappa = field.at("kappa").positive();
    return cpu;
}

std::vector<DeviceClass> readDeviceClasses(const Field& root)
{
    std::vector<DeviceClass> classes;
    auto field = root.find("device_classes");
    if (!field)
        return classes;
    const size_t count = field->arraySize();
    for (size_t i = 0; i < count; ++i) {
        const Field entry = field->at(i);
        DeviceClass device;
        device.name = entry.at("name").string(false);
        if (device.name.size() > kMaxIdBytes) // every user of the class holds a copy
            entry.at("name").fail("is " + std::to_string(device.name.size()) +
                                  " bytes long; a device class name may be at most " + std::to_string(kMaxIdBytes) + " bytes");
        for (const DeviceClass& other : classes)
            if (other.name == device.name)
                entry.at("name").fail("\"" + device.name + "\" is already the name of another device class");
        device.cpu = readCpu(entry.at("cpu"));
        device.txPowerW = entry.at("tx_power_w").positive();
        classes.push_back(std::move(device));
    }
    return classes;
}

std::optional<ChannelModel> readChannel(const Field& root)
{
    auto field = root.find("channel");
    if (!field)
        return std::nullopt;
    ChannelModel channel;
    channel.bandwidthMhz = field->at("bandwidth_mhz").positive();
    if (auto noise = field->find("noise_dbm_per_hz"))
        channel.noiseDbmPerHz = noise->number(-300.0);
    if (auto loss = field->find("path_loss")) {
        channel.pathLossReferenceDb = loss->at("reference_db").number();
        channel.pathLossExponent = loss->at("exponent").positive();
    }
    return channel;
}

const DeviceClass& findClass(const Field& name, const std::vector<DeviceClass>& classes)
{
    const std::string wanted = name.string(false);
    for (const DeviceClass& device : classes)
        if (device.name == wanted)
            return device;
    name.fail("names device class \"" + wanted + "\", which device_classes does not define");
}

User readUser(const Field& entry, const Dnn& dnn, const std::vector<DeviceClass>& classes,
              const std::optional<ChannelModel>& channel)
{
    if (!entry.isObject())
        entry.fail("must be an object, not " + detail::describe(entry.json()));
    User user;
    const Field id = entry.at("id");
    user.id = id.string(false);
    if (user.id.size() > kMaxIdBytes)
        id.fail("is " + std::to_string(user.id.size()) + " bytes long; an id may be at most " + std::to_string(kMaxIdBytes) +
                " bytes");
    user.deadlineMs = entry.at("deadline_ms").positive();
    const DeviceClass* device = nullptr;
    if (auto name = entry.find("device_class")) {
        device = &findClass(*name, classes);
        user.deviceClass = device->name;
    }
    const auto n = static_cast<long long>(dnn.subtasks.size());
    if ((entry.has("local_latency_ms") || entry.has("local_energy_mj")) && entry.has("cpu"))
        entry.fail("gives both local tables and a cpu model; keep one");
    if (entry.has("uplink_rate_mbps") + entry.has("distance_m") + entry.has("channel_gain") > 1)
        entry.fail("gives more than one of uplink_rate_mbps, distance_m and channel_gain; keep one");
    if (entry.has("local_latency_ms") || entry.has("local_energy_mj")) {
        user.localLatencyMs = entry.at("local_latency_ms").nonNegativeNumbers(n);
        user.localEnergyMj = entry.at("local_energy_mj").nonNegativeNumbers(n);
    } else if (auto cpu = entry.find("cpu")) {
        applyCpuModel(readCpu(*cpu), dnn, user);
    } else if (device) {
        applyCpuModel(device->cpu, dnn, user);
    } else {
        entry.fail("needs local_latency_ms and local_energy_mj, a cpu model, or a device_class");
    }
    if (auto rate = entry.find("arrival_rate_per_s"))
        user.arrivalRatePerSecond = rate->nonNegative();
    if (auto jitter = entry.find("deadline_jitter")) {
        user.deadlineJitter = jitter->nonNegative();
        if (user.deadlineJitter >= 1)
            jitter->fail("must be below 1");
    }
    if (auto power = entry.find("tx_power_w"))
        user.txPowerW = power->positive();
    else if (device)
        user.txPowerW = device->txPowerW;
    else
        entry.at("tx_power_w"); // reports it missing

    if (auto rate = entry.find("uplink_rate_mbps")) {
        user.uplinkRateMbps = rate->positive();
    } else if (entry.has("distance_m") || entry.has("channel_gain")) {
        if (!channel)
            entry.fail("gives a distance or channel gain, so the scenario needs a \"channel\" block");
        const double gain =
            entry.has("distance_m") ? pathGain(*channel, entry.at("distance_m").positive()) : entry.at("channel_gain").positive();
        user.uplinkRateMbps = shannonRateMbps(*channel, user.txPowerW, gain);
        if (!(user.uplinkRateMbps > 0))
            entry.fail("gives an uplink rate of 0 Mbps from its channel parameters");
    } else {
        entry.fail("needs uplink_rate_mbps, distance_m or channel_gain");
    }
    return user;
}

Distribution readDistribution(const Field& field, bool positive)
{
    Distribution distribution;
    if (auto choices = field.find("choices")) {
        const size_t count = choices->arraySize();
        for (size_t i = 0; i < count; ++i)
            distribution.choices.push_back(positive ? choices->at(i).positive() : choices->at(i).nonNegative());
        return distribution;
    }
    distribution.min = positive ? field.at("min").positive() : field.at("min").nonNegative();
    distribution.max = field.at("max").number(distribution.min);
    return distribution;
}

PopulationSpec readPopulation(const Field& field, const std::vector<DeviceClass>& classes,
                              const std::optional<ChannelModel>& channel, long long maxUsers)
{
    PopulationSpec spec;
    spec.count = field.at("count").integer(1, maxUsers);
    spec.seed = static_cast<std::uint64_t>(field.at("seed").integer(0, 9'007'199'254'740'992LL));
    if (auto prefix = field.find("id_prefix")) {
        spec.idPrefix = prefix->string();
        if (spec.idPrefix.size() > kMaxIdPrefixBytes)
            prefix->fail("is " + std::to_string(spec.idPrefix.size()) + " bytes long; it may be at most " +
                         std::to_string(kMaxIdPrefixBytes) + " bytes (an id, prefix and number, at most " +
                         std::to_string(kMaxIdBytes) + ")");
    }
    const Field mix = field.at("device_mix");
    const size_t count = mix.arraySize();
    for (size_t i = 0; i < count; ++i) {
        const Field entry = mix.at(i);
        spec.deviceMix.emplace_back(findClass(entry.at("device_class"), classes).name, entry.at("weight").positive());
    }
    spec.deadlineMs = readDistribution(field.at("deadline_ms"), true);
    if (auto distance = field.find("distance_m")) {
        if (!channel)
            distance->fail("draws distances, so the scenario needs a \"channel\" block");
        spec.distanceM = readDistribution(*distance, true);
    } else if (auto rate = field.find("uplink_rate_mbps")) {
        spec.byDistance = false;
        spec.uplinkRateMbps = readDistribution(*rate, true);
    } else {
        field.fail("needs distance_m or uplink_rate_mbps");
    }
    return spec;
}

MmppState readMmppState(const Field& field)
{
    MmppState state;
    state.ratePerSecond = field.at("rate_per_s").nonNegative();
    state.meanStayMs = 1000.0 * field.at("mean_stay_s").positive();
    return state;
}

OnlineSettings readOnline(const Field& field, const std::vector<User>& users, const std::string& baseDir)
{
    OnlineSettings online;
    online.present = true;
    if (auto slot = field.find("slot_ms"))
        online.slotMs = slot->positive();
    if (auto horizon = field.find("horizon_ms"))
        online.horizonMs = horizon->number(online.slotMs);
    if (online.horizonMs / online.slotMs > 10'000'000)
        field.at("horizon_ms").fail("holds more than 10 million slots of slot_ms");
    if (auto process = field.find("process")) {
        const std::string name = process->string();
        if (name != "poisson" && name != "bernoulli" && name != "mmpp")
            process->fail("must be \"poisson\", \"bernoulli\" or \"mmpp\", not \"" + name + "\"");
        online.bernoulli = name == "bernoulli";
        online.mmpp = name == "mmpp";
    }
    if (online.mmpp) {
        const Field states = field.at("states");
        const size_t count = states.arraySize();
        if (count > 1000)
            states.fail("has " + std::to_string(count) + " states; at most 1000");
        for (size_t k = 0; k < count; ++k)
            online.mmppStates.push_back(readMmppState(states.at(k)));
        if (auto perUser = field.find("per_user")) {
            if (!perUser->json().is_boolean())
                perUser->fail("must be true or false");
            online.mmppPerUser = perUser->json().get<bool>();
        }
        if (field.has("rate_per_s"))
            field.at("rate_per_s").fail("conflicts with \"process\": \"mmpp\", whose states give the rates");
        for (size_t i = 0; i < users.size(); ++i)
            if (users[i].arrivalRatePerSecond > 0)
                field.at("process").fail("\"mmpp\" gives every user the states' rates, but user \"" + users[i].id +
                                         "\" has its own arrival_rate_per_s");
    } else {
        for (const char* key : {"states", "per_user"})
            if (field.has(key))
                field.at(key).fail("belongs to \"process\": \"mmpp\"");
    }
    if (auto rate = field.find("rate_per_s"))
        online.ratePerSecond = rate->nonNegative();
    if (online.bernoulli && online.ratePerSecond * online.slotMs / 1000 > 1)
        field.at("rate_per_s")
            .fail("with Bernoulli arrivals, rate_per_s x slot_ms / 1000 is a probability and must be at most 1");
    if (auto jitter = field.find("deadline_jitter")) {
        online.deadlineJitter = jitter->nonNegative();
        if (online.deadlineJitter >= 1)
            jitter->fail("must be below 1");
    }
    if (auto seed = field.find("seed"))
        online.seed = static_cast<std::uint64_t>(seed->integer(0, 9'007'199'254'740'992LL));
    if (auto trace = field.find("trace")) {
        online.tracePath = trace->string(false);
        std::vector<std::string> ids;
        for (const User& user : users)
            ids.push_back(user.id);
        Expected<std::vector<TraceArrival>> arrivals =
            readArrivalTrace(resolvePath(online.tracePath, baseDir), ids, online.horizonMs);
        if (!arrivals)
            trace->fail(arrivals.error().message);
        online.trace = std::move(*arrivals);
    }
    return online;
}

/// Fails at @p field unless @p users more users fit the per-user tables beside @p already.
void requireTableRoom(const Field& field, long long already, long long users, int subtasks, const ScenarioLimits& limits)
{
    const long long cells = (already + users) * (subtasks + 1LL);
    if (cells > limits.maxTableCells)
        field.fail("makes " + std::to_string(already + users) + " users x " + std::to_string(subtasks + 1) +
                   " partitions = " + std::to_string(cells) + " table cells, more than the limit of " +
                   std::to_string(limits.maxTableCells) + "; use fewer users or sub-tasks");
}

/// Fails, naming the user, when a user's derived quantities cannot be represented.
void requireRepresentable(const Field& root, const Scenario& scenario, size_t explicitUsers)
{
    for (size_t i = 0; i < scenario.users.size(); ++i) {
        const std::string problem = detail::unrepresentable(scenario.users[i], scenario.dnn);
        if (problem.empty())
            continue;
        if (i < explicitUsers)
            root.at("users").at(i).fail(problem);
        root.at("population").fail("generated user \"" + scenario.users[i].id + "\": " + problem);
    }
}

/// Fails when one online episode would hold more tasks, or need more random draws, than the
/// limits allow. O(M).
void requireArrivalRoom(const Field& online, const Scenario& scenario, const ScenarioLimits& limits)
{
    double ratePerSecond = 0;
    for (const User& user : scenario.users)
        ratePerSecond += scenario.online.mmpp            ? scenario.online.mmppMeanRatePerSecond()
                         : user.arrivalRatePerSecond > 0 ? user.arrivalRatePerSecond
                                                         : scenario.online.ratePerSecond;
    const double expected = ratePerSecond * scenario.online.horizonMs / 1000.0;
    if (expected > static_cast<double>(limits.maxArrivalsPerEpisode))
        online.fail("expects " + std::to_string(static_cast<long long>(expected)) +
                    " tasks per episode (rates x horizon_ms), more than the limit of " +
                    std::to_string(limits.maxArrivalsPerEpisode) + "; lower rate_per_s or horizon_ms");
    const double draws =
        static_cast<double>(scenario.users.size()) * std::ceil(scenario.online.horizonMs / scenario.online.slotMs);
    if (scenario.online.bernoulli && draws > static_cast<double>(limits.maxArrivalDraws))
        online.fail("draws Bernoulli arrivals for " + std::to_string(scenario.users.size()) + " users in each of " +
                    std::to_string(static_cast<long long>(std::ceil(scenario.online.horizonMs / scenario.online.slotMs))) +
                    " slots, more than the limit of " + std::to_string(limits.maxArrivalDraws) +
                    " draws; lower horizon_ms or raise slot_ms");
}

/// An entry of "users" with the id of a generated user replaces that user where the population
/// put it (this is how an edited generated user is saved); the population's other users are
/// unchanged. @p explicitCount users lead @p users, the generated ones follow. O(M) expected
/// (hashing); nothing at all without explicit users.
void applyOverrides(std::vector<User>& users, size_t explicitCount)
{
    if (explicitCount == 0)
        return;                                        // nothing overrides: the population stays as generated
    std::unordered_map<std::string, size_t> generated; // owns its keys: the users below are moved over
    generated.reserve(users.size() - explicitCount);
    for (size_t i = explicitCount; i < users.size(); ++i)
        generated.emplace(users[i].id, i);
    std::vector<User> kept;
    kept.reserve(users.size());
    std::unordered_set<std::string> replaced;
    for (size_t i = 0; i < explicitCount; ++i) {
        auto it = generated.find(users[i].id);
        // A second entry for the same generated user stays, so the duplicate-id check names it.
        if (it == generated.end() || !replaced.insert(users[i].id).second)
            kept.push_back(std::move(users[i]));
        else
            users[it->second] = std::move(users[i]);
    }
    std::move(users.begin() + static_cast<std::ptrdiff_t>(explicitCount), users.end(), std::back_inserter(kept));
    users = std::move(kept);
}

Scenario readScenarioJson(const Field& root, const ScenarioLimits& limits, const std::string& baseDir)
{
    detail::requireFormat(root, "coinfer-scenario");
    root.ignore("description"); // free text for people, kept in the file
    Scenario scenario;
    scenario.name = root.find("name") ? root.at("name").string() : std::string();
    scenario.dnn = readDnn(root.at("dnn"), limits, baseDir);
    const std::vector<DeviceClass> classes = readDeviceClasses(root);
    const std::optional<ChannelModel> channel = readChannel(root);
    scenario.deviceClasses = classes;
    scenario.hasChannel = channel.has_value();
    if (channel)
        scenario.channel = *channel;

    if (!root.has("users") && !root.has("population"))
        root.fail("needs \"users\", a \"population\", or both");
    if (auto users = root.find("users")) {
        const size_t count = users->arraySize(root.has("population"));
        if (static_cast<long long>(count) > limits.maxUsers)
            users->fail("has " + std::to_string(count) + " users; this reader accepts at most " +
                        std::to_string(limits.maxUsers));
        requireTableRoom(*users, 0, static_cast<long long>(count), scenario.dnn.subtaskCount(), limits);
        for (size_t i = 0; i < count; ++i)
            scenario.users.push_back(readUser(users->at(i), scenario.dnn, classes, channel));
    }
    if (auto population = root.find("population")) {
        const long long room = limits.maxUsers - static_cast<long long>(scenario.users.size());
        const PopulationSpec spec = readPopulation(*population, classes, channel, std::max(room, 1LL));
        requireTableRoom(population->at("count"), static_cast<long long>(scenario.users.size()), spec.count,
                         scenario.dnn.subtaskCount(), limits);
        generatePopulation(spec, classes, channel ? &*channel : nullptr, scenario.dnn, scenario.users);
    }
    const size_t explicitCount = root.has("users") ? root.at("users").arraySize(true) : 0;
    requireRepresentable(root, scenario, explicitCount);
    if (root.has("population"))
        applyOverrides(scenario.users, explicitCount);
    if (auto online = root.find("online")) {
        scenario.online = readOnline(*online, scenario.users, baseDir);
        requireArrivalRoom(*online, scenario, limits);
    }
    std::unordered_map<std::string_view, size_t> seen;
    seen.reserve(scenario.users.size());
    for (size_t i = 0; i < scenario.users.size(); ++i) {
        auto [it, added] = seen.emplace(scenario.users[i].id, i);
        if (!added)
            throw InputError{"users[" + std::to_string(i) + "].id",
                             "\"" + scenario.users[i].id + "\" is already the id of users[" + std::to_string(it->second) + "]"};
    }
    return scenario;
}

} // namespace

/// Local time and energy, and upload time and energy of the largest intermediate result, each
/// finite and at most kMaxDerivedValue.
std::string detail::unrepresentable(const User& user, const Dnn& dnn)
{
    double largestBytes = dnn.inputBytes;
    for (const Subtask& subtask : dnn.subtasks)
        largestBytes = std::max(largestBytes, subtask.outputBytes);
    const double uploadMs = largestBytes * 8.0 / (user.uplinkRateMbps * 1e3);
    double localMs = 0, localMj = 0;
    for (size_t n = 0; n < user.localLatencyMs.size(); ++n) {
        localMs += user.localLatencyMs[n];
        localMj += user.localEnergyMj[n];
    }
    const std::pair<const char*, double> quantities[] = {{"local computing time (ms)", localMs},
                                                         {"local computing energy (mJ)", localMj},
                                                         {"upload time (ms)", uploadMs},
                                                         {"upload energy (mJ)", user.txPowerW * uploadMs}};
    for (const auto& [what, value] : quantities)
        if (!(std::isfinite(value) && value <= kMaxDerivedValue)) {
            std::ostringstream text;
            text << "its " << what << " comes to " << value << ", beyond " << kMaxDerivedValue
                 << "; check its rate, power and CPU model";
            return text.str();
        }
    // The table form (coinfer expand, Save expanded as) writes these as input numbers, so each
    // must read back under the input limit.
    double largestWritten = user.uplinkRateMbps;
    for (size_t n = 0; n < user.localLatencyMs.size(); ++n)
        largestWritten = std::max({largestWritten, user.localLatencyMs[n], user.localEnergyMj[n]});
    if (largestWritten > kMaxInputMagnitude) {
        std::ostringstream text;
        text << "its local latency, local energy or uplink rate comes to " << largestWritten << ", beyond " << kMaxInputMagnitude
             << ", the most a scenario file may state; check its rate, power and CPU model";
        return text.str();
    }
    return {};
}

User detail::readUserEntry(const nlohmann::json& entry, const Scenario& scenario)
{
    const std::optional<ChannelModel> channel =
        scenario.hasChannel ? std::optional<ChannelModel>(scenario.channel) : std::nullopt;
    return readUser(Field(entry, "users[]"), scenario.dnn, scenario.deviceClasses, channel);
}

Expected<Scenario> detail::parseScenarioWithPaths(std::string_view text, const std::string& sourceName,
                                                  const ScenarioLimits& limits, std::vector<std::string>* warnings)
{
    const std::string baseDir = std::filesystem::path(sourceName).parent_path().string();
    return detail::readDocument<Scenario>(
        text, sourceName, [&](const Field& root) { return readScenarioJson(root, limits, baseDir); }, detail::kMaxInputMagnitude,
        warnings);
}

Expected<Scenario> parseScenario(std::string_view text, const std::string& sourceName, const ScenarioLimits& limits,
                                 std::vector<std::string>* warnings)
{
    if (detail::haveFastScenarioReader()) {
        std::string padded;
        padded.reserve(text.size() + detail::kFastReaderPadding);
        padded.append(text);
        padded.append(detail::kFastReaderPadding, ' ');
        if (std::optional<Scenario> scenario = detail::readTableScenarioFast(padded.data(), text.size(), limits))
            return std::move(*scenario);
    }
    return detail::parseScenarioWithPaths(text, sourceName, limits, warnings);
}

Expected<Scenario> readScenario(const std::string& path, const ScenarioLimits& limits, std::vector<std::string>* warnings)
{
    Expected<std::string> text = readTextFile(path, maxInputBytes(), detail::kFastReaderPadding);
    if (!text)
        return Unexpected(text.error());
    if (detail::haveFastScenarioReader()) {
        // The file's own buffer, with room reserved for the padding: no copy of a large file.
        const size_t size = text->size();
        text->append(detail::kFastReaderPadding, ' ');
        if (std::optional<Scenario> scenario = detail::readTableScenarioFast(text->data(), size, limits))
            return std::move(*scenario);
        text->resize(size);
    }
    return detail::parseScenarioWithPaths(*text, path, limits, warnings);
}

std::string scenarioToJson(const Scenario& scenario)
{
    json subtasks = json::array();
    for (const Subtask& subtask : scenario.dnn.subtasks)
        subtasks.push_back({{"name", subtask.name},
                            {"output_bytes", subtask.outputBytes},
                            {"flops", subtask.flops},
                            {"edge_latency_ms", subtask.edgeLatencyMs}});
    json users = json::array();
    for (const User& user : scenario.users) {
        json entry = {{"id", user.id},
                      {"deadline_ms", user.deadlineMs},
                      {"local_latency_ms", user.localLatencyMs},
                      {"local_energy_mj", user.localEnergyMj},
                      {"uplink_rate_mbps", user.uplinkRateMbps},
                      {"tx_power_w", user.txPowerW}};
        if (!user.deviceClass.empty() && !scenario.deviceClasses.empty())
            entry["device_class"] = user.deviceClass; // informative: the tables above take precedence
        if (user.arrivalRatePerSecond > 0)
            entry["arrival_rate_per_s"] = user.arrivalRatePerSecond;
        if (user.deadlineJitter >= 0)
            entry["deadline_jitter"] = user.deadlineJitter;
        users.push_back(std::move(entry));
    }
    json document = {{"format", "coinfer-scenario"},
                     {"version", 1},
                     {"name", scenario.name},
                     {"dnn", {{"name", scenario.dnn.name}, {"input_bytes", scenario.dnn.inputBytes}, {"subtasks", subtasks}}},
                     {"users", users}};
    if (!scenario.deviceClasses.empty()) {
        json classes = json::array();
        for (const DeviceClass& device : scenario.deviceClasses)
            classes.push_back({{"name", device.name},
                               {"tx_power_w", device.txPowerW},
                               {"cpu",
                                {{"frequency_ghz", device.cpu.frequencyGhz},
                                 {"cycles_per_flop", device.cpu.cyclesPerFlop},
                                 {"kappa", device.cpu.kappa}}}});
        document["device_classes"] = classes;
    }
    if (scenario.hasChannel)
        document["channel"] = {
            {"bandwidth_mhz", scenario.channel.bandwidthMhz},
            {"noise_dbm_per_hz", scenario.channel.noiseDbmPerHz},
            {"path_loss",
             {{"reference_db", scenario.channel.pathLossReferenceDb}, {"exponent", scenario.channel.pathLossExponent}}}};
    if (scenario.online.present) {
        const OnlineSettings& online = scenario.online;
        document["online"] = {{"slot_ms", online.slotMs},
                              {"horizon_ms", online.horizonMs},
                              {"process", online.mmpp        ? "mmpp"
                                          : online.bernoulli ? "bernoulli"
                                                             : "poisson"},
                              {"deadline_jitter", online.deadlineJitter},
                              {"seed", online.seed}};
        if (online.mmpp) {
            json states = json::array();
            for (const MmppState& state : online.mmppStates)
                states.push_back({{"rate_per_s", state.ratePerSecond}, {"mean_stay_s", state.meanStayMs / 1000.0}});
            document["online"]["states"] = states;
            document["online"]["per_user"] = online.mmppPerUser;
        } else {
            document["online"]["rate_per_s"] = online.ratePerSecond;
        }
        if (!online.tracePath.empty())
            document["online"]["trace"] = online.tracePath;
    }
    return document.dump(2) + "\n";
}

} // namespace coinfer
