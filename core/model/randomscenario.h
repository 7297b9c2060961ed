#pragma once
// Seeded random scenarios for tests, benchmarks and "what if" sweeps.

#include "core/model/scenario.h"

#include <cstdint>
#include <optional>

namespace coinfer {

/// How tau_n(b) grows with the batch size b in a random scenario (alpha = tau_n(1)).
enum class EdgeShape {
    Constant,  ///< alpha
    Affine,    ///< alpha + beta (b - 1)
    Sqrt,      ///< alpha + 3 beta (sqrt(b) - 1): concave, cheap large batches
    Quadratic, ///< alpha + beta (b - 1)^2 / 4: convex, large batches expensive
    Step,      ///< alpha (1 + floor((b - 1) / 4) / 2): jumps every 4 members
    Knee,      ///< alpha up to b = 4, then + 2 beta per member
    Noisy,     ///< affine times a factor in [0.85, 1.15] per b: not monotone
};

/// Shape of a random scenario.
struct RandomScenarioSpec {
    int users = 4;
    int subtasks = 3;
    int maxBatch = 8;
    bool equalDeadlines = false;
    bool constantEdge = true;         ///< tau_n(b) = tau_n(1); otherwise affine, growing with b
    double tightness = 1.0;           ///< < 1 draws tighter deadlines (more infeasible options)
    bool localAlwaysFeasible = false; ///< deadlines no shorter than each user's local time
    double edgeScale = 1.0;           ///< multiplies every edge latency (long rounds push each other)
    double deadlineSpread = 1.0;      ///< deadlines vary by a factor in [1 - s/2, 1 + s/2] around a reference
    /// Overrides constantEdge when set (constantEdge alone keeps the draws of older seeds).
    std::optional<EdgeShape> edgeShape = std::nullopt;
    /// Deadlines take one of two values (1 +- s/4 times the common one): many ties.
    bool deadlineTies = false;
};

/// A scenario with random sizes, workloads, rates and deadlines, the same for the same seed on
/// every platform. O(M*N).
Scenario makeRandomScenario(std::uint64_t seed, const RandomScenarioSpec& spec);

} // namespace coinfer
