#include "core/io/scenariofast.h"

#include "core/io/jsonfields.h"

#ifdef COINFER_HAVE_SIMDJSON

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <new>
#include <system_error>
#include <unordered_set>
#include <utility>

static_assert(coinfer::detail::kFastReaderPadding >= simdjson::SIMDJSON_PADDING);

namespace coinfer::detail {

namespace {

namespace od = simdjson::ondemand;

/// Thrown when the text is anything the fast reader does not read exactly as the path-naming
/// reader would; the caller then runs that reader.
struct GiveUp { };

void require(bool condition)
{
    if (!condition)
        throw GiveUp{};
}

/// The number @p value as nlohmann reads it (correctly rounded, as strtod), and consumes it.
/// simdjson 3.0.1's get_double() misreads numbers of more than 19 digits that start with "0."
/// (0.611111111111111111111111111 gives 1.3e-08; found by fuzz_scenario), so numbers of more
/// than 19 digits are converted again with std::from_chars, which rounds correctly.
double readDouble(od::value value)
{
    const std::string_view raw = value.raw_json_token();
    double x = value.get_double(); // validates the token's syntax
    if (raw.size() < 20)
        return x; // fewer than 20 digits (the token may end in white space)
    size_t end = 0, digits = 0;
    bool exponent = false;
    for (; end < raw.size(); ++end) {
        const char c = raw[end];
        if (c >= '0' && c <= '9')
            digits += exponent ? 0 : 1;
        else if (c == 'e' || c == 'E')
            exponent = true;
        else if (c != '.' && c != '-' && c != '+')
            break;
    }
    if (digits > 19) {
        const std::from_chars_result result = std::from_chars(raw.data(), raw.data() + end, x);
        require(result.ec == std::errc() && result.ptr == raw.data() + end);
    }
    return x;
}

/// Field::number() of jsonfields.cpp. -0 is refused because nlohmann reads "-0" as the integer 0
/// and simdjson as the double -0.0; the path-naming reader settles it.
double number(od::value value, double min = -1e308, bool exclusive = false)
{
    const double x = readDouble(value);
    require(std::isfinite(x) && std::fabs(x) <= kMaxInputMagnitude);
    require(!(x < min || (exclusive && x == min)));
    require(!(x == 0 && std::signbit(x)));
    return x;
}

double positive(od::value value)
{
    return number(value, 0.0, true);
}
double nonNegative(od::value value)
{
    return number(value, 0.0, false);
}

/// Field::integer(): an integer or an integral float in [min, max].
long long integer(od::value value, long long min, long long max)
{
    const double x = readDouble(value);
    require(std::isfinite(x) && std::trunc(x) == x && x >= static_cast<double>(min) && x <= static_cast<double>(max));
    return static_cast<long long>(x);
}

/// Field::string(). Strings with escapes are left to the other reader, which settles what
/// nlohmann makes of each escape (surrogates above all).
std::string_view string(od::value value, bool allowEmpty)
{
    const std::string_view raw = value.raw_json_token();
    require(raw.find('\\') == std::string_view::npos);
    const std::string_view text = value.get_string();
    require(allowEmpty || !text.empty());
    return text;
}

/// Field::nonNegativeNumbers() without the length, which the caller checks.
void nonNegativeNumbers(od::value value, std::vector<double>& out)
{
    out.clear();
    for (auto element : value.get_array())
        out.push_back(nonNegative(element.value()));
    require(!out.empty());
}

/// Marks key @p bit of an object as seen; a key given twice is left to the other reader (for
/// nlohmann the last one counts).
void see(unsigned& seen, unsigned bit)
{
    require((seen & bit) == 0);
    seen |= bit;
}

struct RawSubtask {
    std::string name;
    bool hasName = false;
    double outputBytes = NAN;
    double flops = NAN;
    std::vector<double> table;
    int forms = 0;
    bool hasAffine = false, hasConstant = false;
    double alpha = NAN, beta = NAN, constant = NAN;
};

struct RawDnn {
    Dnn dnn;
    bool hasName = false;
    std::optional<long long> maxBatch;
    bool hasSubtasks = false;
    std::vector<RawSubtask> subtasks;
};

void readAffine(od::value value, RawSubtask& subtask)
{
    unsigned seen = 0;
    for (auto field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "alpha") {
            see(seen, 1);
            subtask.alpha = nonNegative(field.value());
        } else if (key == "beta") {
            see(seen, 2);
            subtask.beta = nonNegative(field.value());
        } else {
            throw GiveUp{};
        }
    }
    require(seen == 3);
}

RawSubtask readSubtask(od::value value)
{
    RawSubtask subtask;
    unsigned seen = 0;
    for (auto field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "name") {
            see(seen, 1);
            subtask.name = string(field.value(), true);
            subtask.hasName = true;
        } else if (key == "output_bytes") {
            see(seen, 2);
            subtask.outputBytes = nonNegative(field.value());
        } else if (key == "flops") {
            see(seen, 4);
            subtask.flops = nonNegative(field.value());
        } else if (key == "edge_latency_ms") {
            see(seen, 8);
            nonNegativeNumbers(field.value(), subtask.table);
            ++subtask.forms;
        } else if (key == "edge_affine_ms") {
            see(seen, 16);
            readAffine(field.value(), subtask);
            subtask.hasAffine = true;
            ++subtask.forms;
        } else if (key == "edge_constant_ms") {
            see(seen, 32);
            subtask.constant = nonNegative(field.value());
            subtask.hasConstant = true;
            ++subtask.forms;
        } else {
            throw GiveUp{};
        }
    }
    require((seen & 6) == 6 && subtask.forms == 1);
    return subtask;
}

