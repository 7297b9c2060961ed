#include "core/util/random.h"

#include <algorithm>
#include <cstddef>

namespace coinfer {

std::uint64_t SeededRandom::next()
{
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double SeededRandom::draw(const Distribution& distribution)
{
    if (!distribution.choices.empty()) {
        const auto index = static_cast<size_t>(uniform() * static_cast<double>(distribution.choices.size()));
        return distribution.choices[std::min(index, distribution.choices.size() - 1)];
    }
    return distribution.min + (distribution.max - distribution.min) * uniform();
}

} // namespace coinfer
