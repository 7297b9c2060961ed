#pragma once
// The device and channel models that turn a device class and a distance into the normalised
// per-user tables of docs/formats.md#the-model. Parameter sources are cited in docs/parameters.md.

#include "core/model/scenario.h"

#include <vector>

namespace coinfer {

/// Fills localLatencyMs and localEnergyMj of @p user from the CPU model and the DNN's FLOPs. O(N).
void applyCpuModel(const CpuModel& cpu, const Dnn& dnn, User& user);

/// r = B log2(1 + P h / (N0 B)) in Mbps, for linear channel gain h. O(1).
double shannonRateMbps(const ChannelModel& channel, double txPowerW, double gain);

/// Linear channel gain at @p distanceM from the path-loss model. O(1).
double pathGain(const ChannelModel& channel, double distanceM);

/// tau(b) = alphaMs + betaMs * b for b = 1..maxBatch. O(maxBatch).
std::vector<double> affineCurve(double alphaMs, double betaMs, int maxBatch);

} // namespace coinfer