/// readDnn() of scenarioio.cpp for a DNN given by tables or affine curves.
Dnn readDnn(od::value value, const ScenarioLimits& limits)
{
    RawDnn raw;
    unsigned seen = 0;
    for (auto field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "name") {
            see(seen, 1);
            raw.dnn.name = string(field.value(), true);
        } else if (key == "input_bytes") {
            see(seen, 2);
            raw.dnn.inputBytes = nonNegative(field.value());
        } else if (key == "max_batch") {
            see(seen, 4);
            raw.maxBatch = integer(field.value(), 1, limits.maxBatch);
        } else if (key == "subtasks") {
            see(seen, 8);
            for (auto entry : field.value().get_array())
                raw.subtasks.push_back(readSubtask(entry.value()));
        } else {
            throw GiveUp{}; // builtin, description, gpu_profile and unknown fields
        }
    }
    require((seen & 10) == 10);
    if (!(seen & 1))
        raw.dnn.name = "dnn";
    const auto count = static_cast<long long>(raw.subtasks.size());
    require(count > 0 && count <= limits.maxSubtasks);
    std::optional<long long> maxBatch = raw.maxBatch;
    require(!maxBatch || *maxBatch * count <= limits.maxCurveCells);
    for (size_t n = 0; n < raw.subtasks.size(); ++n) {
        RawSubtask& entry = raw.subtasks[n];
        Subtask subtask;
        subtask.name = entry.hasName ? std::move(entry.name) : "s" + std::to_string(n + 1);
        subtask.outputBytes = entry.outputBytes;
        subtask.flops = entry.flops;
        if (!entry.table.empty()) {
            require(!maxBatch || static_cast<long long>(entry.table.size()) == *maxBatch);
            subtask.edgeLatencyMs = std::move(entry.table);
        } else {
            require(maxBatch.has_value());
            const double alpha = entry.hasAffine ? entry.alpha : entry.constant;
            const double beta = entry.hasAffine ? entry.beta : 0.0;
            require(alpha + beta * static_cast<double>(*maxBatch) <= kMaxInputMagnitude); // else the full reader names it
            subtask.edgeLatencyMs.reserve(static_cast<size_t>(*maxBatch));
            for (long long b = 1; b <= *maxBatch; ++b)
                subtask.edgeLatencyMs.push_back(alpha + beta * static_cast<double>(b));
        }
        require(static_cast<long long>(subtask.edgeLatencyMs.size()) <= limits.maxBatch);
        if (!maxBatch) {
            maxBatch = static_cast<long long>(subtask.edgeLatencyMs.size());
            require(*maxBatch * count <= limits.maxCurveCells);
        }
        raw.dnn.subtasks.push_back(std::move(subtask));
    }
    return std::move(raw.dnn);
}

