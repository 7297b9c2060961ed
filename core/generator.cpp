#include "core/generator.h"

#include <algorithm>
#include <cmath>

namespace coinfer {

void applyCpuModel(const CpuModel& cpu, const Dnn& dnn, User& user)
{
    user.localLatencyMs.clear();
    user.localEnergyMj.clear();
    const double hz = cpu.frequencyGhz * 1e9;
    for (const Subtask& subtask : dnn.subtasks) {
        const double cycles = subtask.flops * cpu.cyclesPerFlop;
        user.localLatencyMs.push_back(cycles / hz * 1e3);
        user.localEnergyMj.push_back(cpu.kappa * hz * hz * cycles * 1e3);
    }
}

double shannonRateMbps(const ChannelModel& channel, double txPowerW, double gain)
{
    const double bandwidthHz = channel.bandwidthMhz * 1e6;
    const double noiseWPerHz = std::pow(10.0, (channel.noiseDbmPerHz - 30.0) / 10.0);
    const double snr = txPowerW * gain / (noiseWPerHz * bandwidthHz);
    return bandwidthHz * std::log2(1.0 + snr) / 1e6;
}

double pathGain(const ChannelModel& channel, double distanceM)
{
    const double lossDb = channel.pathLossReferenceDb + 10.0 * channel.pathLossExponent * std::log10(distanceM / 1000.0);
    return std::pow(10.0, -lossDb / 10.0);
}

std::uint64_t SeededRandom::next()
{
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double SeededRandom::draw(const Distribution& distribution)
{
    if (!distribution.choices.empty()) {
        const auto index = static_cast<size_t>(uniform() * static_cast<double>(distribution.choices.size()));
        return distribution.choices[std::min(index, distribution.choices.size() - 1)];
    }
    return distribution.min + (distribution.max - distribution.min) * uniform();
}

void generatePopulation(const PopulationSpec& spec, const std::vector<DeviceClass>& classes,
                        const ChannelModel* channel, const Dnn& dnn, std::vector<User>& users)
{
    SeededRandom random(spec.seed);
    double totalWeight = 0;
    for (const auto& entry : spec.deviceMix)
        totalWeight += entry.second;
    for (long long i = 0; i < spec.count; ++i) {
        double pick = random.uniform() * totalWeight;
        size_t chosen = 0;
        while (chosen + 1 < spec.deviceMix.size() && pick >= spec.deviceMix[chosen].second) {
            pick -= spec.deviceMix[chosen].second;
            ++chosen;
        }
        const std::string& className = spec.deviceMix[chosen].first;
        const DeviceClass& device = *std::find_if(classes.begin(), classes.end(),
                                                  [&](const DeviceClass& c) { return c.name == className; });
        User user;
        user.id = spec.idPrefix + std::to_string(i + 1);
        user.deviceClass = device.name;
        user.deadlineMs = random.draw(spec.deadlineMs);
        user.txPowerW = device.txPowerW;
        applyCpuModel(device.cpu, dnn, user);
        user.uplinkRateMbps = spec.byDistance
            ? shannonRateMbps(*channel, user.txPowerW, pathGain(*channel, random.draw(spec.distanceM)))
            : random.draw(spec.uplinkRateMbps);
        users.push_back(std::move(user));
    }
}

Expected<Scenario> replaceDnn(const Scenario& scenario, const Dnn& dnn)
{
    Scenario result = scenario;
    result.dnn = dnn;
    for (User& user : result.users) {
        auto device = std::find_if(scenario.deviceClasses.begin(), scenario.deviceClasses.end(),
                                   [&](const DeviceClass& c) { return c.name == user.deviceClass; });
        if (device == scenario.deviceClasses.end())
            return Error{ErrorCode::BadInput, "user '" + user.id + "' has no device class in this scenario, so its local latency and "
                                                  "energy for DNN '" + dnn.name + "' are unknown"};
        applyCpuModel(device->cpu, dnn, user);
    }
    return result;
}

std::vector<double> affineCurve(double alphaMs, double betaMs, int maxBatch)
{
    std::vector<double> curve;
    for (int b = 1; b <= maxBatch; ++b)
        curve.push_back(alphaMs + betaMs * b);
    return curve;
}

} // namespace coinfer
