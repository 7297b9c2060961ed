#pragma once
// Whether the GPU's capacity, rather than the devices and the deadlines, is what caps the energy
// any plan can save, and how much at most (docs/algorithms.md section 8, "When the GPU is the
// limit"). One criterion for the command line and the app, so that they cannot disagree.

#include "core/model/costmodel.h"
#include "core/planning/lowerbound.h"

#include <string>

namespace coinfer {

/// A plan's saving is capped by the GPU when its capacity takes at least this share of the
/// saving that the devices and deadlines alone would allow: then the GPU, not the users' own
/// options, is the main limit. Half, so that "saturated" is said only where sharing the GPU
/// costs more of the possible saving than it leaves.
inline constexpr double kGpuSaturatedShare = 0.5;

/// The two proven bounds on every feasible plan's energy, against computing locally.
struct GpuSaturation {
    double localEnergyMj = 0; ///< sum_m E_m(N): the reference that "saving" is measured from
    /// Each user's cheapest option it could meet alone with the GPU to itself
    /// (CostModel::aloneLowerBoundMj): the limit that the devices and deadlines set.
    double aloneBoundMj = 0;
    /// The alone bound with the GPU's time shared by every user (capacityLowerBoundMj); never
    /// below aloneBoundMj.
    double capacityBoundMj = 0;
    /// 100 (local - capacity) / local: no feasible plan saves more. NaN when local is 0 or a
    /// bound is infinite (no feasible plan).
    double maxSavingPercent = 0;
    /// 100 (local - alone) / local: what the devices and deadlines would allow on a GPU per user.
    double aloneSavingPercent = 0;
    /// True when the capacity bound takes at least kGpuSaturatedShare of the saving that the
    /// alone bound allows: capacity - alone >= kGpuSaturatedShare * (local - alone), with
    /// local - alone above rounding noise. False when no plan is feasible (that is said
    /// elsewhere) or when nothing can be saved even alone.
    bool saturated = false;
};

/// Evaluates the criterion on @p model. Costs one capacityLowerBoundMj and one
/// aloneLowerBoundMj: O(16 * 48 * M * N + M * N^2). Never fails; infinite bounds (some user
/// cannot meet its deadline at all) give saturated = false. A stop (@p stopped, as for
/// capacityLowerBoundMj) leaves a weaker capacity bound: the cap it states stays proven, and
/// "saturated" is said only where that bound shows it.
GpuSaturation gpuSaturation(const CostModel& model, const StopAsked& stopped = {});

/// The percentage as the sentence writes it: two decimals rounded up, so that the stated cap is
/// never below the true one (a plan shown beside it with two decimals never appears to save
/// more). O(1).
std::string formatSavingCap(double percent);

/// One sentence for people when @p saturation.saturated, empty otherwise:
/// "the GPU is saturated: no plan can save more than 2.91% of the local energy (62.15% if each
/// user had the GPU to itself)". Lower case and without a full stop, as the command line prints
/// it; the app capitalises it. O(1).
std::string describeGpuSaturation(const GpuSaturation& saturation);

} // namespace coinfer