CpuModel readCpu(od::value value)
{
    CpuModel cpu;
    unsigned seen = 0;
    for (auto field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "frequency_ghz") {
            see(seen, 1);
            cpu.frequencyGhz = positive(field.value());
        } else if (key == "cycles_per_flop") {
            see(seen, 2);
            cpu.cyclesPerFlop = positive(field.value());
        } else if (key == "kappa") {
            see(seen, 4);
            cpu.kappa = positive(field.value());
        } else {
            throw GiveUp{};
        }
    }
    require(seen == 7);
    return cpu;
}

std::vector<DeviceClass> readDeviceClasses(od::value value)
{
    std::vector<DeviceClass> classes;
    for (auto entry : value.get_array()) {
        DeviceClass device;
        unsigned seen = 0;
        for (auto field : entry.value().get_object()) {
            const std::string_view key = field.unescaped_key();
            if (key == "name") {
                see(seen, 1);
                device.name = string(field.value(), false);
                require(device.name.size() <= kMaxIdBytes); // the other reader says why
            } else if (key == "cpu") {
                see(seen, 2);
                device.cpu = readCpu(field.value());
            } else if (key == "tx_power_w") {
                see(seen, 4);
                device.txPowerW = positive(field.value());
            } else {
                throw GiveUp{};
            }
        }
        require(seen == 7);
        for (const DeviceClass& other : classes)
            require(other.name != device.name);
        classes.push_back(std::move(device));
    }
    require(!classes.empty());
    return classes;
}

ChannelModel readChannel(od::value value)
{
    ChannelModel channel;
    unsigned seen = 0;
    for (auto field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "bandwidth_mhz") {
            see(seen, 1);
            channel.bandwidthMhz = positive(field.value());
        } else if (key == "noise_dbm_per_hz") {
            see(seen, 2);
            channel.noiseDbmPerHz = number(field.value(), -300.0);
        } else if (key == "path_loss") {
            see(seen, 4);
            unsigned lossSeen = 0;
            for (auto loss : field.value().get_object()) {
                const std::string_view lossKey = loss.unescaped_key();
                if (lossKey == "reference_db") {
                    see(lossSeen, 1);
                    channel.pathLossReferenceDb = number(loss.value());
                } else if (lossKey == "exponent") {
                    see(lossSeen, 2);
                    channel.pathLossExponent = positive(loss.value());
                } else {
                    throw GiveUp{};
                }
            }
            require(lossSeen == 3);
        } else {
            throw GiveUp{};
        }
    }
    require(seen & 1);
    return channel;
}

/// One entry of "users" as read, before the DNN and the device classes (which may come later in
/// the file) check it. Absent numbers are NaN, which no valid number is.
User readUserEntry(od::value value)
{
    User user;
    user.deadlineMs = NAN;
    user.txPowerW = NAN;
    user.uplinkRateMbps = NAN;
    unsigned seen = 0;
    for (auto field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "id") {
            see(seen, 1);
            user.id = string(field.value(), false);
            require(user.id.size() <= kMaxIdBytes); // the other reader says why
        } else if (key == "deadline_ms") {
            see(seen, 2);
            user.deadlineMs = positive(field.value());
        } else if (key == "local_latency_ms") {
            see(seen, 4);
            nonNegativeNumbers(field.value(), user.localLatencyMs);
        } else if (key == "local_energy_mj") {
            see(seen, 8);
            nonNegativeNumbers(field.value(), user.localEnergyMj);
        } else if (key == "uplink_rate_mbps") {
            see(seen, 16);
            user.uplinkRateMbps = positive(field.value());
        } else if (key == "tx_power_w") {
            see(seen, 32);
            user.txPowerW = positive(field.value());
        } else if (key == "device_class") {
            see(seen, 64);
            user.deviceClass = string(field.value(), false);
        } else if (key == "arrival_rate_per_s") {
            see(seen, 128);
            user.arrivalRatePerSecond = nonNegative(field.value());
        } else if (key == "deadline_jitter") {
            see(seen, 256);
            user.deadlineJitter = nonNegative(field.value());
            require(user.deadlineJitter < 1);
        } else {
            throw GiveUp{}; // cpu, distance_m, channel_gain and unknown fields
        }
    }
    // id, deadline, both local tables and the rate: the users this reader takes state them all.
    require((seen & 31) == 31);
    return user;
}

