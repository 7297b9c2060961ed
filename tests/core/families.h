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

/// Medium instances, where exhaustive search no longer reaches: 10 to 40 users and 2 to 6
/// sub-tasks, one family per curve shape, B_max an eighth to a half of M, deadline ties on every
/// third instance and a GPU 3 to 20 times slower than the generator's default. Deadlines are
/// drawn so that users compete for the GPU: each user's deadline lies between the time it needs
/// uploading its input alone and that plus a share (from a third to all) of the time the GPU
/// needs for everyone's input in full batches; so many deadlines fall below the local time, and
/// every user can meet its deadline alone.
struct MediumFamily {
    std::string name;
    EdgeShape shape;
};

/// The medium families, one per EdgeShape.
const std::vector<MediumFamily>& medium();

/// The shape of instance @p index of a medium family (before its deadlines are redrawn).
RandomScenarioSpec mediumSpec(const MediumFamily& family, int index);

/// Instance @p index of medium family @p familyIndex. O(M*N).
Scenario mediumScenario(size_t familyIndex, int index);

} // namespace coinfer::families
