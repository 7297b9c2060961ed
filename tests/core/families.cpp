#include "families.h"

#include "core/util/random.h"

#include <algorithm>

namespace coinfer::families {
namespace {

RandomScenarioSpec base(int index)
{
    RandomScenarioSpec spec;
    spec.users = 3 + index % 6;
    spec.subtasks = 1 + (index / 6) % 5;
    spec.maxBatch = 8;
    const double tightness[] = {0.9, 1.1, 1.3, 1.6};
    spec.tightness = tightness[(index / 20) % 4];
    spec.localAlwaysFeasible = index % 3 != 0;
    // A GPU from as fast as the generator's default to a dozen times slower, so that users
    // compete for it and the cheapest option each user could take alone is often not enough.
    const double edgeScale[] = {1.0, 4.0, 12.0};
    spec.edgeScale = edgeScale[(index / 3) % 3];
    return spec;
}

RandomScenarioSpec shaped(int index, EdgeShape shape)
{
    RandomScenarioSpec spec = base(index);
    spec.edgeShape = shape;
    spec.maxBatch = 1 + index % 4 + (index / 7) % 3; // often below M
    return spec;
}

} // namespace

/// Raises deadlines just enough that one plan is feasible: every user whose deadline is at least
/// its local time computes locally; the others upload their input and are served in full
/// rounds (all sub-tasks back to back) in the order their uploads arrive. So an instance has a
/// feasible plan, and users with deadlines below their local time remain. O(M log M + M*N).
void ensureFeasible(Scenario& scenario, int maxBatch)
{
    struct Offloader {
        double arrivalMs;
        size_t user;
    };
    std::vector<Offloader> offloaders;
    for (size_t m = 0; m < scenario.users.size(); ++m) {
        const User& user = scenario.users[m];
        double localMs = 0;
        for (double t : user.localLatencyMs)
            localMs += t;
        if (user.deadlineMs < localMs)
            offloaders.push_back({scenario.dnn.inputBytes * 8 / (user.uplinkRateMbps * 1e3), m});
    }
    std::stable_sort(offloaders.begin(), offloaders.end(),
                     [](const Offloader& a, const Offloader& b) { return a.arrivalMs < b.arrivalMs; });
    double gpuFreeMs = 0;
    for (size_t first = 0; first < offloaders.size(); first += static_cast<size_t>(maxBatch)) {
        const size_t last = std::min(offloaders.size(), first + static_cast<size_t>(maxBatch));
        double endMs = std::max(gpuFreeMs, offloaders[last - 1].arrivalMs);
        for (const Subtask& subtask : scenario.dnn.subtasks)
            endMs += subtask.edgeLatencyMs[last - first - 1];
        for (size_t i = first; i < last; ++i) {
            double& deadline = scenario.users[offloaders[i].user].deadlineMs;
            deadline = std::max(deadline, endMs * (1 + 1e-9) + 1e-6);
        }
        gpuFreeMs = endMs;
    }
}

const std::vector<MediumFamily>& medium()
{
    static const std::vector<MediumFamily> families = {
        {"medium, constant", EdgeShape::Constant}, {"medium, affine", EdgeShape::Affine},
        {"medium, square root", EdgeShape::Sqrt},  {"medium, quadratic", EdgeShape::Quadratic},
        {"medium, step", EdgeShape::Step},         {"medium, knee", EdgeShape::Knee},
        {"medium, noisy", EdgeShape::Noisy},
    };
    return families;
}

RandomScenarioSpec mediumSpec(const MediumFamily& family, int index)
{
    RandomScenarioSpec spec;
    spec.users = 10 + 6 * (index % 6); // 10, 16, 22, 28, 34, 40
    spec.subtasks = 2 + (index + index / 6) % 5;
    spec.edgeShape = family.shape;
    const int eighths[] = {1, 2, 3, 4};
    spec.maxBatch = std::max(1, spec.users * eighths[(index / 2) % 4] / 8);
    const double edgeScale[] = {3.0, 6.0, 12.0, 20.0};
    spec.edgeScale = edgeScale[(index / 3) % 4];
    return spec;
}

Scenario mediumScenario(size_t familyIndex, int index)
{
    const std::uint64_t seed = 9'000'000 + familyIndex * 100'000 + static_cast<std::uint64_t>(index);
    const RandomScenarioSpec spec = mediumSpec(medium()[familyIndex], index);
    Scenario scenario = makeRandomScenario(seed, spec);
    const int users = spec.users, batch = spec.maxBatch;
    // The GPU time of every input uploaded, in full batches, and one input alone.
    double fullLoadMs = 0, aloneMs = 0;
    for (const Subtask& subtask : scenario.dnn.subtasks) {
        fullLoadMs += subtask.edgeLatencyMs[static_cast<size_t>(batch - 1)] * ((users + batch - 1) / batch);
        aloneMs += subtask.edgeLatencyMs[0];
    }
    const double share[] = {0.35, 0.6, 1.0};
    const double loadShare = share[(index / 2) % 3];
    SeededRandom random(seed ^ 0x5bd1e995u);
    for (User& user : scenario.users) {
        const double uploadMs = scenario.dnn.inputBytes * 8 / (user.uplinkRateMbps * 1e3);
        user.deadlineMs = uploadMs + aloneMs + random.uniform() * loadShare * fullLoadMs;
    }
    if (index % 3 == 2) {
        // Two deadlines shared by everyone.
        double mean = 0;
        for (const User& user : scenario.users)
            mean += user.deadlineMs / users;
        for (User& user : scenario.users)
            user.deadlineMs = user.deadlineMs <= mean ? mean * 0.8 : mean * 1.2;
    }
    ensureFeasible(scenario, batch);
    return scenario;
}

const std::vector<Family>& all()
{
    static const std::vector<Family> families = {
        {"equal deadlines, constant",
         [](int i) {
             auto s = base(i);
             s.equalDeadlines = true;
             return s;
         }},
        {"different deadlines, constant", [](int i) { return base(i); }},
        {"affine", [](int i) { return shaped(i, EdgeShape::Affine); }},
        {"square root", [](int i) { return shaped(i, EdgeShape::Sqrt); }},
        {"quadratic", [](int i) { return shaped(i, EdgeShape::Quadratic); }},
        {"step", [](int i) { return shaped(i, EdgeShape::Step); }},
        {"knee", [](int i) { return shaped(i, EdgeShape::Knee); }},
        {"noisy, not monotone", [](int i) { return shaped(i, EdgeShape::Noisy); }},
        {"B_max below M, constant",
         [](int i) {
             auto s = base(i);
             s.maxBatch = 1 + i % 2;
             return s;
         }},
        {"deadline ties",
         [](int i) {
             auto s = shaped(i, EdgeShape::Affine);
             s.deadlineTies = true;
             s.deadlineSpread = 0.6;
             return s;
         }},
        {"tight deadlines",
         [](int i) {
             auto s = shaped(i, EdgeShape::Affine);
             s.tightness = 0.7 + 0.1 * (i % 3);
             return s;
         }},
        {"slow GPU",
         [](int i) {
             auto s = shaped(i, i % 2 ? EdgeShape::Affine : EdgeShape::Constant);
             s.edgeScale = 10.0 * (1 + i % 10); // 10 to 100 times
             s.deadlineSpread = 0.3;
             s.tightness = 1.0 + 0.5 * (i % 3);
             return s;
         }},
    };
    return families;
}

std::uint64_t seedOf(size_t familyIndex, int index)
{
    return 7'000'000 + familyIndex * 100'000 + static_cast<std::uint64_t>(index);
}

} // namespace coinfer::families