Scenario readRoot(od::document& document, const ScenarioLimits& limits)
{
    Scenario scenario;
    unsigned seen = 0;
    for (auto field : document.get_object()) {
        const std::string_view key = field.unescaped_key();
        if (key == "format") {
            see(seen, 1);
            require(string(field.value(), true) == "coinfer-scenario");
        } else if (key == "version") {
            see(seen, 2);
            require(integer(field.value(), 0, 1'000'000) == 1);
        } else if (key == "name") {
            see(seen, 4);
            scenario.name = string(field.value(), true);
        } else if (key == "description") {
            see(seen, 8);
            (void)string(field.value(), true); // a string is validated here; other values are left to the other reader
        } else if (key == "dnn") {
            see(seen, 16);
            scenario.dnn = readDnn(field.value(), limits);
        } else if (key == "device_classes") {
            see(seen, 32);
            scenario.deviceClasses = readDeviceClasses(field.value());
        } else if (key == "channel") {
            see(seen, 64);
            scenario.channel = readChannel(field.value());
            scenario.hasChannel = true;
        } else if (key == "users") {
            see(seen, 128);
            for (auto entry : field.value().get_array()) {
                scenario.users.push_back(readUserEntry(entry.value()));
                require(static_cast<long long>(scenario.users.size()) <= limits.maxUsers);
            }
        } else {
            throw GiveUp{}; // population, online and unknown fields
        }
    }
    require((seen & (1 | 2 | 16 | 128)) == (1 | 2 | 16 | 128));
    // Nothing may follow the root value.
    const char* after = nullptr;
    require(document.current_location().get(after) != simdjson::SUCCESS);

    const long long n = scenario.dnn.subtaskCount();
    const auto count = static_cast<long long>(scenario.users.size());
    require(count > 0 && count * (n + 1) <= limits.maxTableCells);
    std::unordered_set<std::string_view> ids;
    ids.reserve(scenario.users.size());
    for (User& user : scenario.users) {
        require(static_cast<long long>(user.localLatencyMs.size()) == n &&
                static_cast<long long>(user.localEnergyMj.size()) == n);
        const DeviceClass* device = nullptr;
        if (!user.deviceClass.empty()) {
            for (const DeviceClass& candidate : scenario.deviceClasses)
                if (candidate.name == user.deviceClass)
                    device = &candidate;
            require(device != nullptr);
        }
        if (std::isnan(user.txPowerW)) {
            require(device != nullptr);
            user.txPowerW = device->txPowerW;
        }
        require(unrepresentable(user, scenario.dnn).empty());
        require(ids.insert(user.id).second);
    }
    return scenario;
}

} // namespace

bool haveFastScenarioReader()
{
    return true;
}

std::optional<Scenario> readTableScenarioFast(const char* text, std::size_t size, const ScenarioLimits& limits)
{
    try {
        od::parser parser;
        od::document document = parser.iterate(simdjson::padded_string_view(text, size, size + kFastReaderPadding));
        return readRoot(document, limits);
    } catch (const GiveUp&) {
        return std::nullopt;
    } catch (const simdjson::simdjson_error&) {
        return std::nullopt;
    } catch (const std::bad_alloc&) {
        return std::nullopt; // the other reader says so, or runs in what is left
    }
}

} // namespace coinfer::detail

#else // no simdjson: every scenario goes to the path-naming reader

namespace coinfer::detail {

bool haveFastScenarioReader()
{
    return false;
}

std::optional<Scenario> readTableScenarioFast(const char*, std::size_t, const ScenarioLimits&)
{
    return std::nullopt;
}

} // namespace coinfer::detail

#endif
