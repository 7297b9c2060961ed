#pragma once
// Seeded random scenarios for tests, benchmarks and "what if" sweeps.

#include "core/scenario.h"

#include <cstdint>

namespace coinfer {

/// Shape of a random scenario.
struct RandomScenarioSpec {
    int users = 4;
    int subtasks = 3;
    int maxBatch = 8;
    bool equalDeadlines = false;
    bool constantEdge = true;  ///< tau_n(b) = tau_n(1); otherwise affine, growing with b
    double tightness = 1.0;    ///< < 1 draws tighter deadlines (more infeasible options)
    bool localAlwaysFeasible = false; ///< deadlines no shorter than each user's local time
    double edgeScale = 1.0;     ///< multiplies every edge latency (long rounds push each other)
    double deadlineSpread = 1.0; ///< deadlines vary by a factor in [1 - s/2, 1 + s/2] around a reference
};

/// A scenario with random sizes, workloads, rates and deadlines, the same for the same seed on
/// every platform. O(M*N).
Scenario makeRandomScenario(std::uint64_t seed, const RandomScenarioSpec& spec);

} // namespace coinfer
