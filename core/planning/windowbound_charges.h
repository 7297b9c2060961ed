#pragma once
// Internal to the window bound: the windows and the users' options that windowbound.cpp builds,
// and the charges above h that the arrivals of a window's members certify, which
// windowbound_charges.cpp computes (docs/algorithms.md section 8).

#include "core/model/costmodel.h"
#include "core/planning/windowbound.h"

#include <cstddef>
#include <utility>
#include <vector>

namespace coinfer {
namespace windowbound_detail {

/// Two copies of every window: one charged by h and the arrival-aware charges, one by h and the
/// start-certified charges.
constexpr size_t kLayers = 2;

/// The windows [s_i, t_j]: S starts and T ends, ascending, and the length of each (cell i*T + j).
struct WindowGrid {
    std::vector<double> startMs, endMs;
    std::vector<double> capacityMs;
    size_t cells() const { return capacityMs.size(); }
};

/// Every user's options, flattened: energy, arrival A_m(p) (+inf for local computing), deadline,
/// partition, owner, occupancy h_p(T_m - A_m(p)) and the cell of the innermost window that holds
/// it (the largest start <= A_m(p), the least end >= T_m), -1 for none (local computing, or a
/// deadline past every end).
struct OptionTable {
    std::vector<size_t> userBegin; // M + 1 offsets
    std::vector<double> energyMj, arrivalMs, deadlineMs, occupancyMs;
    std::vector<int> partition, owner, cell;
};

/// Per option, what the arrival-aware charge adds to h in the windows where it is larger:
/// (window, extra occupancy) pairs, option by option.
struct Refinement {
    std::vector<size_t> begin; // options + 1 offsets into entries
    std::vector<std::pair<size_t, double>> entries;
};

/// The arrival-aware charges of every window, by option; at most options.maxRefinements pairs
/// (the windows after that keep h alone). O(windows * (N * frontPoints * B_max log + options)).
Refinement refineByArrivals(const CostModel& model, const WindowGrid& grid, const OptionTable& table,
                            const WindowBoundOptions& options);

} // namespace windowbound_detail
} // namespace coinfer
