#pragma once
// A scenario file read again with a few of its generating quantities changed: the population's
// size and seed, the devices' transmit power, the channel's bandwidth. What-if sweeps
// (core/sweep) use it where a change must go through the file's own form, so that every
// quantity derived from the changed one (users drawn, Shannon rates) follows as the file says.

#include "core/io/scenarioio.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coinfer {

/// What a scenario file says about its "population" block.
struct PopulationFacts {
    bool present = false;   ///< the file has a "population" block
    long long count = 0;    ///< population.count (0 when absent)
    std::uint64_t seed = 0; ///< population.seed (0 when absent)
};

/// The population block of a scenario file that parseScenario() accepts. O(size).
/// Fails (ErrorCode::BadInput, naming @p sourceName) when @p text is not JSON.
Expected<PopulationFacts> readPopulationFacts(std::string_view text, const std::string& sourceName);

/// Changes made to a scenario file's form before it is read.
struct ScenarioFileEdits {
    std::optional<long long> populationCount;    ///< population.count; needs a population block
    std::optional<std::uint64_t> populationSeed; ///< population.seed; needs a population block
    /// Multiplies every tx_power_w of the file (device classes and users); users whose rate
    /// comes from the channel get the Shannon rate of the new power.
    double txPowerScale = 1;
    /// channel.bandwidth_mhz; needs a channel block. Users whose rate comes from the channel
    /// (distance_m, channel_gain, populations drawn by distance) get the Shannon rate of the new
    /// bandwidth; users with a stated uplink_rate_mbps keep it.
    std::optional<double> bandwidthMhz;

    /// Whether the edits change nothing.
    bool empty() const { return !populationCount && !populationSeed && txPowerScale == 1 && !bandwidthMhz; }
};

/// The text of the scenario file @p text with @p edits made to its form (compact JSON; the file
/// itself when @p edits is empty), for a caller that keeps the edited file as the base of further
/// edits. Fails (ErrorCode::BadInput, naming @p sourceName) when @p text is not JSON or an edit
/// needs a block the file lacks; the edited values are checked when the text is parsed. O(size).
Expected<std::string> editScenarioText(std::string_view text, const std::string& sourceName, const ScenarioFileEdits& edits);

/// parseScenario() of @p text with @p edits made to its form first: the scenario that the file
/// with those fields changed would give, with the same messages (naming @p sourceName) for a
/// value the edit makes invalid. Relative file names resolve against @p sourceName as in
/// parseScenario(). O(size + M*N). Thread-safe (no shared state).
Expected<Scenario> parseEditedScenario(std::string_view text, const std::string& sourceName, const ScenarioFileEdits& edits,
                                       const ScenarioLimits& limits = {});

} // namespace coinfer
