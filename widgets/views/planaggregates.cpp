#include "widgets/views/planaggregates.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <map>
#include <numeric>
#include <utility>

namespace coinfer {
namespace {

void addUser(EnergyClass& group, const UserEnergy& energy)
{
    ++group.users;
    group.computingMj += energy.computingMj;
    group.uploadingMj += energy.uploadingMj;
    group.localMj += energy.localMj;
}

std::string millisecondsText(double ms)
{
    // Deadlines are whole milliseconds in practice; one decimal keeps close bands apart.
    const double rounded = std::round(ms * 10) / 10;
    std::string text = std::to_string(rounded);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.')
        text.pop_back();
    return text;
}

} // namespace

std::vector<UserEnergy> userEnergies(const Scenario& scenario, const Plan& plan)
{
    std::vector<UserEnergy> energies(plan.users.size());
    for (size_t m = 0; m < plan.users.size() && m < scenario.users.size(); ++m) {
        const std::vector<double>& local = scenario.users[m].localEnergyMj;
        const int partition = std::clamp(plan.users[m].partition, 0, static_cast<int>(local.size()));
        energies[m].computingMj = std::accumulate(local.begin(), local.begin() + partition, 0.0);
        energies[m].uploadingMj = plan.users[m].energyMj - energies[m].computingMj;
        energies[m].localMj = std::accumulate(local.begin(), local.end(), 0.0);
    }
    return energies;
}

SavingRanking rankBySaving(const std::vector<UserEnergy>& energies)
{
    const int count = static_cast<int>(energies.size());
    SavingRanking ranking;
    ranking.userAtRank.resize(static_cast<size_t>(count));
    std::iota(ranking.userAtRank.begin(), ranking.userAtRank.end(), 0);
    std::vector<double> saving(static_cast<size_t>(count));
    for (int m = 0; m < count; ++m)
        saving[static_cast<size_t>(m)] = energies[static_cast<size_t>(m)].savingMj();
    std::stable_sort(ranking.userAtRank.begin(), ranking.userAtRank.end(),
                     [&saving](int a, int b) { return saving[static_cast<size_t>(a)] < saving[static_cast<size_t>(b)]; });
    ranking.rankOfUser.resize(static_cast<size_t>(count));
    ranking.savingMj.resize(static_cast<size_t>(count));
    for (int rank = 0; rank < count; ++rank) {
        const int user = ranking.userAtRank[static_cast<size_t>(rank)];
        ranking.rankOfUser[static_cast<size_t>(user)] = rank;
        ranking.savingMj[static_cast<size_t>(rank)] = saving[static_cast<size_t>(user)];
    }
    return ranking;
}

std::vector<EnergyClass> energyByDeadline(const Scenario& scenario, const std::vector<UserEnergy>& energies,
                                          std::vector<int>& classOfUser, int maxClasses)
{
    const size_t count = std::min(energies.size(), scenario.users.size());
    classOfUser.assign(count, 0);
    if (count == 0)
        return {};
    std::map<double, int> values; // deadline -> users
    for (size_t m = 0; m < count; ++m)
        ++values[scenario.users[m].deadlineMs];
    std::vector<EnergyClass> classes;
    if (static_cast<int>(values.size()) <= maxClasses) {
        std::map<double, int> indexOf;
        for (const auto& [deadline, users] : values) {
            indexOf[deadline] = static_cast<int>(classes.size());
            classes.push_back({.label = millisecondsText(deadline) + " ms"});
        }
        for (size_t m = 0; m < count; ++m) {
            classOfUser[m] = indexOf[scenario.users[m].deadlineMs];
            addUser(classes[static_cast<size_t>(classOfUser[m])], energies[m]);
        }
        return classes;
    }
    const double lowest = values.begin()->first, highest = values.rbegin()->first;
    const double bandMs = (highest - lowest) / maxClasses;
    std::vector<EnergyClass> bands(static_cast<size_t>(maxClasses));
    std::vector<int> bandOfUser(count);
    for (size_t m = 0; m < count; ++m) {
        const int band = std::min(maxClasses - 1, static_cast<int>((scenario.users[m].deadlineMs - lowest) / bandMs));
        bandOfUser[m] = band;
        addUser(bands[static_cast<size_t>(band)], energies[m]);
    }
    std::vector<int> indexOfBand(static_cast<size_t>(maxClasses), -1);
    for (int band = 0; band < maxClasses; ++band) {
        EnergyClass& group = bands[static_cast<size_t>(band)];
        if (group.users == 0)
            continue;
        group.label = millisecondsText(lowest + band * bandMs) + "-" + millisecondsText(lowest + (band + 1) * bandMs) + " ms";
        indexOfBand[static_cast<size_t>(band)] = static_cast<int>(classes.size());
        classes.push_back(group);
    }
    for (size_t m = 0; m < count; ++m)
        classOfUser[m] = indexOfBand[static_cast<size_t>(bandOfUser[m])];
    return classes;
}

std::vector<EnergyClass> energyByDeviceClass(const Scenario& scenario, const std::vector<UserEnergy>& energies,
                                             std::vector<int>& classOfUser, int maxClasses)
{
    const size_t count = std::min(energies.size(), scenario.users.size());
    classOfUser.assign(count, 0);
    std::map<std::string, EnergyClass> byName;
    for (size_t m = 0; m < count; ++m) {
        const std::string& name = scenario.users[m].deviceClass.empty() ? std::string("unnamed") : scenario.users[m].deviceClass;
        EnergyClass& group = byName[name];
        group.label = name;
        addUser(group, energies[m]);
    }
    // The largest classes keep their names; the rest share "other".
    std::vector<EnergyClass> classes;
    for (auto& [name, group] : byName)
        classes.push_back(group);
    std::map<std::string, int> indexOf;
    if (static_cast<int>(classes.size()) > maxClasses) {
        std::stable_sort(classes.begin(), classes.end(),
                         [](const EnergyClass& a, const EnergyClass& b) { return a.users > b.users; });
        EnergyClass other{.label = "other"};
        for (size_t i = static_cast<size_t>(maxClasses - 1); i < classes.size(); ++i) {
            other.users += classes[i].users;
            other.computingMj += classes[i].computingMj;
            other.uploadingMj += classes[i].uploadingMj;
            other.localMj += classes[i].localMj;
            indexOf[classes[i].label] = maxClasses - 1;
        }
        classes.resize(static_cast<size_t>(maxClasses - 1));
        classes.push_back(other);
    }
    for (size_t i = 0; i < classes.size(); ++i)
        indexOf.emplace(classes[i].label, static_cast<int>(i));
    for (size_t m = 0; m < count; ++m)
        classOfUser[m] = indexOf[scenario.users[m].deviceClass.empty() ? std::string("unnamed") : scenario.users[m].deviceClass];
    return classes;
}

GpuUtilisation gpuUtilisation(const Plan& plan, int binCount)
{
    GpuUtilisation utilisation;
    double endMs = 0;
    for (const TimedBatch& batch : plan.batches) {
        endMs = std::max(endMs, batch.endMs);
        utilisation.batchStartMs.push_back(batch.startMs);
        utilisation.batchSize.push_back(static_cast<int>(batch.users.size()));
    }
    if (endMs <= 0 || binCount <= 0)
        return utilisation;
    utilisation.binMs = endMs / binCount;
    utilisation.busyFraction.assign(static_cast<size_t>(binCount), 0.0);
    for (const TimedBatch& batch : plan.batches) {
        // Each batch adds its overlap with every bin it touches.
        const int first = std::clamp(static_cast<int>(batch.startMs / utilisation.binMs), 0, binCount - 1);
        const int last = std::clamp(static_cast<int>(batch.endMs / utilisation.binMs), 0, binCount - 1);
        for (int bin = first; bin <= last; ++bin) {
            const double binStart = bin * utilisation.binMs, binEnd = binStart + utilisation.binMs;
            const double overlap = std::min(batch.endMs, binEnd) - std::max(batch.startMs, binStart);
            if (overlap > 0)
                utilisation.busyFraction[static_cast<size_t>(bin)] += overlap / utilisation.binMs;
        }
    }
    for (double& fraction : utilisation.busyFraction)
        fraction = std::min(1.0, fraction);
    return utilisation;
}

} // namespace coinfer
