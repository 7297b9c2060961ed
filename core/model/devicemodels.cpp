#include "core/model/devicemodels.h"

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

std::vector<double> affineCurve(double alphaMs, double betaMs, int maxBatch)
{
    std::vector<double> curve;
    for (int b = 1; b <= maxBatch; ++b)
        curve.push_back(alphaMs + betaMs * b);
    return curve;
}

} // namespace coinfer
