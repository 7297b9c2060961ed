#pragma once
// Seeded random families of small planning instances, shared by the quality tests of best and
// the measurement program bench/best_quality (so the closing figures and the tests agree).

#include "core/model/randomscenario.h"

#include <string>
#include <vector>

namespace coinfer::families {

/// One family: a name and the spec of its i-th instance (sizes cycle with i).
struct Family {
    std::string name;
    RandomScenarioSpec (*spec)(int index);
};

/// Equal and different deadlines; constant, affine, square-root, quadratic, step, knee and
/// noisy curves; B_max below M; deadline ties; tight deadlines; a slow GPU (10 to 100 times the
/// usual edge latency). Instances have 3 to 8 users and 1 to 5 sub-tasks.
const std::vector<Family>& all();

/// The seed of instance @p index of family @p familyIndex (distinct across families).
std::uint64_t seedOf(size_t familyIndex, int index);

} // namespace coinfer::families
