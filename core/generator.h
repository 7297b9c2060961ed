#pragma once
// Device, channel and population models that expand the richer scenario forms into the
// normalised tables of SPEC section 1. Parameter sources are cited in docs/parameters.md.

#include "core/expected.h"
#include "core/scenario.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coinfer {

/// Fills localLatencyMs and localEnergyMj of @p user from the CPU model and the DNN's FLOPs. O(N).
void applyCpuModel(const CpuModel& cpu, const Dnn& dnn, User& user);

/// r = B log2(1 + P h / (N0 B)) in Mbps, for linear channel gain h. O(1).
double shannonRateMbps(const ChannelModel& channel, double txPowerW, double gain);

/// Linear channel gain at @p distanceM from the path-loss model. O(1).
double pathGain(const ChannelModel& channel, double distanceM);

/// A uniform range [min, max], or a set of choices when choices is not empty.
struct Distribution {
    double min = 0, max = 0;
    std::vector<double> choices;
};

/// A seeded population: the generator of a "population" block of a scenario file.
struct PopulationSpec {
    long long count = 0;
    std::uint64_t seed = 0;
    std::string idPrefix = "u";
    std::vector<std::pair<std::string, double>> deviceMix; ///< class name, weight
    Distribution deadlineMs;
    bool byDistance = true;        ///< distance_m drawn (needs a channel), else uplink_rate_mbps
    Distribution distanceM;
    Distribution uplinkRateMbps;
};

/// Small, portable, seeded generator (SplitMix64): the same seed gives the same users on
/// every platform, unlike the standard library's distributions.
class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next();
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double draw(const Distribution& distribution);

private:
    std::uint64_t m_state;
};

/// Expands a population into users, appended to @p users. Classes must all be in @p classes
/// and the channel must be set when the spec draws distances. O(count * N).
void generatePopulation(const PopulationSpec& spec, const std::vector<DeviceClass>& classes,
                        const ChannelModel* channel, const Dnn& dnn, std::vector<User>& users);

/// The scenario with another DNN: every user's local tables are recomputed from its device
/// class. Fails, naming the user, when a user has no device class in the scenario. O(M * N).
Expected<Scenario> replaceDnn(const Scenario& scenario, const Dnn& dnn);

/// tau(b) = alphaMs + betaMs * b for b = 1..maxBatch.
std::vector<double> affineCurve(double alphaMs, double betaMs, int maxBatch);

} // namespace coinfer
