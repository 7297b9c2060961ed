#include "core/model/population.h"

#include "core/model/devicemodels.h"

#include <algorithm>
#include <cstddef>

namespace coinfer {

void generatePopulation(const PopulationSpec& spec, const std::vector<DeviceClass>& classes, const ChannelModel* channel,
                        const Dnn& dnn, std::vector<User>& users)
{
    SeededRandom random(spec.seed);
    double totalWeight = 0;
    for (const auto& entry : spec.deviceMix)
        totalWeight += entry.second;
    users.reserve(users.size() + static_cast<size_t>(spec.count));
    for (long long i = 0; i < spec.count; ++i) {
        double pick = random.uniform() * totalWeight;
        size_t chosen = 0;
        while (chosen + 1 < spec.deviceMix.size() && pick >= spec.deviceMix[chosen].second) {
            pick -= spec.deviceMix[chosen].second;
            ++chosen;
        }
        const std::string& className = spec.deviceMix[chosen].first;
        const DeviceClass& device =
            *std::find_if(classes.begin(), classes.end(), [&](const DeviceClass& c) { return c.name == className; });
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
            return Unexpected(Error{ErrorCode::BadInput, "user '" + user.id +
                                                             "' has no device class in this scenario, so its local latency and "
                                                             "energy for DNN '" +
                                                             dnn.name + "' are unknown"});
        applyCpuModel(device->cpu, dnn, user);
    }
    return result;
}

} // namespace coinfer
