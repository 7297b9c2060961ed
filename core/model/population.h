#pragma once
// Seeded populations: the "population" block of a scenario file expanded into users, and a
// scenario re-targeted to another DNN. The device models they use are in devicemodels.h.

#include "core/util/expected.h"
#include "core/model/scenario.h"
#include "core/util/random.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace coinfer {

/// A seeded population: the generator of a "population" block of a scenario file.
struct PopulationSpec {
    long long count = 0;
    std::uint64_t seed = 0;
    std::string idPrefix = "u";
    std::vector<std::pair<std::string, double>> deviceMix; ///< class name, weight
    Distribution deadlineMs;
    bool byDistance = true; ///< distance_m drawn (needs a channel), else uplink_rate_mbps
    Distribution distanceM;
    Distribution uplinkRateMbps;
};

/// Expands a population into users, appended to @p users. Classes must all be in @p classes
/// and the channel must be set when the spec draws distances. O(count * N).
void generatePopulation(const PopulationSpec& spec, const std::vector<DeviceClass>& classes, const ChannelModel* channel,
                        const Dnn& dnn, std::vector<User>& users);

/// The scenario with another DNN: every user's local tables are recomputed from its device
/// class. Fails, naming the user, when a user has no device class in the scenario. O(M * N).
Expected<Scenario> replaceDnn(const Scenario& scenario, const Dnn& dnn);

} // namespace coinfer
