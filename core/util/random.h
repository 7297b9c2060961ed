#pragma once
// The project's one seeded random generator: every seeded population, trace and network
// initialisation draws from it, so its output is pinned by a test (tests/core/test_random.cpp).

#include <cstdint>
#include <vector>

namespace coinfer {

/// A uniform range [min, max], or a set of equally likely choices when choices is not empty.
struct Distribution {
    double min = 0, max = 0;
    std::vector<double> choices;
};

/// Small, portable, seeded generator (SplitMix64): the same seed gives the same numbers on
/// every platform, unlike the standard library's distributions.
class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) { }
    /// The next 64 random bits. O(1).
    std::uint64_t next();
    /// Uniform in [0, 1). O(1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// One draw from @p distribution. O(1).
    double draw(const Distribution& distribution);

private:
    std::uint64_t m_state;
};

} // namespace coinfer
