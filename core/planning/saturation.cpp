#include "core/planning/saturation.h"

#include "core/planning/lowerbound.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace coinfer {

GpuSaturation gpuSaturation(const CostModel& model, const StopAsked& stopped)
{
    GpuSaturation saturation;
    saturation.localEnergyMj = model.localEnergyMj();
    saturation.aloneBoundMj = model.aloneLowerBoundMj();
    // The capacity bound fails the same way as the alone bound (a user with no option), so it is
    // worth computing only when the alone bound is finite.
    saturation.capacityBoundMj = std::isfinite(saturation.aloneBoundMj)
                                     ? std::max(saturation.aloneBoundMj, capacityLowerBoundMj(model, stopped))
                                     : std::numeric_limits<double>::infinity();
    const double local = saturation.localEnergyMj;
    const double alone = saturation.aloneBoundMj;
    const double capacity = saturation.capacityBoundMj;
    if (!(local > 0) || !std::isfinite(alone) || !std::isfinite(capacity)) {
        saturation.maxSavingPercent = saturation.aloneSavingPercent = std::numeric_limits<double>::quiet_NaN();
        return saturation;
    }
    saturation.maxSavingPercent = 100.0 * (local - capacity) / local;
    saturation.aloneSavingPercent = 100.0 * (local - alone) / local;
    // A saving of a millionth of the local energy is rounding, not something the GPU could take.
    const double allowedMj = local - alone;
    saturation.saturated = allowedMj > 1e-6 * local && capacity - alone >= kGpuSaturatedShare * allowedMj;
    return saturation;
}

std::string formatSavingCap(double percent)
{
    // 1e-9 keeps an exact 2.91 at 2.91 despite the binary fraction below it.
    const double roundedUp = std::ceil(percent * 100.0 - 1e-9) / 100.0;
    char text[64];
    std::snprintf(text, sizeof text, "%.2f%%", roundedUp > 0 ? roundedUp : 0.0);
    return text;
}

std::string describeGpuSaturation(const GpuSaturation& saturation)
{
    if (!saturation.saturated)
        return {};
    return "the GPU is saturated: no plan can save more than " + formatSavingCap(saturation.maxSavingPercent) +
           " of the local energy (" + formatSavingCap(saturation.aloneSavingPercent) + " if each user had the GPU to itself)";
}

} // namespace coinfer
